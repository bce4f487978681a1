// ChildProcess: runs one program to completion: argv without a shell, started
// with posix_spawn (a bare fork() would duplicate a caller's LMDB environment),
// input fed on stdin, stdout and stderr captured together up to a bound, and
// a deadline after which the child's process group gets SIGTERM and, if it
// lingers, SIGKILL. The child is always reaped.
//
// Stateless function; safe to call from several threads at once (SIGPIPE is
// blocked only in the calling thread while it writes).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace ar {

struct ChildRun {
  enum class End {
    kExited,       // exit_status holds the exit code
    kSignaled,     // signal holds the terminating signal
    kTimedOut,     // killed at the deadline
    kSpawnFailed,  // never ran; error says why
  };
  End end = End::kSpawnFailed;
  int exit_status = -1;
  int signal = 0;
  std::string output;  // stdout and stderr, at most output_limit bytes
  bool output_truncated = false;
  bool input_complete = false;  // false when the child closed stdin early
  std::string error;
};

struct ChildOptions {
  std::chrono::milliseconds timeout{60000};
  size_t output_limit = 4096;
  // How long the child may take to exit after SIGTERM before SIGKILL.
  std::chrono::milliseconds kill_grace{2000};
};

// argv[0] is the path of the program (no PATH search).
ChildRun RunChild(const std::vector<std::string>& argv, const std::string& input,
                  const ChildOptions& options);

}  // namespace ar
