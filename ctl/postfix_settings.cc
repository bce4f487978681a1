#include "ctl/postfix_settings.h"

#include <map>

#include "core/strings.h"
#include "transport/child_process.h"

namespace ar {

namespace {

Result<std::string> RunPostconf(const std::vector<std::string>& argv) {
  ChildOptions options;
  options.timeout = std::chrono::milliseconds(20000);
  options.output_limit = 1 << 20;
  const ChildRun run = RunChild(argv, "", options);
  if (run.end == ChildRun::End::kSpawnFailed)
    return Status::IoError("cannot run " + argv[0] + ": " + run.error);
  if (run.end != ChildRun::End::kExited || run.exit_status != 0) {
    // postconf names itself in its messages ("postconf: fatal: ...").
    if (Trim(run.output).empty()) return Status::IoError(argv[0] + " failed");
    return Status::IoError(std::string(Trim(run.output)));
  }
  return run.output;
}

// "name = value" lines into a map.
std::map<std::string, std::string> NameValues(const std::string& text) {
  std::map<std::string, std::string> values;
  for (const std::string& line : SplitTrimmed(text, '\n')) {
    const size_t equals = line.find(" = ");
    if (equals != std::string::npos) {
      values[line.substr(0, equals)] = line.substr(equals + 3);
    } else if (!line.empty() && line.back() == '=') {
      values[std::string(Trim(line.substr(0, line.size() - 1)))] = "";
    }
  }
  return values;
}

// Lexical normalisation of an absolute path: no "//", no trailing "/".
std::string CleanPath(std::string path) {
  std::string out;
  for (char c : path) {
    if (c == '/' && !out.empty() && out.back() == '/') continue;
    out += c;
  }
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

// The file a daemon opens for "unix:NAME".
std::string DaemonPath(const std::string& name, const std::string& queue_directory, bool chrooted) {
  if (!name.empty() && name.front() == '/' && !chrooted) return CleanPath(name);
  return CleanPath(queue_directory + "/" + name);
}

}  // namespace

std::vector<std::string> SplitMilterList(const std::string& value) {
  // Postfix's list syntax: separated by commas or white space; "{ milter,
  // name=value ... }" is one milter with its own settings.
  auto first_word = [](std::string_view text) {
    text = Trim(text);
    const size_t end = text.find_first_of(", \t\n");
    return std::string(text.substr(0, end));
  };
  std::vector<std::string> milters;
  size_t i = 0;
  while (i < value.size()) {
    const char c = value[i];
    if (c == ',' || c == ' ' || c == '\t' || c == '\n') {
      ++i;
    } else if (c == '{') {
      const size_t close = value.find('}', i);
      const std::string inside =
          value.substr(i + 1, close == std::string::npos ? std::string::npos : close - i - 1);
      if (std::string word = first_word(inside); !word.empty()) milters.push_back(word);
      i = close == std::string::npos ? value.size() : close + 1;
    } else {
      const size_t end = value.find_first_of(", \t\n{", i);
      milters.push_back(value.substr(i, end == std::string::npos ? std::string::npos : end - i));
      i = end == std::string::npos ? value.size() : end;
    }
  }
  return milters;
}

bool PostfixNameReaches(const std::string& postfix_name, const std::string& milter_socket,
                        const std::string& queue_directory, bool chrooted) {
  if (StartsWithIgnoreCase(milter_socket, "unix:") || StartsWithIgnoreCase(milter_socket, "local:")) {
    if (!StartsWithIgnoreCase(postfix_name, "unix:")) return false;
    const std::string ours = CleanPath(milter_socket.substr(milter_socket.find(':') + 1));
    return DaemonPath(postfix_name.substr(5), queue_directory, chrooted) == ours;
  }
  // inet:PORT@HOST (libmilter) against inet:HOST:PORT (Postfix).
  const size_t colon = milter_socket.find(':');
  const size_t at = milter_socket.find('@');
  if (colon == std::string::npos || at == std::string::npos || at < colon) return false;
  const std::string family = ToLowerAscii(milter_socket.substr(0, colon));
  const std::string port = milter_socket.substr(colon + 1, at - colon - 1);
  const std::string host = milter_socket.substr(at + 1);
  return EqualsIgnoreCase(postfix_name, family + ":" + host + ":" + port) ||
         EqualsIgnoreCase(postfix_name, family + ":[" + host + "]:" + port);
}

std::string PostfixNameFor(const std::string& milter_socket, const std::string& queue_directory,
                           bool chrooted) {
  if (StartsWithIgnoreCase(milter_socket, "unix:") || StartsWithIgnoreCase(milter_socket, "local:")) {
    const std::string path = CleanPath(milter_socket.substr(milter_socket.find(':') + 1));
    if (!chrooted) return "unix:" + path;
    const std::string jail = CleanPath(queue_directory);
    if (path.rfind(jail + "/", 0) != 0) return "";
    return "unix:" + path.substr(jail.size());
  }
  const size_t colon = milter_socket.find(':');
  const size_t at = milter_socket.find('@');
  if (colon == std::string::npos || at == std::string::npos || at < colon) return milter_socket;
  return ToLowerAscii(milter_socket.substr(0, colon)) + ":" + milter_socket.substr(at + 1) + ":" +
         milter_socket.substr(colon + 1, at - colon - 1);
}

Result<PostfixSettings> ReadPostfixSettings(const std::string& postconf_path,
                                            const std::string& config_dir) {
  auto main_cf = RunPostconf({postconf_path, "-c", config_dir, "-x", "queue_directory",
                              "mail_owner", "smtpd_milters", "non_smtpd_milters",
                              "milter_default_action"});
  if (!main_cf.ok()) return main_cf.status();
  auto master_cf = RunPostconf({postconf_path, "-c", config_dir, "-F"});
  if (!master_cf.ok()) return master_cf.status();

  std::map<std::string, std::string> values = NameValues(*main_cf);
  PostfixSettings settings;
  settings.config_dir = config_dir;
  settings.queue_directory = values["queue_directory"];
  settings.mail_owner = values["mail_owner"];
  settings.smtpd_milters = SplitMilterList(values["smtpd_milters"]);
  settings.non_smtpd_milters = SplitMilterList(values["non_smtpd_milters"]);
  settings.milter_default_action = values["milter_default_action"];

  // "service/type/field = value": the command's first word names the daemon.
  std::map<std::string, std::string> fields = NameValues(*master_cf);
  for (const auto& [key, command] : fields) {
    const size_t slash = key.rfind('/');
    if (slash == std::string::npos || key.substr(slash + 1) != "command") continue;
    const std::string service = key.substr(0, slash);
    const std::string daemon(command.substr(0, command.find(' ')));
    const bool chrooted = fields[service + "/chroot"] == "y";
    if (daemon == "smtpd" && chrooted) settings.smtpd_chrooted = true;
    if (daemon == "cleanup" && chrooted) settings.cleanup_chrooted = true;
  }
  return settings;
}

}  // namespace ar
