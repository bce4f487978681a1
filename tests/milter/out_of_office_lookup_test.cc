// The out-of-office lookup on the mail path costs one read transaction per
// message: OutOfOfficeResponder asks Store::FindRulesWithResponses once and
// never GetResponse per rule; LmdbStore answers it with what the separate
// reads would have given.
#include <gtest/gtest.h>

#include <filesystem>

#include "core/logger.h"
#include "responder/out_of_office_responder.h"
#include "store/store.h"

namespace ar {
namespace {

namespace fs = std::filesystem;

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

// Answers the lookup from memory and counts every read the responder makes.
class CountingStore final : public Store {
 public:
  std::vector<OutOfOfficeRule> rules;
  std::optional<ResponseRecord> response;  // for every rule
  int combined_lookups = 0;
  int rule_lookups = 0;
  int response_reads = 0;
  std::string asked_dedupe_sender;

  Result<RulesWithResponses> FindRulesWithResponses(const std::vector<std::string>&,
                                                    const std::string& dedupe_sender) override {
    ++combined_lookups;
    asked_dedupe_sender = dedupe_sender;
    RulesWithResponses out;
    out.rules = rules;
    out.responses.assign(rules.size(), response);
    return out;
  }
  Result<std::vector<OutOfOfficeRule>> FindRulesForRecipients(
      const std::vector<std::string>&) override {
    ++rule_lookups;
    return rules;
  }
  Result<std::optional<ResponseRecord>> GetResponse(const std::string&,
                                                    const std::string&) override {
    ++response_reads;
    return response;
  }
  Result<std::vector<EnqueueOutcome>> Enqueue(const std::vector<NewReply>& replies,
                                              TimePoint) override {
    return std::vector<EnqueueOutcome>(replies.size(), EnqueueOutcome{true, 1});
  }

  Status PutRule(const OutOfOfficeRule&) override { return Status::IoError("unused"); }
  Result<std::optional<OutOfOfficeRule>> GetRule(const std::string&) override {
    return Status::IoError("unused");
  }
  Result<std::vector<OutOfOfficeRule>> ListRules() override { return Status::IoError("unused"); }
  Status DeleteRule(const std::string&) override { return Status::IoError("unused"); }
  Result<std::vector<QueueItem>> ClaimDue(TimePoint, size_t, Seconds) override {
    return Status::IoError("unused");
  }
  Status MarkSent(uint64_t, TimePoint) override { return Status::IoError("unused"); }
  Status MarkRetry(uint64_t, TimePoint, const std::string&) override {
    return Status::IoError("unused");
  }
  Status MarkFailed(uint64_t, TimePoint, const std::string&) override {
    return Status::IoError("unused");
  }
  Result<std::optional<TimePoint>> NextDue() override { return Status::IoError("unused"); }
  Result<std::vector<QueueItem>> ListQueue(size_t) override { return Status::IoError("unused"); }
  Result<std::vector<QueueItem>> ListFailed(size_t) override { return Status::IoError("unused"); }
};

ResponderSettings Settings() {
  ResponderSettings settings;
  settings.compose.hostname = "mx.example.org";
  return settings;
}

TEST(OutOfOfficeLookup, OneCombinedReadPerMessageWhateverTheNumberOfRules) {
  CountingStore store;
  store.rules = {Rule("alice@example.org"), Rule("carol@example.org")};
  CapturingLogger logger;
  OutOfOfficeResponder responder(store, logger);
  auto report =
      responder.Handle(MailTo({"alice@example.org", "carol@example.org"}), Settings(), kNow);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->queued, 2u);
  EXPECT_EQ(store.combined_lookups, 1);
  EXPECT_EQ(store.rule_lookups, 0);
  EXPECT_EQ(store.response_reads, 0);
  // The sender form the response log is keyed on (lower case).
  EXPECT_EQ(store.asked_dedupe_sender, "bob@example.net");
}

TEST(OutOfOfficeLookup, PrefetchedResponseStillDedupes) {
  CountingStore store;
  store.rules = {Rule("alice@example.org")};
  store.response = ResponseRecord{store.rules[0].generation, ResponseState::kSent,
                                  kNow - Seconds(3600)};
  CapturingLogger logger(LogLevel::kInfo);
  OutOfOfficeResponder responder(store, logger);
  auto report = responder.Handle(MailTo({"alice@example.org"}), Settings(), kNow);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->queued, 0u);
  EXPECT_EQ(report->skipped, 1u);
  EXPECT_TRUE(logger.Contains("already-answered"));
  EXPECT_EQ(store.response_reads, 0);
}

TEST(OutOfOfficeLookup, LmdbStoreGivesWhatTheSeparateReadsGive) {
  const fs::path dir = fs::path(::testing::TempDir()) / "ooo_lookup_lmdb";
  fs::remove_all(dir);
  StoreOptions options;
  options.path = dir.string();
  auto opened = Store::Open(options);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  Store& store = **opened;
  OutOfOfficeRule alice = Rule("alice@example.org");
  alice.aliases = {"a.smith@example.org"};
  ASSERT_TRUE(store.PutRule(alice).ok());
  ASSERT_TRUE(store.PutRule(Rule("carol@example.org")).ok());
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
  opened->reset();
  fs::remove_all(dir);
}

}  // namespace
}  // namespace ar
