// LoadSequenceDirectory: reads every "*.sequence" file of the sequence
// directory with the templates it names, parses each, and checks what needs
// all of them at once (unique names, move_to targets). Only reads: a file an
// administrator is editing at this moment at worst fails to parse, and the
// caller keeps the definitions it had.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <system_error>
#include <vector>

#include "core/strings.h"
#include "sequence/sequence_definition.h"
#include "sequence/sequence_file_parser.h"

namespace ar {
namespace {

// Sequence files and templates are small; anything larger is a mistake
// (or a hostile file) and is refused before it is read into memory.
constexpr uintmax_t kMaxFileBytes = 1024 * 1024;

// Reads at most kMaxFileBytes; NotFound when the file does not exist.
Result<std::string> ReadBounded(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    if (ec || !std::filesystem::exists(path, ec)) return Status::NotFound("no such file");
    return Status::IoError("not a regular file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IoError("cannot open for reading");
  std::string text(kMaxFileBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) return Status::IoError("read error");
  text.resize(static_cast<size_t>(in.gcount()));
  if (text.size() > kMaxFileBytes) return Status::InvalidArgument("larger than 1 MiB");
  return text;
}

// The template names a sequence file gives, as written (checked later by
// ParseSequence, which also reports the ones that cannot be read).
std::vector<std::string> TemplateNames(const std::string& file_name, const std::string& text) {
  ParseErrors ignored(file_name);
  std::vector<std::string> names;
  for (const SequenceFileSection& section : SplitSequenceFile(text, &ignored)) {
    // Steps name their templates; [sequence] may name the confirmation's.
    const char* key = section.kind == "step"       ? "template"
                      : section.kind == "sequence" ? "confirm_template"
                                                   : nullptr;
    if (key == nullptr) continue;
    for (const SequenceFileEntry& entry : section.entries) {
      if (entry.key == key && IsSafeTemplateName(entry.value)) names.push_back(entry.value);
    }
  }
  return names;
}

// The line of `key` in the first section of `kind` (and `name`), or `fallback`.
int LineOf(const std::string& file_name, const std::string& text, std::string_view kind,
           std::string_view name, std::string_view key, int fallback) {
  ParseErrors ignored(file_name);
  for (const SequenceFileSection& section : SplitSequenceFile(text, &ignored)) {
    if (section.kind != kind || section.name != name) continue;
    for (const SequenceFileEntry& entry : section.entries) {
      if (entry.key == key) return entry.line;
    }
    return section.line;
  }
  return fallback;
}

}  // namespace

Result<std::vector<LoadedSequence>> LoadSequenceDirectory(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::vector<std::string> files;
  fs::directory_iterator it(dir, ec);
  if (ec) return Status::IoError(dir + ": cannot read the sequence directory: " + ec.message());
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    std::string file = it->path().filename().string();
    // Editors leave ".#name.sequence" locks and "#name.sequence#" saves.
    if (file.empty() || file[0] == '.' || file[0] == '#') continue;
    if (file.size() <= 9 || file.compare(file.size() - 9, 9, ".sequence") != 0) continue;
    files.push_back(file);
  }
  if (ec) return Status::IoError(dir + ": cannot read the sequence directory: " + ec.message());
  std::sort(files.begin(), files.end());

  std::vector<std::string> errors;
  std::vector<LoadedSequence> loaded;
  // Every name a file claims (parsed or not), so one broken file does not
  // also make every move into it an error.
  std::map<std::string, std::string> claimed;  // sequence name -> file
  for (const std::string& file : files) {
    Result<std::string> text = ReadBounded(fs::path(dir) / file);
    if (!text.ok()) {
      errors.push_back(file + ":0: " + text.status().message());
      continue;
    }
    LoadedSequence item;
    item.source.file_name = file;
    item.source.text = std::move(*text);
    for (const std::string& name : TemplateNames(file, item.source.text)) {
      for (const std::string& candidate : {name, HtmlSiblingName(name)}) {
        if (item.source.templates.count(candidate)) continue;
        Result<std::string> body = ReadBounded(fs::path(dir) / candidate);
        if (body.ok()) {
          item.source.templates[candidate] = std::move(*body);
        } else if (!body.status().IsNotFound()) {
          errors.push_back(candidate + ":0: " + body.status().message());
        }
      }
    }
    Result<SequenceDefinition> def = ParseSequence(item.source);
    if (!def.ok()) {
      for (std::string& line : SplitTrimmed(def.status().message(), '\n')) {
        errors.push_back(std::move(line));
      }
      std::string stem = file.substr(0, file.size() - 9);
      claimed.emplace(stem, file);
      continue;
    }
    item.definition = std::move(*def);
    auto [owner, inserted] = claimed.emplace(item.definition.name, file);
    if (!inserted && owner->second != file) {
      errors.push_back(
          file + ":" + std::to_string(LineOf(file, item.source.text, "sequence", "", "name", 1)) +
          ": the sequence name " + item.definition.name + " is also used by " + owner->second);
      continue;
    }
    loaded.push_back(std::move(item));
  }
  for (const LoadedSequence& item : loaded) {
    for (const ExitSpec& exit : item.definition.exits) {
      if (exit.move_to.empty() || claimed.count(exit.move_to)) continue;
      errors.push_back(item.source.file_name + ":" +
                       std::to_string(LineOf(item.source.file_name, item.source.text, "exit",
                                             exit.name, "move_to", exit.line)) +
                       ": move_to " + exit.move_to + ": no sequence of that name in " + dir);
    }
  }
  // A variable nobody sets renders empty in every mail ({{frist_name}}):
  // name it with its template file and line. A person gets the variables
  // this trigger captured, or those of the exit trigger that moved them
  // here (autoresponder-sequence(5), VARIABLES).
  for (const LoadedSequence& item : loaded) {
    std::set<std::string> known = BuiltInTemplateVariables();
    known.insert(item.definition.captured_variables.begin(),
                 item.definition.captured_variables.end());
    if (!item.definition.person_time_zone_variable.empty())
      known.insert(item.definition.person_time_zone_variable);
    for (const LoadedSequence& other : loaded) {
      for (const ExitSpec& exit : other.definition.exits) {
        if (exit.move_to == item.definition.name)
          known.insert(exit.captured_variables.begin(), exit.captured_variables.end());
      }
    }
    std::set<std::string> checked;
    for (const StepSpec& step : item.definition.steps) {
      if (!checked.insert(step.template_name).second) continue;
      for (const TemplateVariableUse& use : TemplateVariableUses(step.template_name, item.source)) {
        if (known.count(use.name)) continue;
        errors.push_back(use.file + ":" + std::to_string(use.line) +
                         ": unknown template variable {{" + use.name +
                         "}}: neither built in nor captured by a (?P<" + use.name +
                         ">...) group of the [trigger] of " + item.source.file_name);
      }
    }
  }
  if (!errors.empty()) {
    std::string joined;
    for (const std::string& e : errors) joined += (joined.empty() ? "" : "\n") + e;
    return Status::InvalidArgument(joined);
  }
  return loaded;
}

}  // namespace ar
