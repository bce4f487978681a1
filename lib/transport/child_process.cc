#include "transport/child_process.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <thread>

extern char** environ;

namespace ar {
namespace {

using SteadyClock = std::chrono::steady_clock;

void CloseFd(int& fd) {
  if (fd >= 0) {
    close(fd);
    fd = -1;
  }
}

void SetNonBlocking(int fd) {
  int flags = fcntl(fd, F_GETFL);
  if (flags >= 0) fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

// Writing to a pipe whose reader is gone raises SIGPIPE, which would kill a
// daemon that did not ignore it. Block it in this thread while we write and
// swallow the one our own write raised, so the process-wide disposition is
// left alone (the caller may be a library user with its own handler).
class SigpipeBlock {
 public:
  SigpipeBlock() {
    sigset_t pipe_only;
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    sigset_t pending;
    sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
    pthread_sigmask(SIG_BLOCK, &pipe_only, &old_mask_);
  }
  ~SigpipeBlock() {
    if (raised_ && !was_pending_) {
      sigset_t pipe_only;
      sigemptyset(&pipe_only);
      sigaddset(&pipe_only, SIGPIPE);
      struct timespec zero = {0, 0};
      while (sigtimedwait(&pipe_only, nullptr, &zero) == -1 && errno == EINTR) {
      }
    }
    pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
  }
  void NoteRaised() { raised_ = true; }

 private:
  sigset_t old_mask_;
  bool was_pending_ = false;
  bool raised_ = false;
};

// waitpid(WNOHANG) that tolerates EINTR. True once the child is reaped.
bool TryReap(pid_t pid, int* wstatus) {
  for (;;) {
    pid_t r = waitpid(pid, wstatus, WNOHANG);
    if (r == pid) return true;
    if (r == -1 && errno == EINTR) continue;
    // ECHILD: someone else reaped it (SIGCHLD ignored); nothing left to wait for.
    if (r == -1 && errno == ECHILD) {
      *wstatus = -1;
      return true;
    }
    return false;
  }
}

void ReapBlocking(pid_t pid, int* wstatus) {
  for (;;) {
    pid_t r = waitpid(pid, wstatus, 0);
    if (r == pid) return;
    if (r == -1 && errno == EINTR) continue;
    *wstatus = -1;
    return;
  }
}

// Signals the whole process group the child leads, so that a shell script's
// own children (sleep, a real MTA helper) go too and release the pipes.
void SignalChild(pid_t pid, int sig) {
  if (kill(-pid, sig) == -1) kill(pid, sig);
}

// SIGTERM, up to grace for a clean exit, then SIGKILL; always reaps.
void Terminate(pid_t pid, std::chrono::milliseconds grace, int* wstatus) {
  SignalChild(pid, SIGTERM);
  auto until = SteadyClock::now() + grace;
  while (SteadyClock::now() < until) {
    if (TryReap(pid, wstatus)) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  SignalChild(pid, SIGKILL);
  ReapBlocking(pid, wstatus);
}

void AppendOutput(ChildRun& run, const char* data, size_t n, size_t limit) {
  size_t room = limit > run.output.size() ? limit - run.output.size() : 0;
  if (n > room) run.output_truncated = true;
  run.output.append(data, std::min(n, room));
}

// Reads what is there now; returns false at end of file or on error.
bool ReadAvailable(int fd, ChildRun& run, size_t limit) {
  char buf[4096];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n > 0) {
      AppendOutput(run, buf, static_cast<size_t>(n), limit);
      continue;
    }
    if (n == -1 && errno == EINTR) continue;
    if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
    return false;
  }
}

struct SpawnedChild {
  pid_t pid = -1;
  int stdin_fd = -1;
  int output_fd = -1;
};

// posix_spawn with stdin from a pipe, stdout+stderr into another, all other
// descriptors closed, default signal dispositions and an empty mask (ignored
// signals survive exec; an MTA with SIGPIPE ignored would misbehave), in its
// own process group so a timeout can kill everything it started.
bool Spawn(const std::vector<std::string>& argv, SpawnedChild* child, std::string* error) {
  int in_pipe[2] = {-1, -1};
  int out_pipe[2] = {-1, -1};
  if (pipe2(in_pipe, O_CLOEXEC) != 0) {
    *error = std::string("pipe: ") + strerror(errno);
    return false;
  }
  if (pipe2(out_pipe, O_CLOEXEC) != 0) {
    *error = std::string("pipe: ") + strerror(errno);
    CloseFd(in_pipe[0]);
    CloseFd(in_pipe[1]);
    return false;
  }

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_pipe[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDERR_FILENO);
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);

  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t mask;
  sigemptyset(&mask);
  posix_spawnattr_setsigmask(&attr, &mask);
  sigset_t defaults;
  sigemptyset(&defaults);
  for (int sig : {SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGCHLD, SIGALRM, SIGUSR1, SIGUSR2}) {
    sigaddset(&defaults, sig);
  }
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
                                      POSIX_SPAWN_SETPGROUP);

  std::vector<char*> cargv;
  cargv.reserve(argv.size() + 1);
  for (const std::string& arg : argv) cargv.push_back(const_cast<char*>(arg.c_str()));
  cargv.push_back(nullptr);

  pid_t pid = -1;
  int rc = posix_spawn(&pid, argv[0].c_str(), &actions, &attr, cargv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  CloseFd(in_pipe[0]);
  CloseFd(out_pipe[1]);
  if (rc != 0) {
    *error = "cannot run " + argv[0] + ": " + strerror(rc);
    CloseFd(in_pipe[1]);
    CloseFd(out_pipe[0]);
    return false;
  }
  child->pid = pid;
  child->stdin_fd = in_pipe[1];
  child->output_fd = out_pipe[0];
  SetNonBlocking(child->stdin_fd);
  SetNonBlocking(child->output_fd);
  return true;
}

}  // namespace

ChildRun RunChild(const std::vector<std::string>& argv, const std::string& input,
                  const ChildOptions& options) {
  ChildRun run;
  if (argv.empty() || argv[0].empty()) {
    run.error = "no program to run";
    return run;
  }
  SpawnedChild child;
  if (!Spawn(argv, &child, &run.error)) return run;

  const auto deadline = SteadyClock::now() + options.timeout;
  size_t written = 0;
  int wstatus = 0;
  bool reaped = false;
  SigpipeBlock sigpipe;

  if (input.empty()) {
    CloseFd(child.stdin_fd);
    run.input_complete = true;
  }

  for (;;) {
    if (TryReap(child.pid, &wstatus)) {
      reaped = true;
      break;
    }
    auto now = SteadyClock::now();
    if (now >= deadline) break;

    pollfd fds[2];
    nfds_t nfds = 0;
    int stdin_index = -1;
    int output_index = -1;
    if (child.stdin_fd >= 0) {
      stdin_index = static_cast<int>(nfds);
      fds[nfds++] = {child.stdin_fd, POLLOUT, 0};
    }
    if (child.output_fd >= 0) {
      output_index = static_cast<int>(nfds);
      fds[nfds++] = {child.output_fd, POLLIN, 0};
    }
    // While the output pipe is open its hang-up wakes us when the child
    // exits; after that (or if a grandchild holds it) look for the exit
    // every few milliseconds.
    auto slice = std::chrono::milliseconds(child.output_fd >= 0 ? 200 : 20);
    auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
    int wait_ms = static_cast<int>(std::max<int64_t>(1, std::min(slice, remaining).count()));
    int ready = poll(fds, nfds, wait_ms);
    if (ready < 0) {
      if (errno == EINTR) continue;
      run.error = std::string("poll: ") + strerror(errno);
      break;
    }

    if (stdin_index >= 0 && fds[stdin_index].revents != 0) {
      // Also on POLLERR: the write then fails with EPIPE, the one way to
      // learn that the child closed its stdin before reading everything.
      size_t chunk = std::min<size_t>(input.size() - written, 65536);
      ssize_t n = write(child.stdin_fd, input.data() + written, chunk);
      if (n > 0) {
        written += static_cast<size_t>(n);
        if (written == input.size()) {
          CloseFd(child.stdin_fd);
          run.input_complete = true;
        }
      } else if (n == -1 && errno == EPIPE) {
        sigpipe.NoteRaised();
        CloseFd(child.stdin_fd);
      } else if (n == -1 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        CloseFd(child.stdin_fd);
      }
    }
    if (output_index >= 0 && fds[output_index].revents != 0) {
      if (!ReadAvailable(child.output_fd, run, options.output_limit)) CloseFd(child.output_fd);
    }
  }

  if (reaped) {
    // Whatever the child wrote just before exiting is still in the pipe.
    if (child.output_fd >= 0) ReadAvailable(child.output_fd, run, options.output_limit);
  } else {
    Terminate(child.pid, options.kill_grace, &wstatus);
    if (run.error.empty()) {
      run.end = ChildRun::End::kTimedOut;
      run.error = "timed out";
    }
  }
  CloseFd(child.stdin_fd);
  CloseFd(child.output_fd);

  if (!reaped) {
    if (run.end != ChildRun::End::kTimedOut) run.end = ChildRun::End::kSignaled;
    run.signal = SIGKILL;
    return run;
  }
  if (wstatus == -1) {
    run.end = ChildRun::End::kSignaled;
    run.error = "exit status lost (SIGCHLD ignored?)";
  } else if (WIFEXITED(wstatus)) {
    run.end = ChildRun::End::kExited;
    run.exit_status = WEXITSTATUS(wstatus);
  } else if (WIFSIGNALED(wstatus)) {
    run.end = ChildRun::End::kSignaled;
    run.signal = WTERMSIG(wstatus);
  }
  return run;
}

}  // namespace ar
