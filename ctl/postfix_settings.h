// PostfixSettings: what `autoresponder-ctl doctor` needs to know of a Postfix
// installation, read with postconf(1) from its config directory (main.cf
// with $names expanded, master.cf through `postconf -F`), never by parsing
// the files ourselves. Also the one place that knows how Postfix names a
// milter socket: inet:HOST:PORT where libmilter writes inet:PORT@HOST, and a
// UNIX path that a chrooted daemon resolves inside queue_directory.
//
// Pure apart from running postconf; thread-compatible.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"

namespace ar {

struct PostfixSettings {
  std::string config_dir;
  std::string queue_directory;
  std::string mail_owner;
  std::vector<std::string> smtpd_milters;      // one milter each, settings stripped
  std::vector<std::string> non_smtpd_milters;
  std::string milter_default_action;
  bool smtpd_chrooted = false;    // any smtpd service of master.cf has chroot = y
  bool cleanup_chrooted = false;  // the cleanup service has chroot = y
};

// Runs postconf_path -c config_dir. IoError with postconf's own message when
// it fails (no main.cf, a syntax error).
Result<PostfixSettings> ReadPostfixSettings(const std::string& postconf_path,
                                            const std::string& config_dir);

// The milters of a main.cf list, one per entry: "unix:/a, { inet:h:1,
// default_action=accept }" gives {"unix:/a", "inet:h:1"}.
std::vector<std::string> SplitMilterList(const std::string& value);

// Whether the Postfix milter name reaches our milter_socket (libmilter
// syntax): inet:HOST:PORT against inet:PORT@HOST, unix:NAME against
// unix:PATH with NAME resolved as a daemon sees it (inside queue_directory
// when chrooted; a relative name is always relative to it).
bool PostfixNameReaches(const std::string& postfix_name, const std::string& milter_socket,
                        const std::string& queue_directory, bool chrooted);

// How main.cf should name milter_socket for a daemon chrooted or not: ""
// when a chrooted daemon cannot reach it (a UNIX socket outside the queue
// directory).
std::string PostfixNameFor(const std::string& milter_socket, const std::string& queue_directory,
                           bool chrooted);

}  // namespace ar
