#include "config/option_assignment.h"

#include <map>

#include "config/option_entry.h"
#include "config/sequence_secret.h"

namespace ar {

namespace {

std::string Where(const OptionAssignment& a) {
  return a.from_command_line ? a.place : a.place + ": " + a.name;
}

// Groups one source's assignments by option, refusing unknown names and
// second values for options that hold only one.
Status Group(const std::vector<OptionAssignment>& source,
             std::map<std::string, std::vector<const OptionAssignment*>>* by_name) {
  for (const OptionAssignment& a : source) {
    const OptionEntry* entry = FindOptionEntry(a.name);
    if (entry == nullptr)
      return Status::InvalidArgument(a.place + ": unknown option '" + a.name + "'");
    std::vector<const OptionAssignment*>& list = (*by_name)[a.name];
    if (!list.empty() && !entry->info.repeatable)
      return Status::InvalidArgument(Where(a) + ": given more than once (first at " +
                                     list.front()->place + ")");
    list.push_back(&a);
  }
  return Status::Ok();
}

}  // namespace

Result<Config> AssembleConfig(const std::vector<OptionAssignment>& from_file,
                              const std::vector<OptionAssignment>& from_command_line) {
  std::map<std::string, std::vector<const OptionAssignment*>> file, command_line;
  if (Status s = Group(from_file, &file); !s.ok()) return s;
  if (Status s = Group(from_command_line, &command_line); !s.ok()) return s;

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
      if (!s.ok()) return Status::InvalidArgument(Where(*a) + ": " + s.message());
    }
    winner[name] = it->second.back();
  }

  std::vector<std::string> involved;
  if (Status s = CheckConsistency(config, &involved); !s.ok()) {
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
    return Status::InvalidArgument(prefix + s.message());
  }
  if (Status s = LoadSequenceSecret(&config); !s.ok()) return s;
  return config;
}

}  // namespace ar
