#include "transport/smtp_transport.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>

#include "fake_smtp_server.h"

namespace ar {
namespace {

TransportSettings SmtpSettings(int port, int timeout_s = 5) {
  TransportSettings settings;
  settings.kind = "smtp";
  settings.smtp_host = "127.0.0.1";
  settings.smtp_port = port;
  settings.helo_name = "mx.example.com";
  settings.timeout = Seconds(timeout_s);
  return settings;
}

OutgoingMail Mail(const std::string& recipient = "bob@example.org") {
  OutgoingMail mail;
  mail.envelope_sender = "";
  mail.recipient = recipient;
  mail.message = "Subject: away\r\n\r\nI am away.\r\n";
  return mail;
}

size_t Count(const std::vector<std::string>& lines, const std::string& line) {
  return static_cast<size_t>(std::count(lines.begin(), lines.end(), line));
}

TEST(SmtpTransport, SendsThroughTheFullDialogue) {
  FakeSmtpServer server{FakeSmtpScript{}};
  {
    SmtpTransport transport(SmtpSettings(server.port()));
    SendResult result = transport.Send(Mail());
    EXPECT_EQ(result.kind, SendResult::Kind::kSent) << result.detail;
    EXPECT_EQ(result.detail, "250 2.0.0 Ok: queued as 4XFAKE");
  }
  std::vector<std::string> expected = {"EHLO mx.example.com", "MAIL FROM:<>",
                                       "RCPT TO:<bob@example.org>", "DATA", "QUIT"};
  EXPECT_EQ(server.commands(), expected);
  ASSERT_EQ(server.messages().size(), 1u);
  EXPECT_EQ(server.messages()[0], "Subject: away\r\n\r\nI am away.\r\n");
}

TEST(SmtpTransport, TemporaryRcptRejectionIsTemporaryWithServerWords) {
  FakeSmtpScript script;
  script.rcpt = "451 4.3.0 <bob@example.org>: Temporary lookup failure";
  FakeSmtpServer server(script);
  SmtpTransport transport(SmtpSettings(server.port()));
  SendResult result = transport.Send(Mail());
  EXPECT_EQ(result.kind, SendResult::Kind::kTemporary);
  EXPECT_NE(result.detail.find("451 4.3.0 <bob@example.org>: Temporary lookup failure"),
            std::string::npos)
      << result.detail;
  EXPECT_TRUE(server.messages().empty());
}

TEST(SmtpTransport, PermanentRcptRejectionIsPermanentWithMultiLineReply) {
  FakeSmtpScript script;
  script.rcpt =
      "550-5.1.1 <bob@example.org>: Recipient address rejected:\r\n550 5.1.1 User unknown";
  FakeSmtpServer server(script);
  SmtpTransport transport(SmtpSettings(server.port()));
  SendResult result = transport.Send(Mail());
  EXPECT_EQ(result.kind, SendResult::Kind::kPermanent);
  EXPECT_NE(result.detail.find("550 5.1.1 <bob@example.org>: Recipient address rejected: 5.1.1 "
                               "User unknown"),
            std::string::npos)
      << result.detail;
}

TEST(SmtpTransport, ServerClosingMidDataIsTemporary) {
  FakeSmtpScript script;
  script.close_during_data = true;
  FakeSmtpServer server(script);
  SmtpTransport transport(SmtpSettings(server.port()));
  SendResult result = transport.Send(Mail());
  EXPECT_EQ(result.kind, SendResult::Kind::kTemporary);
  EXPECT_NE(result.detail.find("closed"), std::string::npos) << result.detail;
}

TEST(SmtpTransport, DotStuffsLinesStartingWithDot) {
  FakeSmtpServer server{FakeSmtpScript{}};
  SmtpTransport transport(SmtpSettings(server.port()));
  OutgoingMail mail = Mail();
  mail.message = "Subject: dots\r\n\r\n.\r\n..two\r\n.hidden\nbare lf\n";
  ASSERT_TRUE(transport.Send(mail).sent());
  ASSERT_EQ(server.messages().size(), 1u);
  EXPECT_EQ(server.messages()[0], "Subject: dots\r\n\r\n..\r\n...two\r\n..hidden\r\nbare lf\r\n");
}

TEST(SmtpTransport, ReusesOneConnectionWithRsetBetweenMessages) {
  FakeSmtpServer server{FakeSmtpScript{}};
  {
    SmtpTransport transport(SmtpSettings(server.port()));
    ASSERT_TRUE(transport.Send(Mail("bob@example.org")).sent());
    ASSERT_TRUE(transport.Send(Mail("carol@example.org")).sent());
  }
  EXPECT_EQ(server.connections(), 1);
  EXPECT_EQ(server.messages().size(), 2u);
  auto commands = server.commands();
  EXPECT_EQ(Count(commands, "EHLO mx.example.com"), 1u);
  EXPECT_EQ(Count(commands, "RSET"), 1u);
  EXPECT_EQ(Count(commands, "RCPT TO:<carol@example.org>"), 1u);
}

TEST(SmtpTransport, ReconnectsWhenServerClosedTheSession) {
  FakeSmtpScript script;
  script.close_after_message = true;
  FakeSmtpServer server(script);
  SmtpTransport transport(SmtpSettings(server.port()));
  ASSERT_TRUE(transport.Send(Mail("bob@example.org")).sent());
  SendResult second = transport.Send(Mail("carol@example.org"));
  EXPECT_TRUE(second.sent()) << second.detail;
  EXPECT_EQ(server.connections(), 2);
  EXPECT_EQ(server.messages().size(), 2u);
}

TEST(SmtpTransport, ReconnectsAfterTheServerSaid421) {
  FakeSmtpScript script;
  script.mail = "421 4.3.2 Service shutting down";
  FakeSmtpServer server(script);
  SmtpTransport transport(SmtpSettings(server.port()));
  EXPECT_EQ(transport.Send(Mail("bob@example.org")).kind, SendResult::Kind::kTemporary);
  EXPECT_EQ(transport.Send(Mail("carol@example.org")).kind, SendResult::Kind::kTemporary);
  // 421 closes the session (RFC 5321 3.8); the next message opens a new one.
  EXPECT_EQ(server.connections(), 2);
  EXPECT_EQ(Count(server.commands(), "RSET"), 0u);
}

TEST(SmtpTransport, ReconnectsAfterTheConnectionWasLostMidMessage) {
  FakeSmtpScript script;
  script.close_during_data = true;
  FakeSmtpServer server(script);
  SmtpTransport transport(SmtpSettings(server.port()));
  EXPECT_EQ(transport.Send(Mail("bob@example.org")).kind, SendResult::Kind::kTemporary);
  EXPECT_EQ(transport.Send(Mail("carol@example.org")).kind, SendResult::Kind::kTemporary);
  EXPECT_EQ(server.connections(), 2);
}

TEST(SmtpTransport, KeepsTheSessionAfterATemporaryRecipientRefusal) {
  FakeSmtpScript script;
  script.rcpt = "451 4.7.1 Try again later";
  FakeSmtpServer server(script);
  SmtpTransport transport(SmtpSettings(server.port()));
  EXPECT_EQ(transport.Send(Mail("bob@example.org")).kind, SendResult::Kind::kTemporary);
  EXPECT_EQ(transport.Send(Mail("carol@example.org")).kind, SendResult::Kind::kTemporary);
  // The refusal is about the message, not the session: RSET and go on.
  EXPECT_EQ(server.connections(), 1);
  EXPECT_EQ(Count(server.commands(), "RSET"), 1u);
}

TEST(SmtpTransport, FallsBackToHeloWhenEhloIsUnknown) {
  FakeSmtpScript script;
  script.ehlo = "502 5.5.2 Error: command not recognized";
  FakeSmtpServer server(script);
  SmtpTransport transport(SmtpSettings(server.port()));
  SendResult result = transport.Send(Mail());
  EXPECT_TRUE(result.sent()) << result.detail;
  EXPECT_EQ(Count(server.commands(), "HELO mx.example.com"), 1u);
}

TEST(SmtpTransport, PermanentRejectionAtEndOfDataIsPermanent) {
  FakeSmtpScript script;
  script.end_of_data = "554 5.7.1 Message rejected";
  FakeSmtpServer server(script);
  SmtpTransport transport(SmtpSettings(server.port()));
  SendResult result = transport.Send(Mail());
  EXPECT_EQ(result.kind, SendResult::Kind::kPermanent);
  EXPECT_NE(result.detail.find("554 5.7.1 Message rejected"), std::string::npos);
}

TEST(SmtpTransport, SilentServerTimesOutAsTemporary) {
  FakeSmtpScript script;
  script.greeting = "";
  FakeSmtpServer server(script);
  SmtpTransport transport(SmtpSettings(server.port(), /*timeout_s=*/1));
  SendResult result = transport.Send(Mail());
  EXPECT_EQ(result.kind, SendResult::Kind::kTemporary);
  EXPECT_NE(result.detail.find("timed out"), std::string::npos) << result.detail;
}

TEST(SmtpTransport, RefusedConnectionIsTemporary) {
  // A port that was free a moment ago and has no listener now.
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  SmtpTransport transport(SmtpSettings(ntohs(addr.sin_port)));
  SendResult result = transport.Send(Mail());
  EXPECT_EQ(result.kind, SendResult::Kind::kTemporary);
  EXPECT_NE(result.detail.find("cannot connect"), std::string::npos) << result.detail;
}

TEST(SmtpTransport, AddressThatCouldInjectCommandsNeverReachesTheWire) {
  FakeSmtpServer server{FakeSmtpScript{}};
  SmtpTransport transport(SmtpSettings(server.port()));
  for (const std::string bad : {"bob@example.org>\r\nRCPT TO:<victim@example.net",
                                "bob@example.org\nDATA", "bob@example.org>"}) {
    SendResult result = transport.Send(Mail(bad));
    EXPECT_EQ(result.kind, SendResult::Kind::kPermanent) << bad;
  }
  OutgoingMail mail = Mail();
  mail.envelope_sender = "x@example.com\r\nRSET";
  EXPECT_EQ(transport.Send(mail).kind, SendResult::Kind::kPermanent);
  EXPECT_EQ(server.connections(), 0);
}

TEST(DotStuffedData, EndsWithCrlfDotCrlf) {
  EXPECT_EQ(DotStuffedData("no final newline"), "no final newline\r\n.\r\n");
  EXPECT_EQ(DotStuffedData(""), ".\r\n");
  EXPECT_EQ(DotStuffedData("a\rb"), "a\r\nb\r\n.\r\n");
}

}  // namespace
}  // namespace ar
