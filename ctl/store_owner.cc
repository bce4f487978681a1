#include "ctl/store_owner.h"

#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace ar {

namespace {

std::string UserName(uid_t uid) {
  std::vector<char> buffer(16384);
  struct passwd entry {};
  struct passwd* found = nullptr;
  if (getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &found) == 0 && found != nullptr)
    return found->pw_name;
  return std::to_string(uid);
}

std::string Errno(int error) { return std::strerror(error); }

}  // namespace

Status BecomeStoreOwner(const std::string& store_path) {
  if (geteuid() != 0) return Status::Ok();
  struct stat dir {};
  if (stat(store_path.c_str(), &dir) != 0) {
    if (errno == ENOENT) return Status::Ok();
    return Status::IoError("cannot examine store " + store_path + ": " + Errno(errno));
  }
  if (dir.st_uid == 0) return Status::Ok();
  const std::string owner = UserName(dir.st_uid);
  // The files of an earlier run as root: the owner could not open them, and
  // root must not keep writing them either.
  for (const char* name : {"data.mdb", "lock.mdb"}) {
    const std::string file = store_path + "/" + name;
    struct stat st {};
    if (lstat(file.c_str(), &st) == 0 && st.st_uid != dir.st_uid) {
      return Status::IoError("store " + store_path + " belongs to " + owner + " but " + file +
                             " belongs to " + UserName(st.st_uid) + "; give it back with: chown -R " +
                             owner + ": " + store_path);
    }
  }

  std::vector<char> buffer(16384);
  struct passwd entry {};
  struct passwd* found = nullptr;
  getpwuid_r(dir.st_uid, &entry, buffer.data(), buffer.size(), &found);
  const gid_t gid = found != nullptr ? found->pw_gid : dir.st_gid;
  const int grouped =
      found != nullptr ? initgroups(found->pw_name, gid) : setgroups(1, &gid);
  if (grouped != 0 || setgid(gid) != 0 || setuid(dir.st_uid) != 0) {
    return Status::IoError("cannot become " + owner + ", the owner of store " + store_path +
                           ": " + Errno(errno) + "; run autoresponder-ctl as " + owner);
  }
  // setuid() from root drops the saved id too; make sure nothing is left.
  if (setuid(0) == 0 || geteuid() == 0) {
    return Status::IoError("could not give up root before opening store " + store_path);
  }
  return Status::Ok();
}

}  // namespace ar
