#include "config/service_user.h"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace ar {

Result<ServiceUser> LookUpServiceUser(const std::string& name) {
  std::vector<char> buffer(16384);
  struct passwd entry {};
  struct passwd* found = nullptr;
  if (name.empty() || getpwnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found) != 0 ||
      found == nullptr) {
    return Status::NotFound("service_user '" + name +
                            "' does not exist (set service_user to the user the daemons run as)");
  }
  return ServiceUser{found->pw_uid, found->pw_gid};
}

Status CheckReadableAs(const std::string& name, const std::string& path) {
  if (geteuid() != 0) return Status::Ok();
  Result<ServiceUser> user = LookUpServiceUser(name);
  if (!user.ok()) return user.status();
  // Looked up before fork(): the child only makes system calls.
  std::vector<gid_t> groups(64);
  int count = static_cast<int>(groups.size());
  if (getgrouplist(name.c_str(), user->gid, groups.data(), &count) < 0) {
    groups.resize(static_cast<size_t>(count));
    if (getgrouplist(name.c_str(), user->gid, groups.data(), &count) < 0) count = 0;
  }
  groups.resize(static_cast<size_t>(count));
  if (groups.empty()) groups.push_back(user->gid);
  const pid_t child = fork();
  if (child < 0) return Status::IoError("cannot check " + path + " as " + name + ": fork failed");
  if (child == 0) {
    if (setgroups(groups.size(), groups.data()) != 0 || setgid(user->gid) != 0 ||
        setuid(user->uid) != 0)
      _exit(255);
    const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
    _exit(fd < 0 ? (errno > 0 && errno < 255 ? errno : 254) : 0);
  }
  int status = 0;
  while (waitpid(child, &status, 0) < 0) {
    if (errno != EINTR) return Status::IoError("cannot check " + path + " as " + name);
  }
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 254;
  if (code == 0) return Status::Ok();
  if (code == 255) return Status::IoError("cannot check " + path + ": cannot become " + name);
  return Status::IoError(path + ": service_user " + name + " cannot read it: " +
                         (code == 254 ? std::string("unknown error") : std::strerror(code)));
}

}  // namespace ar
