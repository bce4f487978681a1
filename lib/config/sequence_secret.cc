#include "config/sequence_secret.h"

#include <fcntl.h>
#include <grp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "config/service_user.h"

namespace ar {

namespace {

// A key file is a few dozen bytes; anything much larger is a mistake.
constexpr size_t kMaxSecretKeyBytes = 4096;

std::string Octal(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

std::string GroupName(gid_t gid) {
  struct group* entry = getgrgid(gid);
  return entry != nullptr ? entry->gr_name : std::to_string(gid);
}

// Reads fd to the end, at most kMaxSecretKeyBytes + 1 bytes.
Result<std::string> ReadKey(int fd) {
  std::string key(kMaxSecretKeyBytes + 1, '\0');
  size_t got = 0;
  while (got < key.size()) {
    const ssize_t n = read(fd, key.data() + got, key.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::IoError(std::strerror(errno));
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  key.resize(got);
  return key;
}

}  // namespace

Status CheckSecretKeyMode(const std::string& path, uid_t owner, gid_t group, mode_t mode,
                          const std::string& service_user) {
  const std::string fix = "; make it readable by its owner only (chmod 600 " + path +
                          ") or by root and the group of service_user (chown root:GROUP " + path +
                          "; chmod 640 " + path + ")";
  if ((mode & 0007) != 0)
    return Status::InvalidArgument("secret_key_file " + path + ": mode " + Octal(mode) +
                                   " lets every user of the machine at the key" + fix);
  if ((mode & 0070) == 0) return Status::Ok();
  const std::string group_name = GroupName(group);
  if ((mode & 0030) != 0)
    return Status::InvalidArgument("secret_key_file " + path + ": mode " + Octal(mode) +
                                   " lets group " + group_name + " change the key" + fix);
  Result<ServiceUser> user = LookUpServiceUser(service_user);
  if (owner == 0 && user.ok() && user->gid == group) return Status::Ok();
  return Status::InvalidArgument(
      "secret_key_file " + path + ": mode " + Octal(mode) + " lets group " + group_name +
      " read the key, which is only allowed for a file owned by root in the primary group of "
      "service_user " +
      (service_user.empty() ? std::string("(none set)")
                            : service_user + (user.ok() ? " (" + GroupName(user->gid) + ")"
                                                        : std::string(", which does not exist"))) +
      fix);
}

Status LoadSequenceSecret(Config* config) {
  SequenceOptions& options = config->sequences;
  options.secret_key.clear();
  std::error_code ec;
  if (options.directory.empty() || !std::filesystem::is_directory(options.directory, ec))
    return Status::Ok();
  const std::string& path = options.secret_key_file;
  if (path.empty())
    return Status::InvalidArgument("secret_key_file: sequence_dir " + options.directory +
                                   " is set but secret_key_file is empty");
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0)
    return Status::InvalidArgument("secret_key_file " + path +
                                   ": cannot read: " + std::strerror(errno));
  // The mode of the file opened, not of whatever the path names later.
  struct stat st {};
  Status checked;
  if (fstat(fd, &st) != 0) {
    checked = Status::InvalidArgument("secret_key_file " + path + ": " + std::strerror(errno));
  } else if (!S_ISREG(st.st_mode)) {
    checked = Status::InvalidArgument("secret_key_file " + path + ": not a regular file");
  } else {
    checked = CheckSecretKeyMode(path, st.st_uid, st.st_gid, st.st_mode, config->service_user);
  }
  Result<std::string> read = checked.ok() ? ReadKey(fd) : Result<std::string>(checked);
  close(fd);
  if (!checked.ok()) return checked;
  if (!read.ok()) return Status::InvalidArgument("secret_key_file " + path + ": read error");
  std::string key = std::move(*read);
  if (key.size() > kMaxSecretKeyBytes)
    return Status::InvalidArgument("secret_key_file " + path + ": longer than 4096 bytes");
  if (!key.empty() && key.back() == '\n') key.pop_back();
  if (!key.empty() && key.back() == '\r') key.pop_back();
  if (key.size() < kMinSecretKeyBytes)
    return Status::InvalidArgument("secret_key_file " + path + ": shorter than " +
                                   std::to_string(kMinSecretKeyBytes) + " bytes");
  options.secret_key = std::move(key);
  return Status::Ok();
}

Status CheckSecretKeyAsServiceUser(const Config& config) {
  if (config.sequences.secret_key.empty() || config.service_user.empty()) return Status::Ok();
  Status readable = CheckReadableAs(config.service_user, config.sequences.secret_key_file);
  if (readable.ok() || readable.IsNotFound()) return readable;
  return Status::InvalidArgument("secret_key_file " + readable.message());
}

}  // namespace ar
