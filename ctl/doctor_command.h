// `autoresponder-ctl doctor`: checks, for real, everything between a message
// arriving at Postfix and its reply going out, and prints one line per
// finding, each problem with the command or setting that fixes it:
//
//   socket      the milter's socket is there, listens, and the postfix user
//               reaches it (from inside its chroot when smtpd is chrooted);
//   main.cf     smtpd_milters / non_smtpd_milters name that socket the way
//               the (chrooted) daemons resolve it; milter_default_action;
//   store, key  the service user can use the store and read the secret key;
//   dispatcher  a dispatcher holds the store's dispatcher.lock;
//   reinjection the configured transport accepts a message: SMTP up to RCPT,
//               then RSET (nothing is sent), or sendmail is executable.
//
// Reads only: never opens the store (which would change to the service
// user) and writes nothing. Exit status 1 when there is a problem, else 0.
#pragma once

#include <string>
#include <vector>

#include "ctl/command_context.h"

namespace ar {

int RunDoctor(const CommandContext& ctx, const std::vector<std::string>& args);

}  // namespace ar
