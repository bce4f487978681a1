#include "config/option_assignment.h"

#include <map>
#include <set>

#include "config/config_file.h"
#include "config/option_entry.h"
#include "config/sequence_secret.h"

namespace ar {

namespace {

std::string Where(const OptionAssignment& a) {
  return a.from_command_line ? a.place : a.place + ": " + a.name;
}

// Groups one source's assignments by option, refusing (into *errors)
// unknown names and second values for options that hold only one.
void Group(const std::vector<OptionAssignment>& source,
           std::map<std::string, std::vector<const OptionAssignment*>>* by_name,
           std::vector<std::string>* errors) {
  for (const OptionAssignment& a : source) {
    const OptionEntry* entry = FindOptionEntry(a.name);
    if (entry == nullptr) {
      errors->push_back(a.place + ": unknown option '" + a.name + "'");
      continue;
    }
    std::vector<const OptionAssignment*>& list = (*by_name)[a.name];
    if (!list.empty() && !entry->info.repeatable) {
      errors->push_back(Where(a) + ": given more than once (first at " + list.front()->place +
                        ")");
      continue;
    }
    list.push_back(&a);
  }
}

}  // namespace

Result<Config> AssembleConfig(const std::vector<OptionAssignment>& from_file,
                              const std::vector<OptionAssignment>& from_command_line) {
  std::vector<std::string> errors;
  Config config = AssembleConfig(from_file, from_command_line, &errors);
  if (!errors.empty()) return Status::InvalidArgument(JoinLines(errors));
  return config;
}

Config AssembleConfig(const std::vector<OptionAssignment>& from_file,
                      const std::vector<OptionAssignment>& from_command_line,
                      std::vector<std::string>* errors) {
  std::map<std::string, std::vector<const OptionAssignment*>> file, command_line;
  Group(from_file, &file, errors);
  Group(from_command_line, &command_line, errors);
  std::set<std::string> bad_value;

  Config config = DefaultConfig();
  // Which assignment settled each option, to blame the right line when
  // settings turn out inconsistent only together.
  std::map<std::string, const OptionAssignment*> winner;
  for (const OptionEntry& entry : OptionEntries()) {
    const std::string& name = entry.info.name;
    auto it = command_line.find(name);
    if (it == command_line.end()) it = file.find(name);
    if (it == file.end()) continue;
    if (entry.clear) entry.clear(config);
    for (const OptionAssignment* a : it->second) {
      Status s = entry.apply(config, a->value);
      if (!s.ok()) {
        errors->push_back(Where(*a) + ": " + s.message());
        bad_value.insert(name);
      }
    }
    winner[name] = it->second.back();
  }

  std::vector<std::string> involved;
  Status consistent = CheckConsistency(config, &involved);
  bool caused_by_bad_value = false;
  for (const std::string& name : involved) caused_by_bad_value |= bad_value.count(name) > 0;
  if (!consistent.ok() && !caused_by_bad_value) {
    // The command line wins over the file, and a later line over an earlier.
    const OptionAssignment* blame = nullptr;
    auto later = [](const OptionAssignment* a, const OptionAssignment* b) {
      if (a->from_command_line != b->from_command_line) return a->from_command_line;
      return a > b;  // same source vector: later element, later line
    };
    for (const std::string& name : involved) {
      auto w = winner.find(name);
      if (w != winner.end() && (blame == nullptr || later(w->second, blame))) blame = w->second;
    }
    std::string prefix = blame == nullptr ? "" : blame->place + ": ";
    errors->push_back(prefix + consistent.message());
  }
  if (Status s = LoadSequenceSecret(&config); !s.ok()) errors->push_back(s.message());
  return config;
}

}  // namespace ar
