#include "ctl/access_probe.h"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <vector>

namespace ar {

namespace {

constexpr int kCannotSwitch = 255;

int ConnectUnix(const std::string& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.size() >= sizeof(address.sun_path)) return ENAMETOOLONG;
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return errno;
  const int rc = connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address));
  const int error = rc == 0 ? 0 : errno;
  close(fd);
  return error;
}

// Runs action in a child that became user (after chroot_dir, if any) and
// returns what it returned: an errno, or 0.
ProbeResult RunAs(const std::string& user, const std::string& chroot_dir,
                  const std::function<int()>& action) {
  ProbeResult result;
  if (geteuid() != 0) {
    result.as_caller = true;
    result.error = chroot_dir.empty() ? action() : EPERM;
    return result;
  }
  // Everything the child needs is looked up before fork(): the child only
  // makes system calls.
  std::vector<char> buffer(16384);
  struct passwd entry {};
  struct passwd* found = nullptr;
  if (getpwnam_r(user.c_str(), &entry, buffer.data(), buffer.size(), &found) != 0 ||
      found == nullptr) {
    result.no_such_user = true;
    result.error = ENOENT;
    return result;
  }
  const uid_t uid = found->pw_uid;
  const gid_t gid = found->pw_gid;
  std::vector<gid_t> groups(64);
  int count = static_cast<int>(groups.size());
  if (getgrouplist(user.c_str(), gid, groups.data(), &count) < 0) {
    groups.resize(static_cast<size_t>(count));
    if (getgrouplist(user.c_str(), gid, groups.data(), &count) < 0) count = 0;
  }
  groups.resize(static_cast<size_t>(count));
  if (groups.empty()) groups.push_back(gid);

  const pid_t child = fork();
  if (child < 0) {
    result.error = errno;
    return result;
  }
  if (child == 0) {
    if (!chroot_dir.empty() && (chroot(chroot_dir.c_str()) != 0 || chdir("/") != 0))
      _exit(errno > 0 && errno < kCannotSwitch ? errno : kCannotSwitch - 1);
    if (setgroups(groups.size(), groups.data()) != 0 || setgid(gid) != 0 || setuid(uid) != 0)
      _exit(kCannotSwitch);
    const int error = action();
    _exit(error > 0 && error < kCannotSwitch ? error : (error == 0 ? 0 : kCannotSwitch - 1));
  }
  int status = 0;
  while (waitpid(child, &status, 0) < 0) {
    if (errno != EINTR) {
      result.error = errno;
      return result;
    }
  }
  result.error = WIFEXITED(status) ? WEXITSTATUS(status) : EIO;
  if (result.error == kCannotSwitch) result.error = EPERM;
  return result;
}

}  // namespace

ProbeResult ConnectUnixSocketAs(const std::string& user, const std::string& chroot_dir,
                                const std::string& path) {
  return RunAs(user, chroot_dir, [&path] { return ConnectUnix(path); });
}

ProbeResult AccessAs(const std::string& user, const std::string& path, int mode) {
  return RunAs(user, "", [&path, mode] {
    return faccessat(AT_FDCWD, path.c_str(), mode, AT_EACCESS) == 0 ? 0 : errno;
  });
}

}  // namespace ar
