#include "fake_smtp_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>

#include "core/strings.h"

namespace ar {
namespace {

void SendAll(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = send(fd, text.data() + done, text.size() - done, MSG_NOSIGNAL);
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

void Reply(int fd, const std::string& reply) { SendAll(fd, reply + "\r\n"); }

bool Accepted(const std::string& reply) { return reply.rfind('2', 0) == 0; }

}  // namespace

FakeSmtpServer::FakeSmtpServer(FakeSmtpScript script) : script_(std::move(script)) {
  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  listen(listen_fd_, 8);
  socklen_t len = sizeof addr;
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { Serve(); });
}

FakeSmtpServer::~FakeSmtpServer() {
  stop_ = true;
  thread_.join();
  close(listen_fd_);
}

std::vector<std::string> FakeSmtpServer::commands() const {
  std::lock_guard<std::mutex> lock(mu_);
  return commands_;
}

std::vector<std::string> FakeSmtpServer::messages() const {
  std::lock_guard<std::mutex> lock(mu_);
  return messages_;
}

std::vector<std::string> FakeSmtpServer::reads() const {
  std::lock_guard<std::mutex> lock(mu_);
  return reads_;
}

void FakeSmtpServer::Serve() {
  // Bounded: each wait is short and the loop ends when the test is over.
  while (!stop_) {
    pollfd p = {listen_fd_, POLLIN, 0};
    if (poll(&p, 1, 20) <= 0) continue;
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    ++connections_;
    ServeConnection(fd);
    close(fd);
  }
}

void FakeSmtpServer::ServeConnection(int fd) {
  if (!script_.greeting.empty()) Reply(fd, script_.greeting);
  std::string buffer;
  bool in_data = false;
  std::string payload;
  // Like a real server, RCPT needs an accepted MAIL and DATA an accepted RCPT.
  bool have_mail = false;
  bool have_rcpt = false;
  bool holding = false;  // hold_replies_until_data, between MAIL FROM and DATA
  std::string held;
  auto answer = [&](const std::string& reply) {
    if (holding) {
      held += reply + "\r\n";
    } else {
      Reply(fd, reply);
    }
  };
  while (!stop_) {
    size_t eol = buffer.find("\r\n");
    if (eol == std::string::npos) {
      pollfd p = {fd, POLLIN, 0};
      if (poll(&p, 1, 20) <= 0) continue;
      char buf[4096];
      ssize_t n = recv(fd, buf, sizeof buf, 0);
      if (n <= 0) return;
      buffer.append(buf, static_cast<size_t>(n));
      if (!in_data) {
        std::lock_guard<std::mutex> lock(mu_);
        reads_.emplace_back(buf, static_cast<size_t>(n));
      }
      continue;
    }
    std::string line = buffer.substr(0, eol);
    buffer.erase(0, eol + 2);

    if (in_data) {
      if (line == ".") {
        in_data = false;
        {
          std::lock_guard<std::mutex> lock(mu_);
          messages_.push_back(payload);
        }
        Reply(fd, script_.end_of_data);
        if (script_.close_after_message) return;
        continue;
      }
      if (script_.close_during_data) return;
      payload += line + "\r\n";
      continue;
    }

    {
      std::lock_guard<std::mutex> lock(mu_);
      commands_.push_back(line);
    }
    if (StartsWithIgnoreCase(line, "EHLO")) {
      Reply(fd, script_.ehlo);
    } else if (StartsWithIgnoreCase(line, "HELO")) {
      Reply(fd, "250 fake.test");
    } else if (StartsWithIgnoreCase(line, "MAIL FROM:")) {
      holding = script_.hold_replies_until_data;
      answer(script_.mail);
      have_mail = Accepted(script_.mail);
      have_rcpt = false;
    } else if (StartsWithIgnoreCase(line, "RCPT TO:")) {
      if (!have_mail) {
        answer("503 5.5.1 Error: need MAIL command");
      } else {
        answer(script_.rcpt);
        have_rcpt = have_rcpt || Accepted(script_.rcpt);
      }
    } else if (EqualsIgnoreCase(line, "DATA")) {
      const std::string reply = have_rcpt ? script_.data : "554 5.5.1 Error: no valid recipients";
      answer(reply);
      if (holding) SendAll(fd, held);
      holding = false;
      held.clear();
      in_data = reply.rfind("354", 0) == 0;
      payload.clear();
      have_mail = have_rcpt = false;
    } else if (EqualsIgnoreCase(line, "RSET")) {
      have_mail = have_rcpt = false;
      Reply(fd, "250 2.0.0 Ok");
    } else if (EqualsIgnoreCase(line, "QUIT")) {
      Reply(fd, "221 2.0.0 Bye");
      return;
    } else {
      Reply(fd, "502 5.5.2 Error: command not recognized");
    }
  }
}

}  // namespace ar
