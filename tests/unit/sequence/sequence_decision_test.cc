#include "sequence/sequence_decision.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "sequence/control_mail.h"
#include "sequence/tokens.h"

namespace ar {
namespace {

using namespace std::chrono_literals;
using Headers = std::vector<std::pair<std::string, std::string>>;
using PersonSequence = std::pair<std::string, std::string>;

constexpr char kKey[] = "test-key";
constexpr char kKari[] = "kari@example.no";
constexpr char kCanon[] = "canon-eos-5d";
constexpr char kAccessories[] = "accessories";
constexpr char kNewsletter[] = "newsletter";

const TimePoint kNow = std::chrono::sys_days{std::chrono::year{2026} / 11 / 23} + 10h;

// The store as the decision sees it, held in maps.
struct FakeState {
  std::set<std::string> suppressed;
  std::map<PersonSequence, Enrolment> enrolments;
  std::map<std::string, SentMessageRef> sent;
  std::set<PersonSequence> seen_triggers;  // (message id, sequence)
  std::map<std::string, std::string> tokens;

  void IssueToken(const std::string& person) { tokens[PersonToken(kKey, person)] = person; }

  void Enrol(const std::string& person, const std::string& sequence, EnrolmentState state,
             TimePoint enrolled_at) {
    Enrolment e;
    e.person = person;
    e.display_name = "Kari Nordmann";
    e.sequence = sequence;
    e.version = "v1";
    e.variables = {{"product", "canon-eos-5d"}, {"order", "old"}};
    e.enrolled_at = enrolled_at;
    e.state = state;
    enrolments[{person, sequence}] = e;
  }

  SequenceStateView View() const {
    SequenceStateView view;
    view.is_suppressed = [this](const std::string& p) { return suppressed.count(p) > 0; };
    view.enrolment = [this](const std::string& p,
                            const std::string& s) -> std::optional<Enrolment> {
      auto it = enrolments.find({p, s});
      if (it == enrolments.end()) return std::nullopt;
      return it->second;
    };
    view.find_message = [this](const std::string& id) -> std::optional<SentMessageRef> {
      auto it = sent.find(id);
      if (it == sent.end()) return std::nullopt;
      return it->second;
    };
    view.trigger_seen = [this](const std::string& id, const std::string& s) {
      return seen_triggers.count({id, s}) > 0;
    };
    view.person_for_token = [this](const std::string& t) -> std::optional<std::string> {
      auto it = tokens.find(t);
      if (it == tokens.end()) return std::nullopt;
      return it->second;
    };
    return view;
  }
};

StepSpec Step(std::string name, Seconds offset) {
  StepSpec step;
  step.name = std::move(name);
  step.offset = offset;
  step.template_name = step.name + ".txt";
  return step;
}

TriggerSpec Trigger(std::vector<MatchCondition> conditions, PersonSource person) {
  TriggerSpec spec;
  spec.conditions = std::move(conditions);
  spec.person = person;
  return spec;
}

// canon-eos-5d from the first story: a lead enrols the Reply-To person; an
// order confirmation to them exits and moves to accessories; a reply exits.
SequenceDefinition CanonDefinition() {
  SequenceDefinition d;
  d.name = kCanon;
  d.version = "v2";
  d.from = "Nettbutikken <shop@shop.example>";
  d.trigger =
      Trigger({{"recipient", "^leads\\+canon-eos-5d@shop\\.example$"}}, PersonSource::kReplyTo);
  d.steps = {Step("info", Seconds(3 * 86400)), Step("coupon", Seconds(7 * 86400))};
  ExitSpec purchase;
  purchase.name = "purchase";
  purchase.on = ExitOn::kTrigger;
  purchase.trigger =
      Trigger({{"sender", "^orders@shop\\.example$"}, {"header:X-Order", "^(?P<order>\\d+)$"}},
              PersonSource::kEnvelopeRecipient);
  purchase.move_to = kAccessories;
  ExitSpec reply;
  reply.name = "replied";
  reply.on = ExitOn::kReply;
  d.exits = {purchase, reply};
  return d;
}

SequenceDefinition AccessoriesDefinition() {
  SequenceDefinition d;
  d.name = kAccessories;
  d.version = "a1";
  d.from = "Shop <Shop@SHOP.example>";
  d.trigger =
      Trigger({{"recipient", "^accessories@shop\\.example$"}}, PersonSource::kEnvelopeSender);
  d.steps = {Step("tripods", Seconds(86400))};
  return d;
}

// Any lead of any product also enrols in the newsletter sequence.
SequenceDefinition NewsletterDefinition() {
  SequenceDefinition d;
  d.name = kNewsletter;
  d.version = "n1";
  d.trigger = Trigger({{"recipient", "^leads\\+"}}, PersonSource::kReplyTo);
  d.steps = {Step("welcome", Seconds(3600))};
  return d;
}

std::vector<CompiledSequence> Compile(const std::vector<SequenceDefinition>& definitions) {
  std::vector<CompiledSequence> out;
  for (const SequenceDefinition& d : definitions) {
    Result<CompiledSequence> compiled = CompileSequence(d);
    EXPECT_TRUE(compiled.ok()) << compiled.status().ToString();
    if (compiled.ok()) out.push_back(std::move(compiled.value()));
  }
  return out;
}

Message MakeMessage(std::string sender, std::vector<std::string> recipients,
                    const Headers& headers) {
  Envelope envelope;
  envelope.sender = std::move(sender);
  envelope.recipients = std::move(recipients);
  envelope.queue_id = "4ABC";
  Message message(std::move(envelope));
  for (const auto& [name, value] : headers) message.AddHeader(name, value);
  return message;
}

Message LeadMail(Headers extra = {}) {
  Headers headers = {{"From", "www-data@web.shop.example"},
                     {"Reply-To", "Kari Nordmann <Kari@Example.no>"},
                     {"Subject", "Contact form"},
                     {"Message-ID", "<lead-1@web.shop.example>"}};
  headers.insert(headers.end(), extra.begin(), extra.end());
  return MakeMessage("www-data@web.shop.example", {"leads+canon-eos-5d@shop.example"}, headers);
}

Message OrderMail() {
  return MakeMessage("orders@shop.example", {"Kari@example.no"},
                     {{"From", "Shop <orders@shop.example>"},
                      {"Auto-Submitted", "auto-generated"},
                      {"X-Order", "1234"},
                      {"Message-ID", "<order-1234@shop.example>"}});
}

class SequenceDecisionTest : public ::testing::Test {
 protected:
  SequenceDecision Decide(const Message& message) {
    return DecideSequences(message, sequences_, state_.View(), settings_, kNow);
  }
  bool HasNote(const SequenceDecision& d, const std::string& text) {
    return std::any_of(d.notes.begin(), d.notes.end(),
                       [&](const std::string& n) { return n.find(text) != std::string::npos; });
  }
  bool HasWarning(const SequenceDecision& d, const std::string& text) {
    return std::any_of(d.warnings.begin(), d.warnings.end(),
                       [&](const std::string& n) { return n.find(text) != std::string::npos; });
  }
  std::string Notes(const SequenceDecision& d) {
    std::string all;
    for (const std::string& n : d.notes) all += n + "\n";
    for (const std::string& n : d.warnings) all += "warning: " + n + "\n";
    return all;
  }

  std::vector<CompiledSequence> sequences_ =
      Compile({CanonDefinition(), AccessoriesDefinition(), NewsletterDefinition()});
  FakeState state_;
  SequenceSettings settings_;
};

// --- 1. control mail ---

TEST_F(SequenceDecisionTest, UnsubscribeWithValidTokenSuppressesAndConsumesOnlyThatRecipient) {
  state_.IssueToken(kKari);
  const std::string control =
      TaggedAddress("unsubscribe", PersonToken(kKey, kKari), "shop.example");
  SequenceDecision d = Decide(MakeMessage(kKari, {control, "info@shop.example"}, {}));
  EXPECT_EQ(d.suppressions, (std::vector<PersonSequence>{{kKari, "unsubscribe"}}));
  EXPECT_EQ(d.consume_recipients, std::vector<std::string>{control});
}

TEST_F(SequenceDecisionTest, UnsubscribeTokenAndDomainAreReadInAnyCase) {
  state_.IssueToken(kKari);
  std::string token = PersonToken(kKey, kKari);
  std::transform(token.begin(), token.end(), token.begin(), ::tolower);
  const std::string control = "<UNSUBSCRIBE+" + token + "@Shop.EXAMPLE>";
  SequenceDecision d = Decide(MakeMessage(kKari, {control}, {}));
  EXPECT_EQ(d.suppressions, (std::vector<PersonSequence>{{kKari, "unsubscribe"}}));
  EXPECT_EQ(d.consume_recipients, std::vector<std::string>{control});
}

TEST_F(SequenceDecisionTest, UnsubscribeWithInvalidTokenIsAWarningAndDelivered) {
  state_.IssueToken(kKari);
  for (const std::string& control :
       {TaggedAddress("unsubscribe", PersonToken(kKey, "someone@else.example"), "shop.example"),
        std::string("unsubscribe+not-a-token@shop.example"),
        std::string("unsubscribe+AAAAAAAAAAAAAAAA@shop.example")}) {
    SequenceDecision d = Decide(MakeMessage(kKari, {control, "info@shop.example"}, {}));
    EXPECT_TRUE(d.suppressions.empty()) << control;
    EXPECT_TRUE(d.consume_recipients.empty()) << control;
    EXPECT_TRUE(HasWarning(d, "invalid unsubscribe token in <" + control + ">")) << Notes(d);
    // Alone in the envelope it is still delivered, not consumed.
    d = Decide(MakeMessage(kKari, {control}, {}));
    EXPECT_TRUE(d.consume_recipients.empty()) << control;
  }
}

// Someone else's list and someone else's VERP: the same local parts at a
// domain that is no sequence's From domain are ordinary mail, whatever the
// tag holds (even one of our valid tokens).
TEST_F(SequenceDecisionTest, ControlAddressesAtOtherDomainsAreOrdinaryMail) {
  state_.IssueToken(kKari);
  const std::string token = PersonToken(kKey, kKari);
  for (const std::string& rcpt :
       {std::string("unsubscribe+abc123@lists.other.test"),
        std::string("bounces+1234567-abcd@em.sendgrid.test"),
        std::string("<unsubscribe+") + token + "@other.example>",
        std::string("bounces+") + token + "@shop.example.other.test",
        std::string("bounces+") + token + "@sub.shop.example"}) {
    SequenceDecision d =
        Decide(MakeMessage("", {rcpt},
                           {{"Content-Type", "multipart/report; report-type=delivery-status"},
                            {std::string(kDsnStatusPseudoHeader), "5.1.1"}}));
    EXPECT_TRUE(d.consume_recipients.empty()) << rcpt;
    EXPECT_TRUE(d.suppressions.empty()) << rcpt;
    EXPECT_FALSE(HasWarning(d, "token")) << rcpt << "\n" << Notes(d);
  }
}

TEST_F(SequenceDecisionTest, ControlDomainMakesAnotherDomainOurs) {
  state_.IssueToken(kKari);
  const std::string control =
      TaggedAddress("unsubscribe", PersonToken(kKey, kKari), "mail.shop.example");
  EXPECT_TRUE(Decide(MakeMessage(kKari, {control}, {})).consume_recipients.empty());
  settings_.control_domains = {"mail.shop.example"};
  SequenceDecision d = Decide(MakeMessage(kKari, {control}, {}));
  EXPECT_EQ(d.consume_recipients, std::vector<std::string>{control});
  EXPECT_EQ(d.suppressions, (std::vector<PersonSequence>{{kKari, "unsubscribe"}}));
}

TEST_F(SequenceDecisionTest, WithoutAFromDomainOnlyControlDomainsAreOurs) {
  std::vector<SequenceDefinition> definitions = {CanonDefinition()};
  definitions[0].from = "";
  sequences_ = Compile(definitions);
  state_.IssueToken(kKari);
  const std::string control =
      TaggedAddress("unsubscribe", PersonToken(kKey, kKari), "shop.example");
  EXPECT_TRUE(Decide(MakeMessage(kKari, {control}, {})).consume_recipients.empty());
  settings_.control_domains = {"shop.example"};
  EXPECT_EQ(Decide(MakeMessage(kKari, {control}, {})).consume_recipients,
            std::vector<std::string>{control});
}

// An envelope cut at the receiver's recipient cap: the consumed recipient may
// be the only one kept, but there were others, so the decision goes on.
TEST_F(SequenceDecisionTest, ConsumedRecipientOfACutEnvelopeDoesNotEndTheDecision) {
  state_.IssueToken(kKari);
  const std::string control =
      TaggedAddress("unsubscribe", PersonToken(kKey, kKari), "shop.example");
  state_.sent["<sent-1@shop.example>"] = SentMessageRef{kKari, kCanon, 0};
  Message reply =
      MakeMessage(kKari, {control}, {{"From", kKari}, {"In-Reply-To", "<sent-1@shop.example>"}});
  EXPECT_TRUE(Decide(reply).engagements.empty());  // every recipient consumed: nothing else
  reply.mutable_envelope().recipients_dropped = 1;
  SequenceDecision d = Decide(reply);
  EXPECT_EQ(d.consume_recipients, std::vector<std::string>{control});
  EXPECT_EQ(d.engagements, (std::vector<PersonSequence>{{kKari, kCanon}})) << Notes(d);
}

TEST_F(SequenceDecisionTest, UnsubscribeInTheSameMailAsATriggerPreventsEnrolment) {
  state_.IssueToken(kKari);
  const std::string control =
      TaggedAddress("unsubscribe", PersonToken(kKey, kKari), "shop.example");
  Message message = LeadMail();
  message.mutable_envelope().recipients.push_back(control);
  SequenceDecision d = Decide(message);
  EXPECT_EQ(d.suppressions.size(), 1u);
  EXPECT_TRUE(d.enrols.empty());
  EXPECT_TRUE(HasNote(d, "suppressed")) << Notes(d);
}

struct DsnCase {
  std::string name;
  std::string content_type;
  std::vector<std::string> statuses;  // pseudo header fields, in order
  std::vector<PersonSequence> suppressions;
  std::vector<std::string> soft_bounces;
  std::string note;
};

class SequenceDecisionDsn : public SequenceDecisionTest,
                            public ::testing::WithParamInterface<DsnCase> {};

TEST_P(SequenceDecisionDsn, ClassifiesByTheStatusTheCallerPassesIn) {
  const DsnCase& c = GetParam();
  state_.IssueToken(kKari);
  // A DSN to our VERP address; the decision must not enrol anyone from it.
  const std::string verp = TaggedAddress("bounces", PersonToken(kKey, kKari), "shop.example");
  Headers headers = {{"From", "MAILER-DAEMON@mx.example.no (Mail Delivery System)"},
                     {"Auto-Submitted", "auto-replied"},
                     {"Content-Type", c.content_type}};
  for (const std::string& s : c.statuses) headers.emplace_back(kDsnStatusPseudoHeader, s);
  SequenceDecision d = Decide(MakeMessage("", {verp}, headers));
  EXPECT_EQ(d.suppressions, c.suppressions);
  EXPECT_EQ(d.soft_bounces, c.soft_bounces);
  EXPECT_EQ(d.consume_recipients, std::vector<std::string>{verp});
  EXPECT_TRUE(d.enrols.empty());
  if (!c.note.empty()) {
    EXPECT_TRUE(HasNote(d, c.note)) << Notes(d);
  }
}

const char kDsnType[] = "multipart/report; report-type=delivery-status; boundary=\"b\"";

INSTANTIATE_TEST_SUITE_P(
    Bounces, SequenceDecisionDsn,
    ::testing::Values(
        DsnCase{"HardBounceSuppresses", kDsnType, {"5.1.1"}, {{kKari, "hard-bounce"}}, {}, ""},
        DsnCase{"SoftBounceIsCounted", kDsnType, {"4.4.1"}, {}, {kKari}, "soft bounce"},
        DsnCase{"LastPseudoFieldWins", kDsnType, {"5.1.1", "4.2.2"}, {}, {kKari}, ""},
        DsnCase{"MissingStatusIsANote", kDsnType, {}, {}, {}, "without a Status"},
        DsnCase{"MalformedStatusIsANote", kDsnType, {"5.x"}, {}, {}, "without a Status"},
        DsnCase{"SuccessIsANote", kDsnType, {"2.0.0"}, {}, {}, "nothing to do"},
        DsnCase{"NotADsnIsANote", "text/plain", {"5.1.1"}, {}, {}, "not a delivery status"},
        DsnCase{"ReadReceiptIsNotADsn",
                "multipart/report; report-type=disposition-notification",
                {"5.1.1"},
                {},
                {},
                "not a delivery status"}),
    [](const ::testing::TestParamInfo<DsnCase>& info) { return info.param.name; });

TEST_F(SequenceDecisionTest, BounceWithUnknownTokenIsAWarningAndDelivered) {
  const std::string verp =
      TaggedAddress("bounces", PersonToken(kKey, "nobody@example.no"), "shop.example");
  SequenceDecision d = Decide(MakeMessage(
      "", {verp}, {{"Content-Type", kDsnType}, {std::string(kDsnStatusPseudoHeader), "5.1.1"}}));
  EXPECT_TRUE(d.suppressions.empty());
  EXPECT_TRUE(d.consume_recipients.empty());
  EXPECT_TRUE(HasWarning(d, "invalid bounce token in <" + verp + ">")) << Notes(d);
}

TEST_F(SequenceDecisionTest, ConfiguredLocalPartsAreHonoured) {
  settings_.unsubscribe_local_part = "stop";
  state_.IssueToken(kKari);
  const std::string token = PersonToken(kKey, kKari);
  SequenceDecision d = Decide(MakeMessage(kKari, {"unsubscribe+" + token + "@shop.example"}, {}));
  EXPECT_TRUE(d.consume_recipients.empty());
  d = Decide(MakeMessage(kKari, {"stop+" + token + "@shop.example"}, {}));
  EXPECT_EQ(d.suppressions.size(), 1u);
}

// --- 2. engagement ---

TEST_F(SequenceDecisionTest, ReplyNamingOurMessageIsEngagementAndTakesTheReplyExit) {
  state_.Enrol(kKari, kCanon, EnrolmentState::kActive, kNow - 4 * 24h);
  state_.sent["<step0.kari@shop.example>"] = SentMessageRef{kKari, kCanon, 0};
  SequenceDecision d = Decide(MakeMessage(kKari, {"shop@shop.example"},
                                          {{"From", kKari},
                                           {"In-Reply-To", "<step0.kari@shop.example>"},
                                           {"References", "<other@x> <step0.kari@shop.example>"},
                                           {"Subject", "Re: Canon EOS 5D"}}));
  EXPECT_EQ(d.engagements, (std::vector<PersonSequence>{{kKari, kCanon}}));
  ASSERT_EQ(d.exits.size(), 1u);
  EXPECT_EQ(d.exits[0].sequence, kCanon);
  EXPECT_EQ(d.exits[0].person, kKari);
  EXPECT_EQ(d.exits[0].reason, "replied");
  EXPECT_TRUE(d.enrols.empty());
}

TEST_F(SequenceDecisionTest, ReplyFoundOnlyInReferencesCounts) {
  state_.Enrol(kKari, kCanon, EnrolmentState::kActive, kNow - 4 * 24h);
  state_.sent["<step0.kari@shop.example>"] = SentMessageRef{kKari, kCanon, 0};
  SequenceDecision d = Decide(MakeMessage(
      kKari, {"shop@shop.example"}, {{"References", "<a@x>\r\n\t<step0.kari@shop.example>"}}));
  EXPECT_EQ(d.engagements.size(), 1u);
}

TEST_F(SequenceDecisionTest, ReplyAfterLeavingIsEngagementWithoutAnExit) {
  state_.Enrol(kKari, kCanon, EnrolmentState::kCompleted, kNow - 40 * 24h);
  state_.sent["<step1.kari@shop.example>"] = SentMessageRef{kKari, kCanon, 1};
  SequenceDecision d = Decide(
      MakeMessage(kKari, {"shop@shop.example"}, {{"In-Reply-To", "<step1.kari@shop.example>"}}));
  EXPECT_EQ(d.engagements.size(), 1u);
  EXPECT_TRUE(d.exits.empty());
}

TEST_F(SequenceDecisionTest, AutomaticRepliesAreNotEngagement) {
  state_.Enrol(kKari, kCanon, EnrolmentState::kActive, kNow - 4 * 24h);
  state_.sent["<step0.kari@shop.example>"] = SentMessageRef{kKari, kCanon, 0};
  const std::vector<std::pair<std::string, std::string>> signals = {
      {"Auto-Submitted", "auto-replied"},
      {"Auto-Submitted", "auto-generated"},
      {"X-Autoreply", "yes"},
      {"X-Autorespond", "Out of office"},
      {"Precedence", "auto_reply"},
  };
  for (const auto& [name, value] : signals) {
    SequenceDecision d = Decide(MakeMessage(kKari, {"shop@shop.example"},
                                            {{"In-Reply-To", "<step0.kari@shop.example>"},
                                             {"Subject", "Out of office"},
                                             {name, value}}));
    EXPECT_TRUE(d.engagements.empty()) << name;
    EXPECT_TRUE(d.exits.empty()) << name;
    EXPECT_TRUE(HasNote(d, "not engagement")) << name << "\n" << Notes(d);
  }
}

TEST_F(SequenceDecisionTest, ReplyToAMessageWeDidNotSendIsNothing) {
  state_.Enrol(kKari, kCanon, EnrolmentState::kActive, kNow - 4 * 24h);
  SequenceDecision d =
      Decide(MakeMessage(kKari, {"shop@shop.example"}, {{"In-Reply-To", "<unknown@x>"}}));
  EXPECT_TRUE(d.engagements.empty());
  EXPECT_TRUE(d.exits.empty());
}

// --- 3. exits on trigger ---

TEST_F(SequenceDecisionTest, PurchaseExitsAndMovesWithCapturedVariables) {
  state_.Enrol(kKari, kCanon, EnrolmentState::kActive, kNow - 5 * 24h);
  SequenceDecision d = Decide(OrderMail());
  ASSERT_EQ(d.exits.size(), 1u);
  EXPECT_EQ(d.exits[0].sequence, kCanon);
  EXPECT_EQ(d.exits[0].person, kKari);
  EXPECT_EQ(d.exits[0].reason, "purchase");
  ASSERT_EQ(d.enrols.size(), 1u) << Notes(d);
  const EnrolAction& moved = d.enrols[0];
  EXPECT_EQ(moved.sequence, kAccessories);
  EXPECT_EQ(moved.version, "a1");
  EXPECT_EQ(moved.person, kKari);
  EXPECT_EQ(moved.display_name, "Kari Nordmann");
  EXPECT_EQ(moved.reason, "moved from canon-eos-5d");
  EXPECT_FALSE(moved.restart);
  EXPECT_EQ(moved.trigger_message_id, "<order-1234@shop.example>");
  EXPECT_EQ(moved.variables.at("order"), "1234");  // the exit's capture is newer
  EXPECT_EQ(moved.variables.at("product"), "canon-eos-5d");
  ASSERT_TRUE(moved.first_due.has_value());
  EXPECT_EQ(*moved.first_due, kNow + 24h);
}

TEST_F(SequenceDecisionTest, PurchaseWithoutAnActiveEnrolmentDoesNothing) {
  for (EnrolmentState state : {EnrolmentState::kCompleted, EnrolmentState::kLeft}) {
    state_.Enrol(kKari, kCanon, state, kNow - 5 * 24h);
    SequenceDecision d = Decide(OrderMail());
    EXPECT_TRUE(d.exits.empty());
    EXPECT_TRUE(d.enrols.empty());
  }
  state_.enrolments.clear();
  SequenceDecision d = Decide(OrderMail());
  EXPECT_TRUE(d.exits.empty());
  EXPECT_TRUE(d.enrols.empty());
}

TEST_F(SequenceDecisionTest, SuppressedPersonLeavesButIsNotMoved) {
  state_.Enrol(kKari, kCanon, EnrolmentState::kActive, kNow - 5 * 24h);
  state_.suppressed.insert(kKari);
  SequenceDecision d = Decide(OrderMail());
  EXPECT_EQ(d.exits.size(), 1u);
  EXPECT_TRUE(d.enrols.empty());
  EXPECT_TRUE(HasNote(d, "suppressed")) << Notes(d);
}

TEST_F(SequenceDecisionTest, MoveToAnUnknownSequenceLeavesWithANote) {
  SequenceDefinition canon = CanonDefinition();
  canon.exits[0].move_to = "gone";
  sequences_ = Compile({canon});
  state_.Enrol(kKari, kCanon, EnrolmentState::kActive, kNow - 5 * 24h);
  SequenceDecision d = Decide(OrderMail());
  EXPECT_EQ(d.exits.size(), 1u);
  EXPECT_TRUE(d.enrols.empty());
  EXPECT_TRUE(HasNote(d, "unknown sequence gone")) << Notes(d);
}

// --- 4. enrolment ---

TEST_F(SequenceDecisionTest, LeadEnrolsTheReplyToPersonWithFirstStepDue) {
  SequenceDecision d = Decide(LeadMail());
  ASSERT_EQ(d.enrols.size(), 2u) << Notes(d);
  const EnrolAction& canon = d.enrols[0];
  EXPECT_EQ(canon.sequence, kCanon);
  EXPECT_EQ(canon.version, "v2");
  EXPECT_EQ(canon.person, kKari);
  EXPECT_EQ(canon.display_name, "Kari Nordmann");
  EXPECT_EQ(canon.trigger_message_id, "<lead-1@web.shop.example>");
  EXPECT_EQ(canon.reason, "trigger");
  EXPECT_FALSE(canon.restart);
  EXPECT_EQ(canon.variables.at("recipient_detail"), "canon-eos-5d");
  ASSERT_TRUE(canon.first_due.has_value());
  EXPECT_EQ(*canon.first_due, kNow + 3 * 24h);
  EXPECT_TRUE(d.consume_recipients.empty());
}

TEST_F(SequenceDecisionTest, OneMessageMatchingSeveralSequencesEnrolsInEach) {
  SequenceDecision d = Decide(LeadMail());
  std::vector<std::string> enrolled;
  for (const EnrolAction& e : d.enrols) enrolled.push_back(e.sequence);
  EXPECT_EQ(enrolled, (std::vector<std::string>{kCanon, kNewsletter}));
  ASSERT_EQ(d.enrols.size(), 2u);
  EXPECT_EQ(*d.enrols[1].first_due, kNow + 1h);
}

TEST_F(SequenceDecisionTest, SameTriggerMessageIdNeverEnrolsTwice) {
  state_.seen_triggers.insert({"<lead-1@web.shop.example>", kCanon});
  SequenceDecision d = Decide(LeadMail());
  ASSERT_EQ(d.enrols.size(), 1u);
  EXPECT_EQ(d.enrols[0].sequence, kNewsletter);  // seen per sequence
  EXPECT_TRUE(HasNote(d, "was already seen")) << Notes(d);
}

TEST_F(SequenceDecisionTest, SuppressedPersonIsNeverEnrolled) {
  state_.suppressed.insert(kKari);
  SequenceDecision d = Decide(LeadMail());
  EXPECT_TRUE(d.enrols.empty());
  EXPECT_TRUE(HasNote(d, "suppressed")) << Notes(d);
}

TEST_F(SequenceDecisionTest, OurOwnMailAndAutomaticAnswersNeverEnrol) {
  for (const auto& header : std::vector<std::pair<std::string, std::string>>{
           {"X-Autoresponder-Milter", "sequence"}, {"Auto-Submitted", "auto-replied"}}) {
    SequenceDecision d = Decide(LeadMail({header}));
    EXPECT_TRUE(d.enrols.empty()) << header.first;
    EXPECT_TRUE(HasNote(d, "not enrolled")) << Notes(d);
  }
}

TEST_F(SequenceDecisionTest, OurOwnMailNeverTriggersAnExit) {
  state_.Enrol(kKari, kCanon, EnrolmentState::kActive, kNow - 5 * 24h);
  Message order = OrderMail();
  order.AddHeader("X-Autoresponder-Milter", "sequence");
  EXPECT_TRUE(Decide(order).exits.empty());
}

TEST_F(SequenceDecisionTest, AutoGeneratedMailStillEnrols) {
  SequenceDecision d = Decide(LeadMail({{"Auto-Submitted", "auto-generated"}}));
  EXPECT_EQ(d.enrols.size(), 2u) << Notes(d);
}

TEST_F(SequenceDecisionTest, AControlAddressIsNeverEnrolled) {
  const std::string verp = TaggedAddress("bounces", PersonToken(kKey, kKari), "shop.example");
  SequenceDecision d = Decide(
      MakeMessage("www@shop.example", {"leads+canon-eos-5d@shop.example"}, {{"Reply-To", verp}}));
  EXPECT_TRUE(d.enrols.empty());
  EXPECT_TRUE(HasNote(d, "a control address")) << Notes(d);
}

TEST_F(SequenceDecisionTest, SequenceWithoutStepsEnrolsWithoutADueTime) {
  SequenceDefinition empty = NewsletterDefinition();
  empty.steps.clear();
  sequences_ = Compile({empty});
  SequenceDecision d = Decide(LeadMail());
  ASSERT_EQ(d.enrols.size(), 1u);
  EXPECT_FALSE(d.enrols[0].first_due.has_value());
  EXPECT_TRUE(HasNote(d, "has no steps")) << Notes(d);
}

TEST_F(SequenceDecisionTest, UncomputableFirstStepEnrolsWithANote) {
  SequenceDefinition exam = NewsletterDefinition();
  exam.steps[0].anchor = StepAnchor::kVariable;
  exam.steps[0].anchor_variable = "exam_date";
  sequences_ = Compile({exam});
  SequenceDecision d = Decide(LeadMail());
  ASSERT_EQ(d.enrols.size(), 1u);
  EXPECT_FALSE(d.enrols[0].first_due.has_value());
  EXPECT_TRUE(HasNote(d, "cannot be scheduled")) << Notes(d);
}

struct ReEntryCase {
  std::string name;
  ReEntry mode;
  std::optional<EnrolmentState> existing;
  Seconds enrolled_ago;
  bool enrols;
  bool restart;
};

class SequenceDecisionReEntry : public SequenceDecisionTest,
                                public ::testing::WithParamInterface<ReEntryCase> {};

TEST_P(SequenceDecisionReEntry, FollowsTheSequencesReEntryMode) {
  const ReEntryCase& c = GetParam();
  SequenceDefinition canon = CanonDefinition();
  canon.re_entry = c.mode;
  canon.re_entry_after = Seconds(30 * 86400);
  sequences_ = Compile({canon});
  if (c.existing) state_.Enrol(kKari, kCanon, *c.existing, kNow - c.enrolled_ago);
  SequenceDecision d = Decide(LeadMail());
  ASSERT_EQ(d.enrols.size(), c.enrols ? 1u : 0u) << Notes(d);
  if (c.enrols) {
    EXPECT_EQ(d.enrols[0].restart, c.restart);
  } else {
    EXPECT_TRUE(HasNote(d, "not enrolled in canon-eos-5d")) << Notes(d);
  }
}

constexpr Seconds kDays(int n) { return Seconds(n * 86400); }

INSTANTIATE_TEST_SUITE_P(
    Modes, SequenceDecisionReEntry,
    ::testing::Values(ReEntryCase{"NewPersonEnrols", ReEntry::kIgnore, std::nullopt, kDays(0), true,
                                  false},
                      ReEntryCase{"IgnoreWhileActive", ReEntry::kIgnore, EnrolmentState::kActive,
                                  kDays(99), false, false},
                      ReEntryCase{"IgnoreAfterCompleting", ReEntry::kIgnore,
                                  EnrolmentState::kCompleted, kDays(99), false, false},
                      ReEntryCase{"IgnoreAfterLeaving", ReEntry::kIgnore, EnrolmentState::kLeft,
                                  kDays(99), false, false},
                      ReEntryCase{"RestartWhileActive", ReEntry::kRestart, EnrolmentState::kActive,
                                  kDays(1), true, true},
                      ReEntryCase{"RestartAfterLeaving", ReEntry::kRestart, EnrolmentState::kLeft,
                                  kDays(1), true, true},
                      ReEntryCase{"AfterTooEarly", ReEntry::kAfter, EnrolmentState::kActive,
                                  kDays(29), false, false},
                      ReEntryCase{"AfterExactlyDue", ReEntry::kAfter, EnrolmentState::kActive,
                                  kDays(30), true, true},
                      ReEntryCase{"AfterCompletedLongAgo", ReEntry::kAfter,
                                  EnrolmentState::kCompleted, kDays(45), true, true},
                      ReEntryCase{"AfterLeftRecently", ReEntry::kAfter, EnrolmentState::kLeft,
                                  kDays(2), false, false}),
    [](const ::testing::TestParamInfo<ReEntryCase>& info) { return info.param.name; });

TEST_F(SequenceDecisionTest, AMessageThatExitsASequenceDoesNotReEnrolThere) {
  // A sequence whose trigger and purchase exit both match the order mail.
  SequenceDefinition canon = CanonDefinition();
  canon.trigger = Trigger({{"sender", "^orders@"}}, PersonSource::kEnvelopeRecipient);
  canon.re_entry = ReEntry::kRestart;
  canon.exits[0].move_to.clear();
  sequences_ = Compile({canon});
  state_.Enrol(kKari, kCanon, EnrolmentState::kActive, kNow - 5 * 24h);
  SequenceDecision d = Decide(OrderMail());
  EXPECT_EQ(d.exits.size(), 1u);
  EXPECT_TRUE(d.enrols.empty());
}

TEST_F(SequenceDecisionTest, MovedAndTriggeredIntoTheSameSequenceEnrolsOnce) {
  SequenceDefinition accessories = AccessoriesDefinition();
  accessories.trigger = Trigger({{"sender", "^orders@"}}, PersonSource::kEnvelopeRecipient);
  sequences_ = Compile({CanonDefinition(), accessories});
  state_.Enrol(kKari, kCanon, EnrolmentState::kActive, kNow - 5 * 24h);
  SequenceDecision d = Decide(OrderMail());
  ASSERT_EQ(d.enrols.size(), 1u) << Notes(d);
  EXPECT_EQ(d.enrols[0].reason, "moved from canon-eos-5d");
}

TEST_F(SequenceDecisionTest, EmptyStateViewIsSafe) {
  SequenceDecision d =
      DecideSequences(LeadMail(), sequences_, SequenceStateView{}, settings_, kNow);
  EXPECT_EQ(d.enrols.size(), 2u);
}

// --- compiling ---

TEST(CompileSequence, ErrorNamesTheFileAndTheExit) {
  SequenceDefinition canon = CanonDefinition();
  canon.file = "canon-eos-5d.sequence";
  canon.exits[0].trigger.conditions[0].pattern = "([";
  Result<CompiledSequence> compiled = CompileSequence(canon);
  ASSERT_FALSE(compiled.ok());
  EXPECT_NE(compiled.status().message().find("canon-eos-5d.sequence: [exit purchase]"),
            std::string::npos)
      << compiled.status().message();
}

TEST(CompileSequence, CompilesTheTriggerAndEveryTriggerExit) {
  Result<CompiledSequence> compiled = CompileSequence(CanonDefinition());
  ASSERT_TRUE(compiled.ok());
  EXPECT_NE(compiled->trigger, nullptr);
  EXPECT_EQ(compiled->exit_triggers.size(), 1u);
  EXPECT_EQ(compiled->exit_triggers.count("purchase"), 1u);
}

}  // namespace
}  // namespace ar

namespace ar {
namespace {

// A contact form lets anyone choose the name that greets the victim: what
// an enrolment keeps (and templates show) is cleaned and bounded.
TEST_F(SequenceDecisionTest, EnrolmentKeepsCapturedTextOnlyCleaned) {
  Message lead = MakeMessage(
      "www-data@web.shop.example", {"leads+canon-eos-5d@shop.example"},
      {{"Reply-To", "\"Win at https://evil.example/prize \" <Kari@Example.no>"},
       {"Message-ID", "<lead-evil@web.shop.example>"}});
  auto canon = [](const SequenceDecision& d) {
    for (const EnrolAction& e : d.enrols) {
      if (e.sequence == kCanon) return e;
    }
    return EnrolAction{};
  };
  settings_.capture.max_length = 10;
  SequenceDecision d = Decide(lead);
  EXPECT_EQ(canon(d).display_name, "Win at") << Notes(d);
  EXPECT_EQ(canon(d).variables["recipient_detail"], "canon-eos-");

  settings_.capture = CaptureLimits{};
  settings_.capture.allow_urls = true;
  d = Decide(lead);
  EXPECT_EQ(canon(d).display_name, "Win at https://evil.example/prize") << Notes(d);
}

// The trail (core/decision_trail.h): each sequence's trigger with its
// outcome and every note; the decision is the same with or without it.
TEST_F(SequenceDecisionTest, TrailNamesEachTriggerAndTheEnrolment) {
  RecordedTrail trail;
  const SequenceDecision traced =
      DecideSequences(LeadMail(), sequences_, state_.View(), settings_, kNow, &trail);
  const SequenceDecision plain = Decide(LeadMail());
  const std::vector<std::string> lines = trail.Lines();
  auto has = [&lines](const std::string& text) {
    return std::find(lines.begin(), lines.end(), text) != lines.end();
  };
  EXPECT_TRUE(has("sequences: own mail or automatic reply: pass"))
      << ::testing::PrintToString(lines);
  EXPECT_TRUE(has("sequence canon-eos-5d: trigger: pass (matched kari@example.no)"));
  EXPECT_TRUE(has("sequence accessories: trigger: stop (no match)"));
  EXPECT_TRUE(has("sequences: kari@example.no: enrolled in canon-eos-5d (trigger)"));
  ASSERT_EQ(traced.enrols.size(), plain.enrols.size());
  for (size_t i = 0; i < plain.enrols.size(); ++i) {
    EXPECT_EQ(traced.enrols[i].sequence, plain.enrols[i].sequence);
    EXPECT_EQ(traced.enrols[i].person, plain.enrols[i].person);
    EXPECT_EQ(traced.enrols[i].first_due, plain.enrols[i].first_due);
  }
  EXPECT_EQ(traced.notes, plain.notes);
  EXPECT_EQ(traced.warnings, plain.warnings);
}

TEST_F(SequenceDecisionTest, TrailShowsWhyOwnMailEnrolsNobody) {
  RecordedTrail trail;
  const SequenceDecision d = DecideSequences(LeadMail({{"X-Autoresponder-Milter", "1"}}),
                                             sequences_, state_.View(), settings_, kNow, &trail);
  EXPECT_TRUE(d.enrols.empty());
  const std::vector<std::string> lines = trail.Lines();
  EXPECT_NE(std::find(lines.begin(), lines.end(),
                      "sequences: own mail or automatic reply: stop (loop marker "
                      "X-Autoresponder-Milter)"),
            lines.end())
      << ::testing::PrintToString(lines);
}

}  // namespace
}  // namespace ar
