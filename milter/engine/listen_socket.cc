#include "milter/engine/listen_socket.h"

#include <fcntl.h>
#include <netdb.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ar::milter_engine {

namespace {

Status Errno(const std::string& what) {
  return Status::IoError(what + ": " + std::strerror(errno));
}

Result<ListenSocket> Listen(int family, const sockaddr* address, socklen_t length,
                   const std::string& spec) {
  int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return Errno("socket for " + spec);
  if (family != AF_UNIX) {
    int on = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  }
  if (bind(fd, address, length) != 0 || listen(fd, SOMAXCONN) != 0) {
    Status error = Errno("cannot listen on " + spec);
    close(fd);
    return error;
  }
  ListenSocket listener;
  listener.fd = fd;
  return listener;
}

Result<ListenSocket> ListenUnix(const std::string& path, const std::string& spec) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof address.sun_path)
    return Status::InvalidArgument("bad UNIX socket path in " + spec);
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  // A socket left by a previous run; anything else is not ours to remove.
  struct stat st {};
  if (lstat(path.c_str(), &st) == 0 && S_ISSOCK(st.st_mode)) unlink(path.c_str());
  Result<ListenSocket> listener =
      Listen(AF_UNIX, reinterpret_cast<sockaddr*>(&address), sizeof address, spec);
  if (!listener.ok()) return listener;
  // Remembered so that stop removes this file and no later one.
  if (lstat(path.c_str(), &st) == 0) {
    listener->unix_path = path;
    listener->device = st.st_dev;
    listener->inode = st.st_ino;
  }
  return listener;
}

Result<ListenSocket> ListenInet(int family, const std::string& rest, const std::string& spec) {
  // PORT@HOST; the port may be a service name, the host a name or address.
  const size_t at = rest.find('@');
  std::string port = rest.substr(0, at);
  std::string host = at == std::string::npos ? "" : rest.substr(at + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  if (port.empty()) return Status::InvalidArgument("no port in " + spec);
  // getaddrinfo() takes a numeric port modulo 65536: 70000 would listen on 4464.
  if (port.find_first_not_of("0123456789") == std::string::npos &&
      (port.size() > 5 || std::stoul(port) > 65535))
    return Status::InvalidArgument("port out of range (0-65535) in " + spec);
  addrinfo hints{};
  hints.ai_family = family;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* found = nullptr;
  int rc = getaddrinfo(host.empty() ? nullptr : host.c_str(), port.c_str(), &hints, &found);
  if (rc != 0 || found == nullptr)
    return Status::InvalidArgument("cannot resolve " + spec + ": " + gai_strerror(rc));
  Result<ListenSocket> listener = Listen(family, found->ai_addr, found->ai_addrlen, spec);
  freeaddrinfo(found);
  return listener;
}

}  // namespace

Result<ListenSocket> OpenListenSocket(const std::string& spec) {
  if (!spec.empty() && spec[0] == '/') return ListenUnix(spec, spec);
  const size_t colon = spec.find(':');
  if (colon == std::string::npos) return Status::InvalidArgument("bad milter socket " + spec);
  const std::string kind = spec.substr(0, colon);
  const std::string rest = spec.substr(colon + 1);
  if (kind == "unix" || kind == "local") return ListenUnix(rest, spec);
  if (kind == "inet") return ListenInet(AF_INET, rest, spec);
  if (kind == "inet6") return ListenInet(AF_INET6, rest, spec);
  return Status::InvalidArgument("bad milter socket " + spec);
}

bool RemoveUnixSocketFile(const ListenSocket& listener) {
  if (listener.unix_path.empty()) return false;
  struct stat st {};
  if (lstat(listener.unix_path.c_str(), &st) != 0) return false;
  if (st.st_dev != listener.device || st.st_ino != listener.inode) return false;
  return unlink(listener.unix_path.c_str()) == 0;
}

}  // namespace ar::milter_engine
