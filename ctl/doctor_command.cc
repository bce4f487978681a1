#include "ctl/doctor_command.h"

#include <fcntl.h>
#include <netdb.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <ostream>
#include <sstream>

#include "ctl/access_probe.h"
#include "ctl/command_arguments.h"
#include "ctl/output_format.h"
#include "ctl/postfix_settings.h"
#include "transport/smtp_connection.h"

namespace ar {

namespace {

constexpr char kPostconf[] = "/usr/sbin/postconf";
// Where the package's unit puts the socket (systemd/autoresponder-milter.service).
constexpr char kPackagedSocket[] = "unix:/var/spool/postfix/autoresponder/milter.sock";
constexpr const char* kPackagedUnits[] = {"/etc/systemd/system/autoresponder-milter.service",
                                          "/usr/lib/systemd/system/autoresponder-milter.service",
                                          "/lib/systemd/system/autoresponder-milter.service"};

class Findings {
 public:
  explicit Findings(std::ostream& out) : out_(out) {}
  void Ok(const std::string& area, const std::string& text) { Print("ok", area, text, ""); }
  void Warning(const std::string& area, const std::string& text, const std::string& fix) {
    Print("warning", area, text, fix);
  }
  void Problem(const std::string& area, const std::string& text, const std::string& fix) {
    ++problems_;
    Print("PROBLEM", area, text, fix);
  }
  int problems() const { return problems_; }

 private:
  void Print(const std::string& level, const std::string& area, const std::string& text,
             const std::string& fix) {
    std::string line = level + std::string(level.size() < 8 ? 8 - level.size() : 1, ' ') + area +
                       ": " + text;
    if (!fix.empty()) line += "; fix: " + fix;
    out_ << PrintableLine(line) << "\n";
  }
  std::ostream& out_;
  int problems_ = 0;
};

std::string SocketPath(const std::string& socket) {
  return socket.substr(socket.find(':') + 1);
}

bool IsUnixSocket(const std::string& socket) {
  return socket.rfind("unix:", 0) == 0 || socket.rfind("local:", 0) == 0;
}

// The socket the milter is told to use: --socket, else milter_socket from
// the configuration, unless that is the built-in default and the installed
// unit passes its own --milter_socket (as the package's does).
std::string MilterSocket(const CommandContext& ctx, const CommandLine& flags) {
  if (flags.Has("socket")) return flags.Flag("socket");
  if (ctx.config.milter_socket != Config().milter_socket) return ctx.config.milter_socket;
  for (const char* unit : kPackagedUnits) {
    std::ifstream in(unit);
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind("ExecStart=", 0) != 0) continue;
      std::istringstream words(line);
      std::string word;
      while (words >> word) {
        if (word == "--milter_socket" && words >> word) return word;
        if (word.rfind("--milter_socket=", 0) == 0) return word.substr(16);
      }
    }
  }
  return ctx.config.milter_socket;
}

std::string ErrorText(int error) { return std::strerror(error); }

// inet:PORT@HOST / inet6:PORT@HOST: a TCP connect.
int ConnectInet(const std::string& spec) {
  const size_t colon = spec.find(':');
  const size_t at = spec.find('@');
  if (colon == std::string::npos || at == std::string::npos) return EINVAL;
  const std::string port = spec.substr(colon + 1, at - colon - 1);
  const std::string host = spec.substr(at + 1);
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.c_str(), port.c_str(), &hints, &found) != 0) return EHOSTUNREACH;
  int error = ECONNREFUSED;
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    const int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    error = connect(fd, a->ai_addr, a->ai_addrlen) == 0 ? 0 : errno;
    close(fd);
    if (error == 0) break;
  }
  freeaddrinfo(found);
  return error;
}

void CheckSocket(Findings& findings, const std::string& socket, const std::string& postfix_user,
                 const PostfixSettings* postfix) {
  const std::string start_fix =
      "start the milter (systemctl start autoresponder-milter) and read its log";
  if (!IsUnixSocket(socket)) {
    const int error = ConnectInet(socket);
    if (error == 0) {
      findings.Ok("socket", socket + " accepts connections");
    } else {
      findings.Problem("socket", "cannot connect to " + socket + ": " + ErrorText(error), start_fix);
    }
    return;
  }
  const std::string path = SocketPath(socket);
  struct stat st {};
  if (lstat(path.c_str(), &st) != 0) {
    findings.Problem("socket", "no socket at " + path + " (" + ErrorText(errno) + ")", start_fix);
    return;
  }
  if (!S_ISSOCK(st.st_mode)) {
    findings.Problem("socket", path + " is not a socket",
                     "remove it and " + start_fix);
    return;
  }
  const bool chrooted = postfix != nullptr && postfix->smtpd_chrooted;
  std::string jail;
  std::string inside = path;
  if (chrooted) {
    const std::string name = PostfixNameFor(socket, postfix->queue_directory, true);
    if (name.empty()) {
      findings.Problem("socket",
                       "smtpd runs chrooted in " + postfix->queue_directory + " and cannot see " +
                           path + " (outside it)",
                       "listen inside the jail: milter_socket = " + postfix->queue_directory +
                           "/autoresponder/milter.sock (unix:), and in main.cf smtpd_milters = "
                           "unix:/autoresponder/milter.sock");
      return;
    }
    jail = postfix->queue_directory;
    inside = name.substr(5);
  }
  const ProbeResult probe = ConnectUnixSocketAs(postfix_user, jail, inside);
  if (probe.no_such_user) {
    findings.Problem("socket", "there is no user " + postfix_user + " to check as",
                     "name Postfix's user with --postfix-user NAME");
    return;
  }
  std::string as = probe.as_caller ? "the current user (not root: cannot become " + postfix_user + ")"
                                   : postfix_user;
  if (chrooted) as += " inside the chroot " + jail;
  if (probe.error == 0) {
    findings.Ok("socket", path + " is reachable by " + as);
  } else if (probe.error == ECONNREFUSED) {
    findings.Problem("socket", "nothing listens on " + path, start_fix);
  } else if (probe.error == EACCES || probe.error == EPERM) {
    findings.Problem("socket", path + " is not reachable by " + as + ": " + ErrorText(probe.error),
                     "put " + postfix_user + " into the socket's group (adduser " + postfix_user +
                         " autoresponder) and restart Postfix (systemctl restart postfix)");
  } else {
    findings.Problem("socket", path + " is not reachable by " + as + ": " + ErrorText(probe.error),
                     start_fix);
  }
}

std::string Joined(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ", ") + item;
  return out.empty() ? "(empty)" : out;
}

void CheckMainCf(Findings& findings, const std::string& socket, const PostfixSettings& postfix) {
  struct Line {
    const char* name;
    const std::vector<std::string>* milters;
    bool chrooted;
  };
  const Line lines[] = {{"smtpd_milters", &postfix.smtpd_milters, postfix.smtpd_chrooted},
                        {"non_smtpd_milters", &postfix.non_smtpd_milters, postfix.cleanup_chrooted}};
  for (const Line& line : lines) {
    bool named = false;
    for (const std::string& milter : *line.milters)
      named = named || PostfixNameReaches(milter, socket, postfix.queue_directory, line.chrooted);
    const std::string expected = PostfixNameFor(socket, postfix.queue_directory, line.chrooted);
    const std::string where = "main.cf (" + postfix.config_dir + ")";
    if (named) {
      findings.Ok(where, std::string(line.name) + " names the milter");
      continue;
    }
    const std::string fix =
        expected.empty() ? "move the socket into " + postfix.queue_directory
                         : "postconf -c " + postfix.config_dir + " -e '" + line.name + " = " +
                               (std::string(line.name) == "non_smtpd_milters" ? "$smtpd_milters"
                                                                              : expected) +
                               "' && postfix reload";
    const std::string text = std::string(line.name) + " = " + Joined(*line.milters) +
                             " does not reach " + socket;
    // Without non_smtpd_milters the milter misses local mail and its own
    // replies reinjected through sendmail; replies still go out.
    if (std::string(line.name) == "smtpd_milters") {
      findings.Problem(where, text, fix);
    } else {
      findings.Warning(where, text, fix);
    }
  }
  if (postfix.milter_default_action != "accept") {
    findings.Warning("main.cf (" + postfix.config_dir + ")",
                     "milter_default_action = " + postfix.milter_default_action +
                         ": mail waits while the milter is down",
                     "postconf -c " + postfix.config_dir +
                         " -e 'milter_default_action = accept' && postfix reload");
  }
}

void CheckStore(Findings& findings, const Config& config) {
  const std::string& user = config.service_user;
  const std::string& dir = config.store.path;
  const std::string owner_fix = "chown -R " + user + ":" + user + " " + dir + " && chmod 0700 " + dir;
  struct stat st {};
  if (stat(dir.c_str(), &st) != 0) {
    findings.Problem("store", dir + " does not exist (" + ErrorText(errno) + ")",
                     "install -d -o " + user + " -g " + user + " -m 0700 " + dir);
    return;
  }
  bool good = true;
  for (const std::string& path : {dir, dir + "/data.mdb", dir + "/lock.mdb"}) {
    if (path != dir && access(path.c_str(), F_OK) != 0) continue;  // created at first start
    const int mode = path == dir ? R_OK | W_OK | X_OK : R_OK | W_OK;
    const ProbeResult probe = AccessAs(user, path, mode);
    if (probe.no_such_user) {
      findings.Problem("store", "service_user " + user + " does not exist",
                       "create it (systemd-sysusers) or set service_user");
      return;
    }
    if (probe.error != 0) {
      good = false;
      findings.Problem("store", path + " is not usable by " + user + ": " + ErrorText(probe.error),
                       owner_fix);
    }
  }
  if (good) findings.Ok("store", dir + " is usable by " + user);

  const std::string& key = config.sequences.secret_key_file;
  if (key.empty()) return;
  if (stat(key.c_str(), &st) != 0) {
    findings.Warning("key", key + " does not exist (sequences need it)",
                     "(umask 077; head -c 32 /dev/urandom | base64 > " + key + "); chown root:" +
                         user + " " + key + "; chmod 640 " + key);
    return;
  }
  const std::string mode_fix = "chown root:" + user + " " + key + " && chmod 640 " + key;
  if ((st.st_mode & S_IROTH) != 0) {
    findings.Problem("key", key + " is readable by others", mode_fix);
    return;
  }
  const ProbeResult probe = AccessAs(user, key, R_OK);
  if (probe.error != 0) {
    findings.Problem("key", key + " is not readable by " + user + ": " + ErrorText(probe.error),
                     mode_fix);
    return;
  }
  findings.Ok("key", key + " is private and readable by " + user);
}

// A running dispatcher holds an exclusive flock on <store>/dispatcher.lock
// (dispatch/dispatcher_lock.h). Opened read-only and never created, so the
// check leaves nothing behind.
void CheckDispatcher(Findings& findings, const Config& config) {
  const std::string lock = config.store.path + "/dispatcher.lock";
  const std::string fix = "systemctl enable --now autoresponder-dispatcher";
  const int fd = open(lock.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    findings.Problem("dispatcher", "no dispatcher has run on this store (" + lock + ": " +
                                       ErrorText(errno) + "); replies are queued, never sent",
                     fix);
    return;
  }
  const bool held = flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  close(fd);  // also drops the lock if we got it
  if (held) {
    findings.Ok("dispatcher", "running (holds " + lock + ")");
  } else {
    findings.Problem("dispatcher", "not running (nobody holds " + lock + "); replies are queued, never sent",
                     fix);
  }
}

// SMTP up to RCPT, then RSET and QUIT: the MTA answers everything a real
// reply would meet at the envelope, and no message is sent.
void CheckReinjection(Findings& findings, const Config& config) {
  const TransportSettings& transport = config.transport;
  if (transport.kind != "smtp") {
    const ProbeResult probe = AccessAs(config.service_user, transport.sendmail_path, X_OK);
    if (probe.no_such_user) {
      findings.Problem("reinjection", "service_user " + config.service_user + " does not exist",
                       "create it (systemd-sysusers) or set service_user");
    } else if (probe.error == 0) {
      findings.Ok("reinjection", transport.sendmail_path + " is executable by " + config.service_user);
    } else {
      findings.Problem("reinjection",
                       transport.sendmail_path + " is not executable by " + config.service_user +
                           ": " + ErrorText(probe.error),
                       "install the MTA's sendmail or set sendmail_path");
    }
    return;
  }
  const std::string where = transport.smtp_host + ":" + std::to_string(transport.smtp_port);
  const std::string fix = "check that the MTA listens on " + where +
                          " and accepts mail from this host (mynetworks), or set smtp_host/smtp_port";
  auto connection =
      SmtpConnection::Connect(transport.smtp_host, transport.smtp_port, std::chrono::seconds(10));
  if (!connection.ok()) {
    findings.Problem("reinjection", "cannot connect to " + where + ": " + connection.status().message(),
                     fix);
    return;
  }
  const std::pair<std::string, int> steps[] = {
      {"", 220},
      {"EHLO " + transport.helo_name + "\r\n", 250},
      {"MAIL FROM:<>\r\n", 250},
      {"RCPT TO:<postmaster>\r\n", 250},
      {"RSET\r\n", 250}};
  for (const auto& [command, expected] : steps) {
    if (!command.empty()) {
      if (Status written = (*connection)->Write(command); !written.ok()) {
        findings.Problem("reinjection", where + ": " + written.message(), fix);
        return;
      }
    }
    auto reply = (*connection)->ReadReply();
    if (!reply.ok()) {
      findings.Problem("reinjection", where + ": " + reply.status().message(), fix);
      return;
    }
    if (reply->code / 100 != expected / 100) {
      const std::string said = command.empty() ? "greeting" : command.substr(0, command.size() - 2);
      findings.Problem("reinjection", where + " answered " + said + " with " + reply->ToString(), fix);
      return;
    }
  }
  (void)(*connection)->Write("QUIT\r\n");
  findings.Ok("reinjection", where + " accepts a reply up to RCPT (RSET, nothing sent)");
}

}  // namespace

int RunDoctor(const CommandContext& ctx, const std::vector<std::string>& args) {
  static const std::vector<ProgramFlag> kFlags = {
      {"postfix-config", "Postfix's config directory (default /etc/postfix)", true, false},
      {"postfix-user", "the user Postfix's daemons run as (default: mail_owner)", true, false},
      {"socket", "the milter socket to check (default: milter_socket, or the unit's)", true, false},
      {"postconf", "postconf(1) to read Postfix's settings with", true, false}};
  auto flags = ParseCommandArgs(args, kFlags, 0, "doctor", "");
  if (!flags.ok()) return FromStatus(ctx, flags.status());
  const std::string config_dir =
      flags->Has("postfix-config") ? flags->Flag("postfix-config") : "/etc/postfix";
  const std::string postconf = flags->Has("postconf") ? flags->Flag("postconf") : kPostconf;
  const std::string socket = MilterSocket(ctx, *flags);

  Findings findings(ctx.out);
  auto postfix = ReadPostfixSettings(postconf, config_dir);
  if (!postfix.ok()) {
    findings.Problem("main.cf", "cannot read Postfix's configuration: " + postfix.status().message(),
                     "give Postfix's config directory with --postfix-config DIR");
  }
  std::string postfix_user = flags->Flag("postfix-user");
  if (postfix_user.empty()) postfix_user = postfix.ok() && !postfix->mail_owner.empty()
                                               ? postfix->mail_owner
                                               : "postfix";
  CheckSocket(findings, socket, postfix_user, postfix.ok() ? &*postfix : nullptr);
  if (postfix.ok()) CheckMainCf(findings, socket, *postfix);
  CheckStore(findings, ctx.config);
  CheckDispatcher(findings, ctx.config);
  CheckReinjection(findings, ctx.config);
  if (findings.problems() > 0) {
    ctx.err << "autoresponder-ctl: doctor found " << findings.problems()
            << (findings.problems() == 1 ? " problem\n" : " problems\n");
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace ar
