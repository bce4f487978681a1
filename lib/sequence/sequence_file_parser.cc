#include "sequence/sequence_file_parser.h"

#include <string>

#include "core/strings.h"

namespace ar {

void ParseErrors::Add(int line, std::string_view what) {
  messages_.push_back(file_ + ":" + std::to_string(line) + ": " + std::string(what));
}

void ParseErrors::AddAll(const std::vector<std::string>& messages) {
  messages_.insert(messages_.end(), messages.begin(), messages.end());
}

Status ParseErrors::ToStatus() const {
  if (messages_.empty()) return Status::Ok();
  std::string joined;
  for (const std::string& m : messages_) {
    if (!joined.empty()) joined += '\n';
    joined += m;
  }
  return Status::InvalidArgument(joined);
}

bool IsSafeTemplateName(std::string_view name) {
  if (name.empty() || name.size() > 200 || name.front() == '/') return false;
  for (char c : name) {
    if (c <= 32 || c > 126 || c == '\\') return false;
  }
  for (const std::string& part : SplitTrimmed(name, '/')) {
    if (part == "." || part == "..") return false;
  }
  if (name.find("//") != std::string_view::npos || name.back() == '/') return false;
  return !EndsWithIgnoreCase(name, ".html") && !EndsWithIgnoreCase(name, ".sequence");
}

std::string_view StripLineComment(std::string_view line) {
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] != '#') continue;
    // A '#' starts a comment at the beginning of a line or after blank space;
    // inside a word ("a#b", "[#]") it is text, so patterns rarely need escaping.
    if (i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t') return Trim(line.substr(0, i));
  }
  return Trim(line);
}

namespace {

bool IsSectionWordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.';
}

bool IsSectionWord(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!IsSectionWordChar(c)) return false;
  }
  return true;
}

bool IsKeyChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

}  // namespace

std::vector<SequenceFileSection> SplitSequenceFile(std::string_view text, ParseErrors* errors) {
  std::vector<SequenceFileSection> sections;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  int line_number = 0;
  bool reported_orphans = false;
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view raw = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    ++line_number;
    std::string_view line = StripLineComment(raw);
    if (line.empty()) continue;

    if (line.front() == '[') {
      if (line.back() != ']') {
        errors->Add(line_number, "a section header must end with ']'");
        continue;
      }
      std::string_view inside = Trim(line.substr(1, line.size() - 2));
      size_t space = inside.find_first_of(" \t");
      std::string_view kind = inside.substr(0, space);
      std::string_view name =
          space == std::string_view::npos ? std::string_view() : Trim(inside.substr(space));
      if (!IsSectionWord(kind) || (!name.empty() && !IsSectionWord(name))) {
        errors->Add(line_number,
                    "a section header is [kind] or [kind name] with a name of "
                    "letters, digits, '-', '_' and '.'");
        continue;
      }
      sections.push_back({ToLowerAscii(kind), std::string(name), line_number, {}});
      continue;
    }

    size_t equals = line.find('=');
    std::string_view key = equals == std::string_view::npos ? line : Trim(line.substr(0, equals));
    bool key_ok = !key.empty();
    for (char c : key) key_ok = key_ok && IsKeyChar(c);
    if (equals == std::string_view::npos || !key_ok) {
      errors->Add(line_number, "expected \"key = value\", a [section] or a # comment");
      continue;
    }
    if (sections.empty()) {
      if (!reported_orphans) {
        errors->Add(line_number, "\"" + std::string(key) + "\" before the first [section]");
      }
      reported_orphans = true;
      continue;
    }
    sections.back().entries.push_back(
        {ToLowerAscii(key), std::string(Trim(line.substr(equals + 1))), line_number});
  }
  return sections;
}

}  // namespace ar
