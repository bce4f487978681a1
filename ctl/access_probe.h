// AccessProbe: does something as another user, for real, in a child process
// that becomes that user (supplementary groups, primary group, user) and,
// when asked, first enters a chroot the way a chrooted Postfix daemon does.
// So modes, ACLs, group memberships and every directory on the way count,
// which no stat(2)-based reasoning gets right.
//
// Only root can switch users; for anyone else the probe runs as the caller
// (ProbeResult::as_caller says so). Not thread-safe (fork); autoresponder-ctl
// is single-threaded.
#pragma once

#include <string>

namespace ar {

struct ProbeResult {
  int error = 0;           // 0: it worked; else the errno of the failing call
  bool no_such_user = false;
  bool as_caller = false;  // not root: tried as the calling user instead
};

// Connects to the UNIX socket path as user; chroot_dir, when not empty, is
// entered first and path is then resolved inside it.
ProbeResult ConnectUnixSocketAs(const std::string& user, const std::string& chroot_dir,
                                const std::string& path);

// access(2) with mode (R_OK | W_OK | X_OK) as user, effective ids.
ProbeResult AccessAs(const std::string& user, const std::string& path, int mode);

}  // namespace ar
