// The event engine on a real UNIX socket with real Sessions over a real
// Store: what an MTA sees, and what gets recorded.
#include "milter/engine/event_engine.h"

#include <gtest/gtest.h>
#include <libmilter/mfapi.h>
#include <libmilter/mfdef.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <thread>

#include "core/clock.h"
#include "core/logger.h"
#include "milter/engine/listen_socket.h"
#include "milter/engine/session_handler.h"
#include "milter_bytes.h"
#include "store/store.h"

namespace ar::milter_engine {
namespace {

using testing::Packet;
using testing::Strings;
using testing::Uint32;

class EventEngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("engine_" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    StoreOptions options;
    options.path = (dir_ / "store").string();
    auto store = Store::Open(options);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    OutOfOfficeRule rule;
    rule.address = "alice@example.org";
    rule.text_body = "I am away until Monday.";
    ASSERT_TRUE(store_->PutRule(rule).ok());
    auto settings = std::make_shared<MessageSettings>();
    settings->responder.compose.hostname = "mx.example.org";
    service_ = std::make_unique<MilterService>(settings, *store_, clock_, logger_);
    socket_path_ = (dir_ / "milter.sock").string();
  }

  void Start(EngineOptions options = {}) {
    auto fd = OpenListenSocket("unix:" + socket_path_);
    ASSERT_TRUE(fd.ok()) << fd.status().ToString();
    engine_ = std::make_unique<EventEngine>(
        fd->fd, [this] { return std::make_unique<SessionHandler>(*service_); }, logger_, options);
    thread_ = std::thread([this] { EXPECT_TRUE(engine_->Run().ok()); });
  }

  void TearDown() override {
    if (engine_) {
      engine_->Stop();
      thread_.join();
    }
  }

  int Connect() {
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, socket_path_.c_str(), sizeof address.sun_path - 1);
    EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    timeval tv{10, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    return fd;
  }

  static void Send(int fd, const std::string& bytes) {
    ASSERT_EQ(write(fd, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
  }

  // One reply packet: (code, data); code 0 at end of file.
  static std::pair<char, std::string> ReadReply(int fd) {
    std::string header(4, '\0');
    if (!ReadExactly(fd, &header)) return {0, ""};
    const auto* p = reinterpret_cast<const unsigned char*>(header.data());
    uint32_t length = (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
    std::string body(length, '\0');
    if (!ReadExactly(fd, &body)) return {0, ""};
    return {body[0], body.substr(1)};
  }

  static bool ReadExactly(int fd, std::string* into) {
    size_t got = 0;
    while (got < into->size()) {
      ssize_t n = read(fd, into->data() + got, into->size() - got);
      if (n <= 0) return false;
      got += static_cast<size_t>(n);
    }
    return true;
  }

  static std::string Optneg() {
    return Packet(SMFIC_OPTNEG, Uint32(6) + Uint32(0x1ff) + Uint32(0x1fffff));
  }

  static std::string MessageTo(const std::string& rcpt, const std::string& queue_id) {
    return Packet(SMFIC_MACRO, "M" + Strings({"{mail_mailer}", "smtp"})) +
           Packet(SMFIC_MAIL, Strings({"<bob@example.net>"})) +
           Packet(SMFIC_RCPT, Strings({"<" + rcpt + ">"})) +
           Packet(SMFIC_HEADER, Strings({"From", "Bob <bob@example.net>"})) +
           Packet(SMFIC_HEADER, Strings({"To", rcpt})) +
           Packet(SMFIC_HEADER, Strings({"Subject", "Lunch?"})) +
           Packet(SMFIC_HEADER, Strings({"Message-ID", "<" + queue_id + "@example.net>"})) +
           Packet(SMFIC_MACRO, "E" + Strings({"i", queue_id})) + Packet(SMFIC_BODYEOB);
  }

  size_t QueueSize() {
    auto items = store_->ListQueue(100);
    return items.ok() ? items->size() : 0;
  }

  std::filesystem::path dir_;
  std::string socket_path_;
  std::unique_ptr<Store> store_;
  ManualClock clock_{FromUnixSeconds(1767225600)};
  CapturingLogger logger_{LogLevel::kInfo};
  std::unique_ptr<MilterService> service_;
  std::unique_ptr<EventEngine> engine_;
  std::thread thread_;
};

TEST_F(EventEngineTest, NegotiatesAndRecordsTheReplyBeforeAnswering) {
  Start();
  int fd = Connect();
  Send(fd, Optneg());
  auto negotiated = ReadReply(fd);
  EXPECT_EQ(negotiated.first, SMFIC_OPTNEG);
  Send(fd, MessageTo("alice@example.org", "Q1"));
  EXPECT_EQ(ReadReply(fd).first, SMFIR_CONTINUE);
  EXPECT_EQ(QueueSize(), 1u);  // recorded before the answer
  // A second message on the same connection, nobody away: nothing recorded.
  Send(fd, MessageTo("carol@example.org", "Q2"));
  EXPECT_EQ(ReadReply(fd).first, SMFIR_CONTINUE);
  EXPECT_EQ(QueueSize(), 1u);
  Send(fd, Packet(SMFIC_QUIT));
  EXPECT_EQ(ReadReply(fd).first, 0);  // closed
  close(fd);
}

TEST_F(EventEngineTest, ManyConnectionsAtOnceAllGetAnswers) {
  Start();
  std::vector<int> fds;
  for (int i = 0; i < 20; ++i) {
    fds.push_back(Connect());
    Send(fds.back(), Optneg() + MessageTo("alice@example.org", "Q" + std::to_string(i)));
  }
  for (int fd : fds) {
    EXPECT_EQ(ReadReply(fd).first, SMFIC_OPTNEG);
    EXPECT_EQ(ReadReply(fd).first, SMFIR_CONTINUE);
    close(fd);
  }
}

TEST_F(EventEngineTest, MalformedPacketClosesOnlyThatConnection) {
  Start();
  int good = Connect();
  int bad = Connect();
  Send(good, Optneg());
  EXPECT_EQ(ReadReply(good).first, SMFIC_OPTNEG);
  Send(bad, Uint32(0x7fffffff) + "B");
  EXPECT_EQ(ReadReply(bad).first, 0);
  Send(good, MessageTo("alice@example.org", "Q1"));
  EXPECT_EQ(ReadReply(good).first, SMFIR_CONTINUE);
  close(good);
  close(bad);
}

TEST_F(EventEngineTest, ConnectionsPastTheLimitAreClosed) {
  EngineOptions options;
  options.max_connections = 1;
  Start(options);
  int first = Connect();
  Send(first, Optneg());
  EXPECT_EQ(ReadReply(first).first, SMFIC_OPTNEG);
  int second = Connect();
  EXPECT_EQ(ReadReply(second).first, 0);
  EXPECT_TRUE(logger_.Contains("the limit"));
  close(first);
  close(second);
}

TEST_F(EventEngineTest, IdleConnectionIsClosedAfterTheTimeout) {
  EngineOptions options;
  options.idle_timeout = std::chrono::milliseconds(200);
  Start(options);
  int fd = Connect();
  Send(fd, Optneg());
  EXPECT_EQ(ReadReply(fd).first, SMFIC_OPTNEG);
  EXPECT_EQ(ReadReply(fd).first, 0);  // closed by the engine, not by the 10 s receive timeout
  close(fd);
}

TEST_F(EventEngineTest, StopLetsTheMessageInFlightFinish) {
  Start();
  int fd = Connect();
  Send(fd, Optneg());
  EXPECT_EQ(ReadReply(fd).first, SMFIC_OPTNEG);
  Send(fd, MessageTo("alice@example.org", "Q1"));
  engine_->Stop();
  EXPECT_EQ(ReadReply(fd).first, SMFIR_CONTINUE);
  thread_.join();
  engine_.reset();
  // No longer listening.
  int late = socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, socket_path_.c_str(), sizeof address.sun_path - 1);
  EXPECT_NE(connect(late, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  close(late);
  close(fd);
}

}  // namespace
}  // namespace ar::milter_engine
