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

Result<std::vector<OptionAssignment>> ParseConfigText(std::string_view text,
                                                      const std::string& file_name) {
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
    if (equals == std::string_view::npos)
      return Status::InvalidArgument(place + ": expected 'name = value', found no '='");
    std::string name(Trim(line.substr(0, equals)));
    if (name.empty()) return Status::InvalidArgument(place + ": no option name before '='");
    for (char c : name) {
      if (!IsNameChar(c)) return Status::InvalidArgument(place + ": unknown option '" + name + "'");
    }
    out.push_back({name, std::string(Trim(line.substr(equals + 1))), place, false});
  }
  return out;
}

Result<ConfigFileContents> ReadConfigFile(const std::string& path, bool must_exist) {
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
  Result<std::vector<OptionAssignment>> assignments = ParseConfigText(text, path);
  if (!assignments.ok()) return assignments.status();
  contents.found = true;
  contents.assignments = std::move(*assignments);
  return contents;
}

}  // namespace ar
