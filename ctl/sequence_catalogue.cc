#include "ctl/sequence_catalogue.h"

#include <charconv>

#include "ctl/output_format.h"

namespace ar {

Result<std::vector<LoadedSequence>> LoadCurrentSequences(const Config& config) {
  if (config.sequences.directory.empty()) {
    return Status::InvalidArgument("no sequence_dir is configured");
  }
  return LoadSequenceDirectory(config.sequences.directory);
}

Result<LoadedSequence> FindCurrentSequence(const Config& config, const std::string& name) {
  auto loaded = LoadCurrentSequences(config);
  if (!loaded.ok()) return loaded.status();
  for (LoadedSequence& sequence : *loaded) {
    if (sequence.definition.name == name) return std::move(sequence);
  }
  return Status::NotFound("no sequence named '" + PrintableLine(name) + "' in " +
                          config.sequences.directory);
}

Result<SequenceDefinition> LoadStoredDefinition(SequenceStore& store, const std::string& name,
                                                const std::string& version) {
  auto source = store.GetSequenceVersion(name, version);
  if (!source.ok()) return source.status();
  if (!source->has_value()) {
    return Status::NotFound("version " + ShortVersion(version) + " of " + PrintableLine(name) +
                            " is not in the store");
  }
  return ParseSequence(**source);
}

Result<size_t> FindStep(const SequenceDefinition& definition, const std::string& reference) {
  for (size_t i = 0; i < definition.steps.size(); ++i) {
    if (definition.steps[i].name == reference) return i;
  }
  size_t number = 0;
  auto [end, error] =
      std::from_chars(reference.data(), reference.data() + reference.size(), number);
  if (error == std::errc() && end == reference.data() + reference.size() && number >= 1 &&
      number <= definition.steps.size()) {
    return number - 1;
  }
  std::string names;
  for (const StepSpec& step : definition.steps) names += (names.empty() ? "" : ", ") + step.name;
  return Status::InvalidArgument(
      "sequence " + definition.name + " has no step '" + PrintableLine(reference) +
      "' (steps: " + (names.empty() ? "none" : names) + "; or a number from 1)");
}

std::string ShortVersion(const std::string& version) { return version.substr(0, 12); }

}  // namespace ar
