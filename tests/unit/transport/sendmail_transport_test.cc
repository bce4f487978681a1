#include "transport/sendmail_transport.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>

namespace ar {
namespace {

// A directory of its own for each test, holding the fake sendmail and what
// it recorded.
class SendmailTransportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::string(::testing::TempDir()) + "/sendmail_" + info->name() + "_" +
           std::to_string(getpid());
    mkdir(dir_.c_str(), 0700);
    unlink((dir_ + "/argv").c_str());
    unlink((dir_ + "/stdin").c_str());
  }

  // Writes a /bin/sh script that records argv (one per line) and stdin,
  // then runs tail.
  std::string FakeSendmail(const std::string& tail, bool read_stdin = true) {
    std::string path = dir_ + "/sendmail";
    std::ofstream out(path, std::ios::trunc);
    out << "#!/bin/sh\n"
        << "for a in \"$@\"; do printf '%s\\n' \"$a\"; done > '" << dir_ << "/argv'\n";
    if (read_stdin) out << "cat > '" << dir_ << "/stdin'\n";
    out << tail << "\n";
    out.close();
    chmod(path.c_str(), 0755);
    return path;
  }

  std::string Recorded(const std::string& name) const {
    std::ifstream in(dir_ + "/" + name, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  bool Exists(const std::string& name) const {
    return access((dir_ + "/" + name).c_str(), F_OK) == 0;
  }

  SendmailTransport Transport(const std::string& path, int timeout_s = 10) {
    TransportSettings settings;
    settings.sendmail_path = path;
    settings.timeout = Seconds(timeout_s);
    return SendmailTransport(settings);
  }

  static OutgoingMail Mail() {
    OutgoingMail mail;
    mail.envelope_sender = "";
    mail.recipient = "bob@example.org";
    mail.message = "Subject: away\r\nAuto-Submitted: auto-replied\r\n\r\nI am away.\r\n.\r\n";
    return mail;
  }

  std::string dir_;
};

TEST_F(SendmailTransportTest, RunsArgvWithExtraArgsNullSenderAndDoubleDash) {
  TransportSettings settings;
  settings.sendmail_path = FakeSendmail("exit 0");
  settings.sendmail_args = {"-C", "/etc/postfix-out"};
  SendmailTransport transport(settings);
  SendResult result = transport.Send(Mail());
  EXPECT_EQ(result.kind, SendResult::Kind::kSent) << result.detail;
  EXPECT_EQ(Recorded("argv"), "-C\n/etc/postfix-out\n-i\n-f\n<>\n--\nbob@example.org\n");
}

TEST_F(SendmailTransportTest, PassesEnvelopeSenderAfterDashF) {
  auto transport = Transport(FakeSendmail("exit 0"));
  OutgoingMail mail = Mail();
  mail.envelope_sender = "owner-alice@example.com";
  mail.recipient = "-oi@example.org";  // must stay an operand, never an option
  ASSERT_TRUE(transport.Send(mail).sent());
  EXPECT_EQ(Recorded("argv"), "-i\n-f\nowner-alice@example.com\n--\n-oi@example.org\n");
}

TEST_F(SendmailTransportTest, FeedsMessageOnStdinWithLfLineEnds) {
  auto transport = Transport(FakeSendmail("exit 0"));
  ASSERT_TRUE(transport.Send(Mail()).sent());
  EXPECT_EQ(Recorded("stdin"), "Subject: away\nAuto-Submitted: auto-replied\n\nI am away.\n.\n");
}

TEST_F(SendmailTransportTest, ExitTempfailIsTemporaryWithStderrInDetail) {
  auto transport =
      Transport(FakeSendmail("echo 'queue file write error' >&2; exit " +
                             std::to_string(EX_TEMPFAIL)));
  SendResult result = transport.Send(Mail());
  EXPECT_EQ(result.kind, SendResult::Kind::kTemporary);
  EXPECT_NE(result.detail.find("75"), std::string::npos) << result.detail;
  EXPECT_NE(result.detail.find("queue file write error"), std::string::npos) << result.detail;
}

TEST_F(SendmailTransportTest, ExitNoUserIsPermanentWithStderrInDetail) {
  auto transport = Transport(
      FakeSendmail("echo 'bob@example.org... User unknown' >&2; exit " + std::to_string(EX_NOUSER)));
  SendResult result = transport.Send(Mail());
  EXPECT_EQ(result.kind, SendResult::Kind::kPermanent);
  EXPECT_NE(result.detail.find("EX_NOUSER"), std::string::npos) << result.detail;
  EXPECT_NE(result.detail.find("User unknown"), std::string::npos) << result.detail;
}

TEST(SendmailExitStatus, SystemTroubleIsTemporaryMessageTroubleIsPermanent) {
  for (int status : {EX_TEMPFAIL, EX_OSERR, EX_IOERR, EX_CANTCREAT}) {
    EXPECT_TRUE(IsTemporarySendmailExit(status)) << status;
  }
  for (int status : {1, EX_USAGE, EX_DATAERR, EX_NOUSER, EX_NOHOST, EX_UNAVAILABLE, EX_SOFTWARE,
                     EX_NOPERM, EX_CONFIG}) {
    EXPECT_FALSE(IsTemporarySendmailExit(status)) << status;
  }
}

TEST_F(SendmailTransportTest, ChildRunningPastTimeoutIsKilledAndTemporary) {
  auto transport = Transport(FakeSendmail("sleep 30"), /*timeout_s=*/1);
  auto start = std::chrono::steady_clock::now();
  SendResult result = transport.Send(Mail());
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(result.kind, SendResult::Kind::kTemporary);
  EXPECT_NE(result.detail.find("timed out"), std::string::npos) << result.detail;
  // SIGTERM goes to the script's whole process group, so the sleep dies too
  // and nothing keeps us waiting for the full 30 seconds.
  EXPECT_LT(took, std::chrono::seconds(10));
}

TEST_F(SendmailTransportTest, ChildThatExitsWithoutReadingDoesNotRaiseSigpipe) {
  // Closes its stdin at once but lives on, so our writes meet a pipe
  // without a reader (EPIPE, and SIGPIPE unless it is kept away).
  auto transport =
      Transport(FakeSendmail("exec 0<&-; sleep 0.3; exit 75", /*read_stdin=*/false));
  OutgoingMail mail = Mail();
  mail.message = std::string(4 << 20, 'x');  // far more than a pipe buffer
  SendResult result = transport.Send(mail);
  // Reaching this line at all means SIGPIPE did not kill the test process.
  EXPECT_EQ(result.kind, SendResult::Kind::kTemporary) << result.detail;
}

TEST_F(SendmailTransportTest, ChildKilledBySignalIsTemporary) {
  auto transport = Transport(FakeSendmail("kill -9 $$"));
  SendResult result = transport.Send(Mail());
  EXPECT_EQ(result.kind, SendResult::Kind::kTemporary);
  EXPECT_NE(result.detail.find("signal 9"), std::string::npos) << result.detail;
}

TEST_F(SendmailTransportTest, MissingProgramIsTemporary) {
  auto transport = Transport(dir_ + "/no-such-sendmail");
  SendResult result = transport.Send(Mail());
  EXPECT_EQ(result.kind, SendResult::Kind::kTemporary);
  EXPECT_NE(result.detail.find("no-such-sendmail"), std::string::npos) << result.detail;
}

TEST_F(SendmailTransportTest, CapturedOutputIsBounded) {
  auto transport = Transport(FakeSendmail(
      "i=0; while [ $i -lt 2000 ]; do echo 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' "
      ">&2; i=$((i+1)); done; exit 67"));
  SendResult result = transport.Send(Mail());
  EXPECT_EQ(result.kind, SendResult::Kind::kPermanent);
  EXPECT_LT(result.detail.size(), 8000u);
}

TEST_F(SendmailTransportTest, BackgroundChildHoldingOutputDoesNotDelayResult) {
  auto transport = Transport(FakeSendmail("sleep 5 & exit 0"));
  auto start = std::chrono::steady_clock::now();
  SendResult result = transport.Send(Mail());
  EXPECT_TRUE(result.sent()) << result.detail;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(4));
}

TEST_F(SendmailTransportTest, AddressWithLineBreakIsRefusedWithoutRunning) {
  auto transport = Transport(FakeSendmail("exit 0"));
  OutgoingMail mail = Mail();
  mail.recipient = "bob@example.org\r\nRCPT TO:<victim@example.net>";
  SendResult result = transport.Send(mail);
  EXPECT_EQ(result.kind, SendResult::Kind::kPermanent);
  EXPECT_FALSE(Exists("argv"));
}

TEST(ToLfLineEnds, ConvertsCrlfAndLoneCr) {
  EXPECT_EQ(ToLfLineEnds("a\r\nb\rc\nd"), "a\nb\nc\nd");
  EXPECT_EQ(ToLfLineEnds(""), "");
}

}  // namespace
}  // namespace ar
