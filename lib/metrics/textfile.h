// The metrics file on disk, as node_exporter's textfile collector reads it:
// a reader must never see half a file, so the new content goes to
// "PATH.tmp" in the same directory and is renamed over PATH (rename(2) is
// atomic within one file system). The collector reads only "*.prom", so
// the temporary name is never scraped.
//
// One writer per PATH (each program has its own option). Thread-safe as far
// as the file system is.
#pragma once

#include <string>

#include "core/result.h"
#include "core/status.h"

namespace ar {

// Replaces PATH with content, mode 0644 whatever the umask: the counters
// are not secret and the collector runs as another user. IoError naming
// the failed step; PATH is then unchanged.
Status WriteTextfileAtomically(const std::string& path, const std::string& content);

// The whole file; NotFound when it does not exist, IoError otherwise. At
// most max_bytes are read (a metrics file is a few kilobytes).
Result<std::string> ReadTextfile(const std::string& path, size_t max_bytes = 1 << 20);

}  // namespace ar
