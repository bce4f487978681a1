// Double opt-in in the pure sequence decision: enrolment awaits
// confirmation, confirm+TOKEN@ mail and replies to the confirmation mail
// confirm, forged or misplaced tokens do not.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "sequence/sequence_decision.h"
#include "sequence/tokens.h"

namespace ar {
namespace {

using namespace std::chrono_literals;

constexpr char kKey[] = "test-key";
constexpr char kKari[] = "kari@example.no";
const TimePoint kNow = std::chrono::sys_days{std::chrono::year{2026} / 11 / 23} + 10h;

SequenceDefinition NewsDefinition() {
  SequenceDefinition d;
  d.name = "news";
  d.version = "n1";
  d.from = "Shop <shop@shop.example>";
  d.confirm = ConfirmMode::kDoubleOptIn;
  d.confirm_template = "confirm.txt";
  d.confirm_expiry = Seconds(3 * 86400);
  d.legal_basis = "Consent via the newsletter form";
  MatchCondition to_news{"recipient", "^news@shop\\.example$", 1};
  d.trigger.conditions = {to_news};
  d.trigger.person = PersonSource::kReplyTo;
  StepSpec welcome;
  welcome.name = "welcome";
  welcome.offset = Seconds(86400);
  welcome.template_name = "welcome.txt";
  d.steps = {welcome};
  return d;
}

Message MakeMessage(std::string sender, std::vector<std::string> recipients,
                    const std::vector<std::pair<std::string, std::string>>& headers) {
  Envelope envelope;
  envelope.sender = std::move(sender);
  envelope.recipients = std::move(recipients);
  envelope.queue_id = "4ABC";
  Message message(std::move(envelope));
  for (const auto& [name, value] : headers) message.AddHeader(name, value);
  return message;
}

class ConsentDecisionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto compiled = CompileSequence(NewsDefinition());
    ASSERT_TRUE(compiled.ok()) << compiled.status().ToString();
    sequences_.push_back(std::move(*compiled));
    settings_.secret_key = kKey;
  }

  SequenceDecision Decide(const Message& message) {
    SequenceStateView view;
    view.enrolment = [this](const std::string& p,
                            const std::string& s) -> std::optional<Enrolment> {
      auto it = enrolments_.find(p + "/" + s);
      if (it == enrolments_.end()) return std::nullopt;
      return it->second;
    };
    view.find_message = [this](const std::string& id) -> std::optional<SentMessageRef> {
      auto it = sent_.find(id);
      if (it == sent_.end()) return std::nullopt;
      return it->second;
    };
    view.person_for_token = [this](const std::string& t) -> std::optional<std::string> {
      auto it = tokens_.find(t);
      if (it == tokens_.end()) return std::nullopt;
      return it->second;
    };
    return DecideSequences(message, sequences_, view, settings_, kNow);
  }

  // As the store leaves a double opt-in enrolment, with its tokens.
  void AwaitConfirmation() {
    Enrolment e;
    e.person = kKari;
    e.sequence = "news";
    e.version = "n1";
    e.enrolled_at = kNow - 24h;
    e.next_step = kConfirmationStep;
    e.consent.trigger = "trigger";
    e.consent.double_opt_in = true;
    e.consent.expires_at = kNow + 48h;
    enrolments_[std::string(kKari) + "/news"] = e;
    tokens_[ConfirmToken(kKey, kKari, "news")] = kKari;
    tokens_[PersonToken(kKey, kKari)] = kKari;
  }

  std::vector<CompiledSequence> sequences_;
  SequenceSettings settings_;
  std::map<std::string, Enrolment> enrolments_;
  std::map<std::string, SentMessageRef> sent_;
  std::map<std::string, std::string> tokens_;
};

TEST_F(ConsentDecisionTest, TriggerEnrolsAwaitingConfirmationWithTheConsentRecord) {
  SequenceDecision d = Decide(MakeMessage("www@shop.example", {"news@shop.example"},
                                          {{"Reply-To", kKari}, {"Message-ID", "<f1@web>"}}));
  ASSERT_EQ(d.enrols.size(), 1u);
  const EnrolAction& enrol = d.enrols[0];
  EXPECT_TRUE(enrol.double_opt_in);
  EXPECT_EQ(enrol.confirm_expires, kNow + 72h);
  EXPECT_EQ(enrol.legal_basis, "Consent via the newsletter form");
  EXPECT_EQ(enrol.reason, "trigger");
  EXPECT_EQ(enrol.trigger_message_id, "<f1@web>");
}

TEST_F(ConsentDecisionTest, MailToTheConfirmAddressConfirmsAndIsConsumed) {
  AwaitConfirmation();
  const std::string confirm =
      TaggedAddress("confirm", ConfirmToken(kKey, kKari, "news"), "shop.example");
  SequenceDecision d = Decide(MakeMessage(kKari, {confirm}, {{"From", kKari}}));
  ASSERT_EQ(d.confirmations.size(), 1u);
  EXPECT_EQ(d.confirmations[0].person, kKari);
  EXPECT_EQ(d.confirmations[0].sequence, "news");
  // The sequence counts from the confirmation.
  EXPECT_EQ(d.confirmations[0].first_due, kNow + 24h);
  EXPECT_EQ(d.consume_recipients, std::vector<std::string>{confirm});
  EXPECT_TRUE(d.enrols.empty());
}

TEST_F(ConsentDecisionTest, AReplyToTheConfirmationMailConfirms) {
  AwaitConfirmation();
  sent_["<confirm.kari@shop.example>"] = SentMessageRef{kKari, "news", kConfirmationStep};
  SequenceDecision d = Decide(MakeMessage(
      kKari, {"shop@shop.example"},
      {{"From", kKari}, {"In-Reply-To", "<confirm.kari@shop.example>"}, {"Subject", "Re: yes"}}));
  ASSERT_EQ(d.confirmations.size(), 1u);
  EXPECT_EQ(d.confirmations[0].sequence, "news");
}

TEST_F(ConsentDecisionTest, ThePersonTokenAtTheConfirmAddressConfirmsNothing) {
  AwaitConfirmation();
  // The unsubscribe token is in every mail the person gets; it must not
  // stand in for the confirmation token.
  const std::string wrong = TaggedAddress("confirm", PersonToken(kKey, kKari), "shop.example");
  SequenceDecision d = Decide(MakeMessage(kKari, {wrong}, {{"From", kKari}}));
  EXPECT_TRUE(d.confirmations.empty());
  EXPECT_TRUE(d.consume_recipients.empty());
  EXPECT_FALSE(d.warnings.empty());
}

TEST_F(ConsentDecisionTest, AConfirmationWhenNoneIsAwaitedIsConsumedWithANote) {
  AwaitConfirmation();
  enrolments_[std::string(kKari) + "/news"].consent.confirmed_at = kNow - 1h;
  const std::string confirm =
      TaggedAddress("confirm", ConfirmToken(kKey, kKari, "news"), "shop.example");
  SequenceDecision d = Decide(MakeMessage(kKari, {confirm}, {}));
  EXPECT_TRUE(d.confirmations.empty());
  EXPECT_EQ(d.consume_recipients, std::vector<std::string>{confirm});
}

TEST_F(ConsentDecisionTest, TheConfirmAddressIsNeverEnrolled) {
  const std::string confirm = "confirm+ABCDEFGHIJKLMNOP@shop.example";
  SequenceDecision d = Decide(MakeMessage("www@shop.example", {"news@shop.example"},
                                          {{"Reply-To", confirm}, {"Message-ID", "<f2@web>"}}));
  EXPECT_TRUE(d.enrols.empty());
}

TEST(ConsentTokens, ConfirmTokenDependsOnPersonAndSequence) {
  const std::string a = ConfirmToken(kKey, kKari, "news");
  EXPECT_EQ(a.size(), 16u);
  EXPECT_EQ(a, ConfirmToken(kKey, "Kari@Example.NO", "news"));
  EXPECT_NE(a, ConfirmToken(kKey, kKari, "other"));
  EXPECT_NE(a, ConfirmToken(kKey, "ola@example.no", "news"));
  EXPECT_NE(a, PersonToken(kKey, kKari));
}

SequenceSource NewsSource(const std::string& sequence_keys) {
  SequenceSource source;
  source.file_name = "news.sequence";
  source.text = "[sequence]\nfrom = Shop <shop@shop.example>\n" + sequence_keys +
                "\n[trigger]\nrecipient = ^news@\n\n[step welcome]\nwhen = 1d after previous\n"
                "template = welcome.txt\n";
  source.templates = {{"welcome.txt", "Subject: Welcome\n\nHello\n"},
                      {"confirm.txt", "Subject: Confirm\n\n{{confirm_mailto}}\n"}};
  return source;
}

TEST(ConsentDefinition, ParsesConfirmKeysWithASevenDayDefault) {
  auto d = ParseSequence(NewsSource(
      "confirm = double-opt-in\nconfirm_template = confirm.txt\nlegal_basis = Consent (form)"));
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->confirm, ConfirmMode::kDoubleOptIn);
  EXPECT_EQ(d->confirm_template, "confirm.txt");
  EXPECT_EQ(d->confirm_expiry, Seconds(7 * 86400));
  EXPECT_EQ(d->legal_basis, "Consent (form)");
  auto plain = ParseSequence(NewsSource(""));
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_EQ(plain->confirm, ConfirmMode::kNone);
}

TEST(ConsentDefinition, DoubleOptInNeedsATemplateThatExists) {
  auto missing = ParseSequence(NewsSource("confirm = double-opt-in"));
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("needs confirm_template"), std::string::npos);
  auto absent = ParseSequence(
      NewsSource("confirm = double-opt-in\nconfirm_template = nope.txt\nconfirm_expiry = 2d"));
  ASSERT_FALSE(absent.ok());
  EXPECT_NE(absent.status().message().find("nope.txt does not exist"), std::string::npos);
  auto bad = ParseSequence(NewsSource("confirm = maybe\nconfirm_expiry = 0d"));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("confirm is none or double-opt-in"), std::string::npos);
  EXPECT_NE(bad.status().message().find("confirm_expiry"), std::string::npos);
}

}  // namespace
}  // namespace ar
