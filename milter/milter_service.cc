#include "milter/milter_service.h"

namespace ar {

MessageSettings MessageSettingsFrom(const Config& config) {
  MessageSettings settings;
  settings.responder.policy = config.policy;
  settings.responder.compose = config.compose;
  settings.responder.reply_envelope_sender = config.reply_envelope_sender;
  settings.tempfail_on_error = config.tempfail_on_error;
  return settings;
}

Result<MessageSettings> LoadMessageSettings(const Config& config, Store& store) {
  MessageSettings settings = MessageSettingsFrom(config);
  auto runtime = LoadSequenceRuntime(config.sequences, store);
  if (!runtime.ok()) return runtime.status();
  // Our own mail never enrols anyone: the decision knows it by this marker.
  runtime->settings.loop_marker_header = config.compose.loop_marker_header;
  settings.sequences = std::make_shared<const SequenceRuntime>(std::move(*runtime));
  return settings;
}

}  // namespace ar
