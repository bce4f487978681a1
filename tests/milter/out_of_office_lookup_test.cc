// The out-of-office lookup on the mail path costs one read transaction per
// message: OutOfOfficeResponder asks Store::FindRulesWithResponses once and
// never GetResponse per rule; LmdbStore answers it with what the separate
// reads would have given.
#include <gtest/gtest.h>

#include "core/logger.h"
#include "responder/out_of_office_responder.h"
#include "store/store.h"
#include "tests/support/forwarding_store.h"
#include "tests/support/temp_store.h"

namespace ar {
namespace {

const TimePoint kNow = FromUnixSeconds(1767225600);

OutOfOfficeRule Rule(const std::string& address) {
  OutOfOfficeRule rule;
  rule.address = address;
  rule.text_body = "I am away.";
  return rule;
}

Message MailTo(const std::vector<std::string>& recipients) {
  Envelope envelope;
  envelope.sender = "Bob@Example.net";
  envelope.recipients = recipients;
  envelope.queue_id = "4Xk2Ld";
  Message message(std::move(envelope));
  message.AddHeader("From", "Bob <Bob@Example.net>");
  std::string to;
  for (const std::string& r : recipients) to += (to.empty() ? "" : ", ") + r;
  message.AddHeader("To", to);
  message.AddHeader("Subject", "Hello");
  message.AddHeader("Message-ID", "<m1@example.net>");
  return message;
}

// A real store behind the ForwardingStore that counts the responder's reads.
class OutOfOfficeLookup : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NE(real_.store, nullptr);
    ASSERT_TRUE(real_.store->PutRule(Rule("alice@example.org")).ok());
    ASSERT_TRUE(real_.store->PutRule(Rule("carol@example.org")).ok());
  }

  // alice@example.org answered bob@example.net an hour before kNow.
  void AliceAnsweredBobAnHourAgo() {
    const TimePoint then = kNow - Seconds(3600);
    auto rule = real_.store->GetRule("alice@example.org");
    ASSERT_TRUE(rule.ok() && rule->has_value());
    NewReply reply = testing::ReplyTo("bob@example.net", then);
    reply.generation = (*rule)->generation;
    ASSERT_TRUE(real_.store->Enqueue({reply}, then).ok());
    auto claimed = real_.store->ClaimDue(then, 10, Seconds(600));
    ASSERT_TRUE(claimed.ok() && claimed->size() == 1u);
    ASSERT_TRUE(real_.store->MarkSent((*claimed)[0].id, then).ok());
  }

  testing::TempStore real_;
  testing::ForwardingStore store_{*real_.store};
};

ResponderSettings Settings() {
  ResponderSettings settings;
  settings.compose.hostname = "mx.example.org";
  return settings;
}

TEST_F(OutOfOfficeLookup, OneCombinedReadPerMessageWhateverTheNumberOfRules) {
  CapturingLogger logger;
  OutOfOfficeResponder responder(store_, logger);
  auto report =
      responder.Handle(MailTo({"alice@example.org", "carol@example.org"}), Settings(), kNow);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->queued, 2u);
  EXPECT_EQ(store_.combined_lookups.load(), 1);
  EXPECT_EQ(store_.rule_lookups.load(), 0);
  EXPECT_EQ(store_.response_reads.load(), 0);
  // The sender form the response log is keyed on (lower case).
  EXPECT_EQ(store_.asked_dedupe_sender(), "bob@example.net");
}

TEST_F(OutOfOfficeLookup, PrefetchedResponseStillDedupes) {
  AliceAnsweredBobAnHourAgo();
  CapturingLogger logger(LogLevel::kInfo);
  OutOfOfficeResponder responder(store_, logger);
  auto report = responder.Handle(MailTo({"alice@example.org"}), Settings(), kNow);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->queued, 0u);
  EXPECT_EQ(report->skipped, 1u);
  EXPECT_TRUE(logger.Contains("already-answered"));
  EXPECT_EQ(store_.response_reads.load(), 0);
}

TEST_F(OutOfOfficeLookup, LmdbStoreGivesWhatTheSeparateReadsGive) {
  Store& store = *real_.store;
  OutOfOfficeRule alice = Rule("alice@example.org");
  alice.aliases = {"a.smith@example.org"};
  ASSERT_TRUE(store.PutRule(alice).ok());
  NewReply reply;
  reply.user = "alice@example.org";
  reply.dedupe_sender = "bob@example.net";
  reply.period = Seconds(86400);
  reply.envelope_recipient = "bob@example.net";
  reply.message_id = "<r1@mx.example.org>";
  reply.message = "Subject: away\r\n\r\nbody\r\n";
  reply.due = kNow;
  ASSERT_TRUE(store.Enqueue({reply}, kNow).ok());

  const std::vector<std::string> recipients = {"A.Smith@example.org", "nobody@example.org",
                                               "carol@example.org", "alice@example.org"};
  auto found = store.FindRulesWithResponses(recipients, "bob@example.net");
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  auto rules = store.FindRulesForRecipients(recipients);
  ASSERT_TRUE(rules.ok());
  ASSERT_EQ(found->rules.size(), 2u);
  ASSERT_EQ(found->responses.size(), 2u);
  for (size_t i = 0; i < rules->size(); ++i) {
    EXPECT_EQ(found->rules[i].address, (*rules)[i].address);
    auto separate = store.GetResponse((*rules)[i].address, "bob@example.net");
    ASSERT_TRUE(separate.ok());
    EXPECT_EQ(found->responses[i].has_value(), separate->has_value()) << i;
  }
  EXPECT_EQ(found->rules[0].address, "alice@example.org");
  ASSERT_TRUE(found->responses[0].has_value());
  EXPECT_EQ(found->responses[0]->state, ResponseState::kPending);
  EXPECT_FALSE(found->responses[1].has_value());
}

}  // namespace
}  // namespace ar
