// OpenListenSocket: the listening socket for a milter_socket value in
// libmilter's notation: unix:PATH, local:PATH, a bare /PATH, inet:PORT@HOST,
// inet6:PORT@HOST (HOST optional: every address). A stale UNIX socket file
// is removed first, as smfi_opensocket(1) does. Non-blocking, close-on-exec.
//
// RemoveUnixSocketFile: at stop, the UNIX socket file goes away, but only
// when it is still the one we created (same device and inode): a second
// instance started on the same path since then keeps its socket.
#pragma once

#include <sys/types.h>

#include <string>

#include "core/result.h"

namespace ar::milter_engine {

struct ListenSocket {
  int fd = -1;            // owned by whoever takes it (the EventEngine)
  std::string unix_path;  // "" for inet and inet6
  dev_t device = 0;       // of the socket file we bound, when unix_path is set
  ino_t inode = 0;
};

Result<ListenSocket> OpenListenSocket(const std::string& spec);

// Removes listener.unix_path if it still names the file we bound; true
// when it did. Nothing happens for inet sockets or a replaced file.
bool RemoveUnixSocketFile(const ListenSocket& listener);

}  // namespace ar::milter_engine
