// FakeSmtpServer: a scripted SMTP server for transport tests. Listens on
// 127.0.0.1 at a port the kernel picks, serves one connection at a time in
// its own thread, answers each command with the reply configured for it and
// records what it received. Stops and joins in the destructor.
#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace ar {

struct FakeSmtpScript {
  std::string greeting = "220 fake.test ESMTP";  // "" sends nothing at all
  std::string ehlo = "250-fake.test\r\n250 8BITMIME";
  std::string mail = "250 2.1.0 Ok";
  std::string rcpt = "250 2.1.5 Ok";
  std::string data = "354 End data with <CR><LF>.<CR><LF>";
  std::string end_of_data = "250 2.0.0 Ok: queued as 4XFAKE";
  bool close_during_data = false;     // hang up after the first line of data
  bool close_after_message = false;   // hang up after answering end of data
  // Answers nothing after MAIL FROM until DATA has arrived too, then all
  // replies at once: a client that waits for each reply before the next
  // command (no pipelining) gets stuck and times out.
  bool hold_replies_until_data = false;
};

class FakeSmtpServer {
 public:
  explicit FakeSmtpServer(FakeSmtpScript script);
  ~FakeSmtpServer();

  int port() const { return port_; }
  int connections() const { return connections_.load(); }
  std::vector<std::string> commands() const;  // every command line, in order
  std::vector<std::string> messages() const;  // DATA payloads as received, terminator excluded
  // Every chunk one recv() returned outside message data, as received: a
  // command group written at once arrives as one chunk on loopback.
  std::vector<std::string> reads() const;

 private:
  void Serve();
  void ServeConnection(int fd);

  FakeSmtpScript script_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  mutable std::mutex mu_;
  std::vector<std::string> commands_;
  std::vector<std::string> messages_;
  std::vector<std::string> reads_;
  std::thread thread_;
};

}  // namespace ar
