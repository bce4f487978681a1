#include "milter/milter_service.h"

namespace ar {

MessageSettings MessageSettingsFrom(const Config& config) {
  MessageSettings settings;
  settings.responder = ResponderSettingsFrom(config);
  settings.tempfail_on_error = config.tempfail_on_error;
  return settings;
}

Result<MessageSettings> LoadMessageSettings(const Config& config, Store& store) {
  MessageSettings settings = MessageSettingsFrom(config);
  auto runtime = LoadSequenceRuntime(config.sequences, store);
  if (!runtime.ok()) return runtime.status();
  SetLoopMarker(config, *runtime);
  settings.sequences = std::make_shared<const SequenceRuntime>(std::move(*runtime));
  return settings;
}

}  // namespace ar
