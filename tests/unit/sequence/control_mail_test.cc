#include "sequence/control_mail.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sequence/engagement.h"

namespace ar {
namespace {

// The shape Postfix's bounce(8) produces (RFC 3464 section 2).
const char kPostfixDsnBody[] =
    "This is a MIME-encapsulated message.\r\n"
    "\r\n"
    "--ABC.123/mail.shop.example\r\n"
    "Content-Description: Notification\r\n"
    "Content-Type: text/plain; charset=us-ascii\r\n"
    "\r\n"
    "Status: 9.9.9 in the human-readable part is not the status\r\n"
    "\r\n"
    "--ABC.123/mail.shop.example\r\n"
    "Content-Description: Delivery report\r\n"
    "Content-Type: message/delivery-status\r\n"
    "\r\n"
    "Reporting-MTA: dns; mail.shop.example\r\n"
    "X-Postfix-Queue-ID: 4ABC\r\n"
    "Arrival-Date: Mon, 23 Nov 2026 10:00:00 +0000 (UTC)\r\n"
    "\r\n"
    "Final-Recipient: rfc822; kari@example.no\r\n"
    "Original-Recipient: rfc822;kari@example.no\r\n"
    "Action: failed\r\n"
    "Status: 5.1.1\r\n"
    "Diagnostic-Code: smtp; 550 5.1.1 user unknown\r\n"
    "\r\n"
    "--ABC.123/mail.shop.example\r\n"
    "Content-Type: message/rfc822\r\n"
    "\r\n"
    "Status: 2.0.0\r\n";

TEST(ParseDsnStatus, FindsTheFirstPerRecipientStatusInTheDeliveryStatusPart) {
  EXPECT_EQ(ParseDsnStatus(kPostfixDsnBody), "5.1.1");
}

TEST(ParseDsnStatus, Cases) {
  struct Case {
    std::string name;
    std::string body;
    std::optional<std::string> status;
  };
  const std::string head =
      "--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; x\n\n";
  const std::vector<Case> cases = {
      {"SoftBounceWithLfLines", head + "Action: delayed\nStatus: 4.4.1\n--b--\n", "4.4.1"},
      {"CommentAfterCode", head + "Status: 5.7.1 (delivery not authorized)\n", "5.7.1"},
      {"SpaceBeforeColonAndLowerCase", head + "status  :  4.2.2\n", "4.2.2"},
      {"FirstOfSeveralRecipients", head + "Status: 4.0.0\n\nStatus: 5.0.0\n", "4.0.0"},
      {"MalformedThenWellFormed", head + "Status: 5.x.1\n\nStatus: 5.2.2\n", "5.2.2"},
      {"ThreeDigitParts", head + "Status: 5.123.456\n", "5.123.456"},
      {"GlobalDeliveryStatus",
       "--b\nContent-Type: message/global-delivery-status\n\nStatus: 5.1.1\n", "5.1.1"},
      {"PartTypeWithParametersAndCase",
       "--b\ncontent-type: Message/Delivery-Status; foo=bar\n\nStatus: 5.1.2\n", "5.1.2"},
      {"NoDeliveryStatusPart", "Status: 5.1.1\n", std::nullopt},
      {"StatusAfterBoundaryIsNotInThePart", head + "Action: failed\n--b\nStatus: 5.1.1\n",
       std::nullopt},
      {"ClassThreeIsNotAStatus", head + "Status: 3.1.1\n", std::nullopt},
      {"FourDigitPart", head + "Status: 5.1234.1\n", std::nullopt},
      {"Empty", "", std::nullopt},
      {"TruncatedInsidePartHeaders", "--b\nContent-Type: message/delivery-status\n", std::nullopt},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(ParseDsnStatus(c.body), c.status) << c.name;
  }
}

TEST(IsDeliveryStatusContentType, RequiresMultipartReportWithDeliveryStatus) {
  struct Case {
    std::string value;
    bool dsn;
  };
  const std::vector<Case> cases = {
      {"multipart/report; report-type=delivery-status; boundary=\"x\"", true},
      {"Multipart/Report; Report-Type=\"Delivery-Status\"", true},
      {"multipart/report (dsn); boundary=\"a;b\"; report-type=global-delivery-status", true},
      {"multipart / report; report-type=delivery-status", true},
      {"multipart/report; report-type=disposition-notification", false},
      {"multipart/report", false},
      {"multipart/mixed; report-type=delivery-status", false},
      {"text/plain; boundary=\"; report-type=delivery-status\"", false},
      {"", false},
  };
  for (const Case& c : cases) EXPECT_EQ(IsDeliveryStatusContentType(c.value), c.dsn) << c.value;
}

TEST(IsTaggedControlAddress, NeedsTheLocalPartAndAPlus) {
  EXPECT_TRUE(IsTaggedControlAddress("unsubscribe+ABC@shop.example", "unsubscribe"));
  EXPECT_TRUE(IsTaggedControlAddress("<Unsubscribe+junk@other.example>", "unsubscribe"));
  EXPECT_FALSE(IsTaggedControlAddress("unsubscribe@shop.example", "unsubscribe"));
  EXPECT_FALSE(IsTaggedControlAddress("unsubscribe+@shop.example", "unsubscribe"));
  EXPECT_FALSE(IsTaggedControlAddress("unsubscribers+x@shop.example", "unsubscribe"));
  EXPECT_FALSE(IsTaggedControlAddress("bounces+x", "bounces"));
  EXPECT_FALSE(IsTaggedControlAddress("bounces+x@shop.example", ""));
}

Message WithHeaders(const std::vector<std::pair<std::string, std::string>>& headers) {
  Message message;
  for (const auto& [name, value] : headers) message.AddHeader(name, value);
  return message;
}

TEST(ReferencedMessageIds, InReplyToFirstThenReferencesWithoutDuplicates) {
  Message message = WithHeaders(
      {{"References", "<a@x> <b@x>\r\n <c@x>"}, {"In-Reply-To", "Your message <c@x> (of Monday)"}});
  EXPECT_EQ(ReferencedMessageIds(message), (std::vector<std::string>{"<c@x>", "<a@x>", "<b@x>"}));
}

TEST(ReferencedMessageIds, SkipsMalformedAndIsBounded) {
  std::string many;
  for (int i = 0; i < 500; ++i) many += "<id" + std::to_string(i) + "@x> ";
  Message message = WithHeaders({{"In-Reply-To", "<> <a b@x> <ok@x>"}, {"References", many}});
  const std::vector<std::string> ids = ReferencedMessageIds(message);
  ASSERT_EQ(ids.size(), kMaxReferencedMessageIds);
  EXPECT_EQ(ids.front(), "<ok@x>");
}

TEST(IsAutomaticMessage, Rfc3834AndDeFactoSignals) {
  struct Case {
    std::string name;
    std::vector<std::pair<std::string, std::string>> headers;
    bool automatic;
  };
  const std::vector<Case> cases = {
      {"PlainReply", {{"Subject", "Re: your camera"}}, false},
      {"AutoSubmittedNo", {{"Auto-Submitted", "no (a person)"}}, false},
      {"AutoReplied", {{"Auto-Submitted", "auto-replied"}}, true},
      {"AutoGenerated", {{"Auto-Submitted", "auto-generated"}}, true},
      {"PrecedenceAutoReply", {{"Precedence", "auto_reply"}}, true},
      {"PrecedenceBulkAlone", {{"Precedence", "bulk"}}, false},
      {"XAutoreply", {{"X-Autoreply", "yes"}}, true},
      {"XAutorespond", {{"X-Autorespond", "Out of office"}}, true},
      {"XAutoreplyNo", {{"X-Autoreply", "no"}}, false},
      {"Report", {{"Content-Type", "multipart/report; report-type=delivery-status"}}, true},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(IsAutomaticMessage(WithHeaders(c.headers)), c.automatic) << c.name;
  }
}

TEST(IsAutoReplied, OnlyTheAutoRepliedKeyword) {
  EXPECT_TRUE(IsAutoReplied(WithHeaders({{"Auto-Submitted", "Auto-Replied; owner-email=x"}})));
  EXPECT_FALSE(IsAutoReplied(WithHeaders({{"Auto-Submitted", "auto-generated"}})));
  EXPECT_FALSE(IsAutoReplied(WithHeaders({})));
}

}  // namespace
}  // namespace ar
