#include "config/config_file.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "core/strings.h"

namespace ar {

namespace {

constexpr size_t kMaxFileSize = 1 << 20;

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

}  // namespace

std::string JoinLines(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& line : lines) out += (out.empty() ? "" : "\n") + line;
  return out;
}

std::vector<OptionAssignment> ParseConfigText(std::string_view text, const std::string& file_name,
                                              std::vector<std::string>* errors) {
  std::vector<OptionAssignment> out;
  size_t line_number = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = Trim(text.substr(start, end - start));
    start = end + 1;
    ++line_number;
    std::string place = file_name + ":" + std::to_string(line_number);
    // Only whole lines are comments: a '#' inside a value is kept, as in
    // Postfix, so no value ever needs quoting.
    if (line.empty() || line[0] == '#') continue;
    size_t equals = line.find('=');
    if (equals == std::string_view::npos) {
      errors->push_back(place + ": expected 'name = value', found no '='");
      continue;
    }
    std::string name(Trim(line.substr(0, equals)));
    if (name.empty()) {
      errors->push_back(place + ": no option name before '='");
      continue;
    }
    bool name_ok = true;
    for (char c : name) name_ok = name_ok && IsNameChar(c);
    if (!name_ok) {
      errors->push_back(place + ": unknown option '" + name + "'");
      continue;
    }
    out.push_back({name, std::string(Trim(line.substr(equals + 1))), place, false});
  }
  return out;
}

Result<std::vector<OptionAssignment>> ParseConfigText(std::string_view text,
                                                      const std::string& file_name) {
  std::vector<std::string> errors;
  std::vector<OptionAssignment> out = ParseConfigText(text, file_name, &errors);
  if (!errors.empty()) return Status::InvalidArgument(JoinLines(errors));
  return out;
}

Result<ConfigFileContents> ReadConfigFile(const std::string& path, bool must_exist) {
  std::vector<std::string> errors;
  Result<ConfigFileContents> contents = ReadConfigFile(path, must_exist, &errors);
  if (contents.ok() && !errors.empty()) return Status::InvalidArgument(JoinLines(errors));
  return contents;
}

Result<ConfigFileContents> ReadConfigFile(const std::string& path, bool must_exist,
                                          std::vector<std::string>* errors) {
  ConfigFileContents contents;
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT && !must_exist) return contents;
    return Status::InvalidArgument(path + ": " + std::strerror(errno));
  }
  if (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode))  // character: /dev/null
    return Status::InvalidArgument(path + ": not a regular file");
  if (static_cast<uint64_t>(st.st_size) > kMaxFileSize)
    return Status::InvalidArgument(path + ": larger than 1 MiB");
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::InvalidArgument(path + ": " + std::strerror(errno));
  std::string text;
  text.reserve(static_cast<size_t>(st.st_size));
  char buffer[8192];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    text.append(buffer, static_cast<size_t>(in.gcount()));
    if (text.size() > kMaxFileSize) return Status::InvalidArgument(path + ": larger than 1 MiB");
  }
  if (in.bad()) return Status::InvalidArgument(path + ": read error");
  contents.found = true;
  contents.assignments = ParseConfigText(text, path, errors);
  return contents;
}

}  // namespace ar
