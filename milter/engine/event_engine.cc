#include "milter/engine/event_engine.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <unordered_map>
#include <vector>

#include "milter/engine/eom_workers.h"
#include "milter/engine/protocol_connection.h"

namespace ar::milter_engine {

namespace {

constexpr uint64_t kListenId = 0;
constexpr uint64_t kWakeId = 1;
constexpr size_t kReadSize = 64 * 1024;
// Replies the MTA does not read; past this, input waits until it does.
constexpr size_t kMaxPendingOutput = 1024 * 1024;

// Timeouts measure elapsed time on this host, not the time of day that mail
// decisions use (core/clock.h), so they follow the monotonic clock.
using Monotonic = std::chrono::steady_clock;

struct Connection {
  Connection(int fd, std::unique_ptr<MessageHandler> handler, Logger& logger)
      : fd(fd), protocol(std::move(handler), logger) {}
  int fd;
  ProtocolConnection protocol;
  std::string out;
  bool eom_running = false;  // protocol belongs to a worker until it is done
  bool closing = false;      // close once the worker is done
  Monotonic::time_point last_activity = Monotonic::now();
};

}  // namespace

struct EventEngine::Impl {
  Impl(int listen, HandlerFactory make, Logger& log, EngineOptions opts)
      : listen_fd(listen), factory(std::move(make)), logger(log), options(opts) {}

  int listen_fd;
  HandlerFactory factory;
  Logger& logger;
  EngineOptions options;
  int epoll_fd = -1;
  int wake_fd = -1;
  std::atomic<bool> stopping{false};
  std::unordered_map<uint64_t, std::unique_ptr<Connection>> connections;
  uint64_t next_id = 2;
  size_t eoms_running = 0;
  std::unique_ptr<EomWorkers> workers;

  void Accept();
  void OnReadable(uint64_t id, Connection& c);
  void Drive(uint64_t id, Connection& c);
  void Flush(uint64_t id, Connection& c);
  void UpdateInterest(uint64_t id, Connection& c);
  void Close(uint64_t id);
  void TakeFinished();
  void CloseIdle();
};

void EventEngine::Impl::Accept() {
  for (;;) {
    int fd = accept4(listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK)
        logger.Warning(std::string("milter: accept failed: ") + std::strerror(errno));
      return;
    }
    if (connections.size() >= options.max_connections) {
      logger.Warning("milter: " + std::to_string(connections.size()) +
                     " connections already open (the limit), closing a new one");
      close(fd);
      continue;
    }
    try {
      const uint64_t id = next_id++;
      auto c = std::make_unique<Connection>(fd, factory(), logger);
      epoll_event ev{};
      ev.events = EPOLLIN;
      ev.data.u64 = id;
      if (epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &ev) != 0) {
        close(fd);
        continue;
      }
      connections.emplace(id, std::move(c));
    } catch (const std::exception& e) {
      logger.Error(std::string("milter: cannot take a connection: ") + e.what());
      close(fd);
    }
  }
}

void EventEngine::Impl::UpdateInterest(uint64_t id, Connection& c) {
  epoll_event ev{};
  ev.data.u64 = id;
  if (!c.eom_running && c.out.size() < kMaxPendingOutput) ev.events |= EPOLLIN;
  if (!c.out.empty()) ev.events |= EPOLLOUT;
  epoll_ctl(epoll_fd, EPOLL_CTL_MOD, c.fd, &ev);
}

void EventEngine::Impl::Close(uint64_t id) {
  auto it = connections.find(id);
  if (it == connections.end()) return;
  Connection& c = *it->second;
  if (c.fd >= 0) {
    epoll_ctl(epoll_fd, EPOLL_CTL_DEL, c.fd, nullptr);
    close(c.fd);
    c.fd = -1;
  }
  if (c.eom_running) {
    c.closing = true;  // the worker still uses the protocol state
    return;
  }
  connections.erase(it);
}

void EventEngine::Impl::Flush(uint64_t id, Connection& c) {
  while (!c.out.empty()) {
    ssize_t n = send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
    if (n > 0) {
      c.out.erase(0, static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    Close(id);  // the MTA went away
    return;
  }
  UpdateInterest(id, c);
}

// Handles every buffered packet, then writes the replies at once.
void EventEngine::Impl::Drive(uint64_t id, Connection& c) {
  ProtocolConnection::State state;
  try {
    state = c.protocol.Process(&c.out);
  } catch (const std::exception& e) {
    logger.Error(std::string("milter: closing a connection: ") + e.what());
    state = ProtocolConnection::State::kClose;
  }
  if (state == ProtocolConnection::State::kEndOfMessage) {
    c.eom_running = true;
    ++eoms_running;
    workers->Submit(id, &c.protocol);
  }
  if (!c.out.empty()) Flush(id, c);
  if (connections.count(id) == 0 || c.fd < 0) return;
  if (state == ProtocolConnection::State::kClose) {
    Close(id);
    return;
  }
  UpdateInterest(id, c);
}

void EventEngine::Impl::OnReadable(uint64_t id, Connection& c) {
  char buffer[kReadSize];
  // One read per wake-up keeps connections fair; level-triggered epoll
  // comes back for the rest.
  ssize_t n = read(c.fd, buffer, sizeof buffer);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
  if (n <= 0) {
    Close(id);  // the MTA closed (or reset) the connection
    return;
  }
  c.last_activity = Monotonic::now();
  c.protocol.Receive(std::string_view(buffer, static_cast<size_t>(n)));
  Drive(id, c);
}

void EventEngine::Impl::TakeFinished() {
  uint64_t count = 0;
  ssize_t r = read(wake_fd, &count, sizeof count);
  (void)r;  // only the wake-up matters
  for (EomWorkers::Done& done : workers->TakeDone()) {
    auto it = connections.find(done.connection);
    if (it == connections.end()) continue;
    Connection& c = *it->second;
    c.eom_running = false;
    --eoms_running;
    if (c.closing) {
      connections.erase(it);
      continue;
    }
    c.last_activity = Monotonic::now();
    c.out += done.replies;
    // Packets that came behind the end of message wait in the buffer.
    Drive(done.connection, c);
  }
}

void EventEngine::Impl::CloseIdle() {
  const auto now = Monotonic::now();
  std::vector<uint64_t> idle;
  for (const auto& [id, c] : connections) {
    if (!c->eom_running && now - c->last_activity > options.idle_timeout) idle.push_back(id);
  }
  for (uint64_t id : idle) {
    logger.Info("milter: closing a connection idle for longer than the timeout");
    Close(id);
  }
}

EventEngine::EventEngine(int listen_fd, HandlerFactory factory, Logger& logger,
                         EngineOptions options)
    : impl_(std::make_unique<Impl>(listen_fd, std::move(factory), logger, options)) {
  impl_->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
}

EventEngine::~EventEngine() {
  impl_->workers.reset();
  for (auto& [id, c] : impl_->connections) {
    if (c->fd >= 0) close(c->fd);
  }
  if (impl_->listen_fd >= 0) close(impl_->listen_fd);
  if (impl_->epoll_fd >= 0) close(impl_->epoll_fd);
  if (impl_->wake_fd >= 0) close(impl_->wake_fd);
}

void EventEngine::Stop() {
  impl_->stopping.store(true);
  const uint64_t one = 1;
  ssize_t r = write(impl_->wake_fd, &one, sizeof one);
  (void)r;
}

Status EventEngine::Run() {
  Impl& s = *impl_;
  if (s.wake_fd < 0) return Status::IoError(std::string("eventfd: ") + std::strerror(errno));
  s.epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  if (s.epoll_fd < 0) return Status::IoError(std::string("epoll: ") + std::strerror(errno));
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = kListenId;
  if (epoll_ctl(s.epoll_fd, EPOLL_CTL_ADD, s.listen_fd, &ev) != 0)
    return Status::IoError(std::string("epoll: ") + std::strerror(errno));
  ev.data.u64 = kWakeId;
  if (epoll_ctl(s.epoll_fd, EPOLL_CTL_ADD, s.wake_fd, &ev) != 0)
    return Status::IoError(std::string("epoll: ") + std::strerror(errno));
  s.workers = std::make_unique<EomWorkers>(s.options.eom_threads, s.wake_fd);

  const auto check_every = std::min<std::chrono::milliseconds>(s.options.idle_timeout / 2 +
                                                                   std::chrono::milliseconds(1),
                                                               std::chrono::seconds(1));
  auto next_check = Monotonic::now() + check_every;
  bool accepting = true;
  std::vector<epoll_event> events(256);
  for (;;) {
    if (s.stopping.load() && accepting) {
      accepting = false;
      epoll_ctl(s.epoll_fd, EPOLL_CTL_DEL, s.listen_fd, nullptr);
      close(s.listen_fd);
      s.listen_fd = -1;
      // What the MTAs sent before the stop is still read: an end of message
      // already in a socket buffer is in flight and gets its answer.
      std::vector<uint64_t> open;
      for (const auto& [id, c] : s.connections) open.push_back(id);
      for (uint64_t id : open) {
        auto it = s.connections.find(id);
        if (it != s.connections.end() && it->second->fd >= 0 && !it->second->eom_running)
          s.OnReadable(id, *it->second);
      }
    }
    // Stopping: wait only for the ends of message in flight and their replies.
    if (!accepting && s.eoms_running == 0) break;
    int n = epoll_wait(s.epoll_fd, events.data(), static_cast<int>(events.size()),
                       static_cast<int>(check_every.count()));
    if (n < 0 && errno != EINTR)
      return Status::IoError(std::string("epoll_wait: ") + std::strerror(errno));
    for (int i = 0; i < n; ++i) {
      const uint64_t id = events[static_cast<size_t>(i)].data.u64;
      const uint32_t what = events[static_cast<size_t>(i)].events;
      if (id == kListenId) {
        if (accepting) s.Accept();
        continue;
      }
      if (id == kWakeId) {
        s.TakeFinished();
        continue;
      }
      auto it = s.connections.find(id);
      if (it == s.connections.end() || it->second->fd < 0) continue;
      Connection& c = *it->second;
      if ((what & EPOLLOUT) != 0) {
        s.Flush(id, c);
        if (s.connections.count(id) == 0 || c.fd < 0) continue;
      }
      if ((what & (EPOLLIN | EPOLLHUP | EPOLLERR)) != 0) {
        if (c.eom_running) {
          // Hung up while its end of message runs: nobody waits for the reply.
          if ((what & (EPOLLHUP | EPOLLERR)) != 0) s.Close(id);
          continue;
        }
        s.OnReadable(id, c);
      }
    }
    if (Monotonic::now() >= next_check) {
      s.CloseIdle();
      next_check = Monotonic::now() + check_every;
    }
  }
  // Whatever is still open is between commands; the MTA applies its
  // milter default action, as when libmilter's process exits.
  std::vector<uint64_t> open;
  for (const auto& [id, c] : s.connections) open.push_back(id);
  for (uint64_t id : open) {
    auto it = s.connections.find(id);
    if (it != s.connections.end() && !it->second->out.empty()) s.Flush(id, *it->second);
    s.Close(id);
  }
  return Status::Ok();
}

}  // namespace ar::milter_engine
