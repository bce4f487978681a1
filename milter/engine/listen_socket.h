// OpenListenSocket: the listening socket for a milter_socket value in
// libmilter's notation: unix:PATH, local:PATH, a bare /PATH, inet:PORT@HOST,
// inet6:PORT@HOST (HOST optional: every address). A stale UNIX socket file
// is removed first, as smfi_opensocket(1) does. Non-blocking, close-on-exec.
#pragma once

#include <string>

#include "core/result.h"

namespace ar::milter_engine {

Result<int> OpenListenSocket(const std::string& spec);

}  // namespace ar::milter_engine
