#include "milter/reload_signal.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>

namespace ar {
namespace {

constexpr char kReloadByte = 'H';
constexpr char kShutdownByte = 'S';

// The handler may only touch these: a write(2) to a pipe is async-signal-safe.
std::atomic<int> read_fd{-1};
std::atomic<int> write_fd{-1};

void WriteByte(char byte) {
  int fd = write_fd.load();
  if (fd < 0) return;
  int saved_errno = errno;
  // Non-blocking: when the pipe is full, requests are already pending.
  ssize_t ignored = write(fd, &byte, 1);
  (void)ignored;
  errno = saved_errno;
}

extern "C" void OnHangup(int) { WriteByte(kReloadByte); }

sigset_t SignalsOf(std::initializer_list<int> signals) {
  sigset_t set;
  sigemptyset(&set);
  for (int s : signals) sigaddset(&set, s);
  return set;
}

}  // namespace

Result<std::unique_ptr<ReloadSignal>> ReloadSignal::Install() {
  if (read_fd.load() >= 0) return Status::InvalidArgument("ReloadSignal installed twice");
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return Status::IoError("cannot create the signal pipe");
  fcntl(fds[1], F_SETFL, fcntl(fds[1], F_GETFL) | O_NONBLOCK);
  read_fd.store(fds[0]);
  write_fd.store(fds[1]);

  struct sigaction action = {};
  action.sa_handler = OnHangup;
  sigemptyset(&action.sa_mask);
  // Whatever the main thread is doing when SIGHUP arrives (reading the
  // config file, a store transaction) resumes rather than failing with EINTR.
  action.sa_flags = SA_RESTART;
  sigaction(SIGHUP, &action, nullptr);

  sigset_t hangup = SignalsOf({SIGHUP});
  pthread_sigmask(SIG_UNBLOCK, &hangup, nullptr);
  sigset_t stop = SignalsOf({SIGTERM, SIGINT});
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);
  return std::unique_ptr<ReloadSignal>(new ReloadSignal());
}

ReloadSignal::~ReloadSignal() {
  struct sigaction ignore = {};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  sigaction(SIGHUP, &ignore, nullptr);
  int w = write_fd.exchange(-1);
  int r = read_fd.exchange(-1);
  if (w >= 0) close(w);
  if (r >= 0) close(r);
}

ReloadSignal::Event ReloadSignal::Wait() {
  char bytes[64];
  for (;;) {
    ssize_t n = read(read_fd.load(), bytes, sizeof bytes);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Event::kShutdown;  // cannot happen while the write end is open
    bool reload = false;
    for (ssize_t i = 0; i < n; ++i) {
      if (bytes[i] == kShutdownByte) return Event::kShutdown;
      reload = reload || bytes[i] == kReloadByte;
    }
    if (reload) return Event::kReload;
  }
}

void ReloadSignal::Shutdown() { WriteByte(kShutdownByte); }

std::thread ReloadSignal::StartWithSignalsBlocked(std::function<void()> body) {
  // A new thread inherits the creating thread's mask: block around the
  // creation, then restore the main thread's.
  sigset_t all = SignalsOf({SIGHUP, SIGTERM, SIGINT});
  sigset_t previous;
  pthread_sigmask(SIG_BLOCK, &all, &previous);
  std::thread thread(std::move(body));
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  return thread;
}

}  // namespace ar
