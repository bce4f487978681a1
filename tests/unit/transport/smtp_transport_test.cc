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

constexpr const char* kPipeliningEhlo = "250-fake.test\r\n250-PIPELINING\r\n250 8BITMIME";

TEST(SmtpTransport, PipelinesTheTransactionInOneWriteWhenOffered) {
  FakeSmtpScript script;
  script.ehlo = kPipeliningEhlo;
  // A client waiting for MAIL's reply before RCPT times out here.
  script.hold_replies_until_data = true;
  FakeSmtpServer server(script);
  {
    SmtpTransport transport(SmtpSettings(server.port(), /*timeout_s=*/2));
    SendResult first = transport.Send(Mail("bob@example.org"));
    EXPECT_TRUE(first.sent()) << first.detail;
    SendResult second = transport.Send(Mail("carol@example.org"));
    EXPECT_TRUE(second.sent()) << second.detail;
  }
  EXPECT_EQ(server.connections(), 1);
  EXPECT_EQ(server.messages().size(), 2u);
  const auto reads = server.reads();
  EXPECT_EQ(Count(reads, "MAIL FROM:<>\r\nRCPT TO:<bob@example.org>\r\nDATA\r\n"), 1u);
  // The reused session's RSET goes in the same group.
  EXPECT_EQ(Count(reads, "RSET\r\nMAIL FROM:<>\r\nRCPT TO:<carol@example.org>\r\nDATA\r\n"), 1u);
}

TEST(SmtpTransport, WithoutPipeliningWaitsForEachReply) {
  FakeSmtpServer server{FakeSmtpScript{}};
  {
    SmtpTransport transport(SmtpSettings(server.port()));
    ASSERT_TRUE(transport.Send(Mail()).sent());
  }
  const auto reads = server.reads();
  EXPECT_EQ(Count(reads, "MAIL FROM:<>\r\n"), 1u);
  EXPECT_EQ(Count(reads, "RCPT TO:<bob@example.org>\r\n"), 1u);
  EXPECT_EQ(Count(reads, "DATA\r\n"), 1u);
}

struct Refusal {
  std::string mail = "250 2.1.0 Ok";
  std::string rcpt = "250 2.1.5 Ok";
  std::string data = "354 End data with <CR><LF>.<CR><LF>";
};

// Two messages through a server with these replies; the results and the
// number of connections it took.
struct Outcomes {
  SendResult first;
  SendResult second;
  int connections = 0;
  size_t messages = 0;
};

Outcomes SendTwo(const Refusal& refusal, bool pipelining) {
  FakeSmtpScript script;
  script.mail = refusal.mail;
  script.rcpt = refusal.rcpt;
  script.data = refusal.data;
  if (pipelining) {
    script.ehlo = kPipeliningEhlo;
    script.hold_replies_until_data = true;
  }
  FakeSmtpServer server(script);
  Outcomes outcomes;
  {
    SmtpTransport transport(SmtpSettings(server.port(), /*timeout_s=*/2));
    outcomes.first = transport.Send(Mail("bob@example.org"));
    outcomes.second = transport.Send(Mail("carol@example.org"));
  }
  outcomes.connections = server.connections();
  outcomes.messages = server.messages().size();
  return outcomes;
}

TEST(SmtpTransport, PipelinedRefusalsMeanWhatTheyMeanOneByOne) {
  struct Case {
    const char* what;
    Refusal refusal;
    SendResult::Kind kind;
    const char* detail;
  };
  const Case cases[] = {
      {"5xx MAIL", {"550 5.7.1 Sender refused", "250 2.1.5 Ok", "354 Go"},
       SendResult::Kind::kPermanent, "MAIL FROM rejected: 550 5.7.1 Sender refused"},
      {"4xx MAIL", {"451 4.3.0 Try later", "250 2.1.5 Ok", "354 Go"},
       SendResult::Kind::kTemporary, "MAIL FROM rejected: 451 4.3.0 Try later"},
      {"421 MAIL", {"421 4.3.2 Shutting down", "250 2.1.5 Ok", "354 Go"},
       SendResult::Kind::kTemporary, "MAIL FROM rejected: 421 4.3.2 Shutting down"},
      {"5xx RCPT", {"250 2.1.0 Ok", "550 5.1.1 <bob@example.org>: unknown", "354 Go"},
       SendResult::Kind::kPermanent, "RCPT TO rejected: 550 5.1.1 <bob@example.org>: unknown"},
      {"4xx RCPT", {"250 2.1.0 Ok", "450 4.2.0 Greylisted", "354 Go"},
       SendResult::Kind::kTemporary, "RCPT TO rejected: 450 4.2.0 Greylisted"},
      {"4xx DATA", {"250 2.1.0 Ok", "250 2.1.5 Ok", "451 4.3.0 Queue file write error"},
       SendResult::Kind::kTemporary, "DATA rejected: 451 4.3.0 Queue file write error"},
      {"5xx DATA", {"250 2.1.0 Ok", "250 2.1.5 Ok", "554 5.5.1 No thanks"},
       SendResult::Kind::kPermanent, "DATA rejected: 554 5.5.1 No thanks"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    Outcomes one_by_one = SendTwo(c.refusal, /*pipelining=*/false);
    Outcomes pipelined = SendTwo(c.refusal, /*pipelining=*/true);
    EXPECT_EQ(pipelined.first.kind, c.kind);
    EXPECT_EQ(pipelined.first.detail, c.detail);
    // Exactly as without pipelining, the session kept or reopened alike.
    EXPECT_EQ(one_by_one.first.kind, c.kind);
    EXPECT_EQ(one_by_one.first.detail, c.detail);
    EXPECT_EQ(pipelined.second.kind, one_by_one.second.kind);
    EXPECT_EQ(pipelined.second.detail, one_by_one.second.detail);
    EXPECT_EQ(pipelined.connections, one_by_one.connections);
    EXPECT_EQ(pipelined.messages, 0u);
  }
}

TEST(SmtpTransport, PipelinedSessionClosedByTheServerIsReopened) {
  FakeSmtpScript script;
  script.ehlo = kPipeliningEhlo;
  script.close_after_message = true;
  FakeSmtpServer server(script);
  SmtpTransport transport(SmtpSettings(server.port()));
  ASSERT_TRUE(transport.Send(Mail("bob@example.org")).sent());
  SendResult second = transport.Send(Mail("carol@example.org"));
  EXPECT_TRUE(second.sent()) << second.detail;
  EXPECT_EQ(server.connections(), 2);
  EXPECT_EQ(server.messages().size(), 2u);
}

TEST(SmtpTransport, PipeliningWordInTheGreetingLineIsNoExtension) {
  FakeSmtpScript script;
  script.ehlo = "250-PIPELINING fake.test\r\n250 8BITMIME";
  script.hold_replies_until_data = true;
  FakeSmtpServer server(script);
  SmtpTransport transport(SmtpSettings(server.port(), /*timeout_s=*/1));
  // Not offered: one command at a time, so the holding server stalls it.
  EXPECT_EQ(transport.Send(Mail()).kind, SendResult::Kind::kTemporary);
}

TEST(DotStuffedData, EndsWithCrlfDotCrlf) {
  EXPECT_EQ(DotStuffedData("no final newline"), "no final newline\r\n.\r\n");
  EXPECT_EQ(DotStuffedData(""), ".\r\n");
  EXPECT_EQ(DotStuffedData("a\rb"), "a\r\nb\r\n.\r\n");
}

}  // namespace
}  // namespace ar
