#include "sequence/trigger_matcher.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace ar {
namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;
using Variables = std::map<std::string, std::string>;

Message MakeMessage(std::string sender, std::vector<std::string> recipients, const Headers& headers,
                    bool local = false) {
  Envelope envelope;
  envelope.sender = std::move(sender);
  envelope.recipients = std::move(recipients);
  envelope.local_submission = local;
  Message message(std::move(envelope));
  for (const auto& [name, value] : headers) message.AddHeader(name, value);
  return message;
}

TriggerSpec Spec(std::vector<MatchCondition> conditions,
                 PersonSource person = PersonSource::kEnvelopeSender,
                 std::string person_header = "") {
  TriggerSpec spec;
  spec.conditions = std::move(conditions);
  spec.person = person;
  spec.person_header = std::move(person_header);
  return spec;
}

std::shared_ptr<const TriggerMatcher> CompileOrDie(const TriggerSpec& spec) {
  Result<std::shared_ptr<const TriggerMatcher>> matcher = TriggerMatcher::Compile(spec);
  EXPECT_TRUE(matcher.ok()) << matcher.status().ToString();
  return matcher.ok() ? matcher.value() : nullptr;
}

// A contact-form mail as the shop's web server sends it.
Message LeadMail() {
  return MakeMessage("www-data@web.shop.example", {"<Leads+Canon-EOS-5D@Shop.Example>"},
                     {{"From", "Contact form <www-data@web.shop.example>"},
                      {"Reply-To", "\"Kari Nordmann\" <Kari@Example.NO>"},
                      {"Subject", "=?UTF-8?Q?Foresp=C3=B8rsel?= Canon EOS 5D"},
                      {"X-Exam-Date", "2026-06-01"},
                      {"X-Customer", "Ola <ola@example.no>, other@example.no"},
                      {"Message-ID", "<lead-1@web.shop.example>"}});
}

struct FieldCase {
  std::string name;
  MatchCondition condition;
  bool matches;
};

class TriggerMatcherField : public ::testing::TestWithParam<FieldCase> {};

TEST_P(TriggerMatcherField, MatchesTheNamedFieldOnly) {
  const FieldCase& c = GetParam();
  auto matcher = CompileOrDie(Spec({c.condition}));
  ASSERT_NE(matcher, nullptr);
  EXPECT_EQ(matcher->Match(LeadMail()).has_value(), c.matches);
}

INSTANTIATE_TEST_SUITE_P(
    EachFieldKind, TriggerMatcherField,
    ::testing::Values(
        FieldCase{"SenderIsTheEnvelopeSender", {"sender", "^www-data@web\\.shop\\.example$"}, true},
        FieldCase{"SenderIsNotTheFromHeader", {"sender", "^kari@"}, false},
        FieldCase{"RecipientIsNormalisedAndUnbracketed",
                  {"recipient", "^leads\\+canon-eos-5d@shop\\.example$"},
                  true},
        FieldCase{"RecipientMismatch", {"recipient", "^orders@"}, false},
        FieldCase{"FromIsTheHeaderAddress", {"from", "^www-data@web\\.shop\\.example$"}, true},
        FieldCase{"FromIsNotTheDisplayName", {"from", "Contact form"}, false},
        FieldCase{"ReplyToIsNormalised", {"reply-to", "^kari@example\\.no$"}, true},
        FieldCase{"SubjectIsDecoded", {"subject", "^Forespørsel Canon"}, true},
        FieldCase{"SubjectIsNotRaw", {"subject", "=\\?UTF-8"}, false},
        FieldCase{"NamedHeader", {"header:X-Exam-Date", "^\\d{4}-\\d\\d-\\d\\d$"}, true},
        FieldCase{"NamedHeaderNameIsCaseInsensitive", {"Header:x-exam-date", "2026"}, true},
        FieldCase{"MissingHeaderNeverMatches", {"header:X-Nothing", ".*"}, false},
        FieldCase{"FieldNameIsCaseInsensitive", {"SUBJECT", "EOS"}, true}),
    [](const ::testing::TestParamInfo<FieldCase>& info) { return info.param.name; });

TEST(TriggerMatcher, EveryConditionMustMatch) {
  auto both = CompileOrDie(Spec({{"recipient", "^leads\\+"}, {"subject", "Nikon"}}));
  EXPECT_FALSE(both->Match(LeadMail()).has_value());
  auto one = CompileOrDie(Spec({{"recipient", "^leads\\+"}, {"subject", "Canon"}}));
  EXPECT_TRUE(one->Match(LeadMail()).has_value());
}

TEST(TriggerMatcher, NoConditionsMatchesEveryMessage) {
  auto matcher = CompileOrDie(Spec({}));
  EXPECT_TRUE(matcher->Match(LeadMail()).has_value());
}

TEST(TriggerMatcher, RecipientMatchesAnyEnvelopeRecipient) {
  auto matcher = CompileOrDie(
      Spec({{"recipient", "^leads\\+(?P<product>[a-z0-9-]+)@"}}, PersonSource::kEnvelopeRecipient));
  Message message =
      MakeMessage("a@x.example", {"info@shop.example", "leads+camera@shop.example"}, {});
  auto match = matcher->Match(message);
  ASSERT_TRUE(match.has_value());
  EXPECT_EQ(match->person, "leads+camera@shop.example");  // the matched one, not the first
  EXPECT_EQ(match->variables, (Variables{{"product", "camera"}, {"recipient_detail", "camera"}}));
}

TEST(TriggerMatcher, NamedGroupsOfEveryConditionBecomeVariables) {
  auto matcher = CompileOrDie(Spec({{"recipient", "^leads\\+(?P<product>[^@]+)@"},
                                    {"header:X-Exam-Date", "^(?P<exam_date>\\d{4}-\\d\\d-\\d\\d)$"},
                                    {"subject", "(?P<brand>Canon|Nikon)"}}));
  auto match = matcher->Match(LeadMail());
  ASSERT_TRUE(match.has_value());
  EXPECT_EQ(match->variables, (Variables{{"product", "canon-eos-5d"},
                                         {"exam_date", "2026-06-01"},
                                         {"brand", "Canon"},
                                         {"recipient_detail", "canon-eos-5d"}}));
}

TEST(TriggerMatcher, FirstConditionWinsWhenTwoCaptureTheSameName) {
  auto matcher =
      CompileOrDie(Spec({{"subject", "(?P<what>EOS)"}, {"header:X-Exam-Date", "(?P<what>\\d+)"}}));
  auto match = matcher->Match(LeadMail());
  ASSERT_TRUE(match.has_value());
  EXPECT_EQ(match->variables.at("what"), "EOS");
}

TEST(TriggerMatcher, GroupThatTookNoPartSetsNothing) {
  auto matcher = CompileOrDie(Spec({{"subject", "(?P<other>Nikon)?Canon"}}));
  auto match = matcher->Match(LeadMail());
  ASSERT_TRUE(match.has_value());
  EXPECT_EQ(match->variables.count("other"), 0u);
}

TEST(TriggerMatcher, RecipientDetailIsThePartAfterPlus) {
  struct Case {
    std::string recipient;
    std::optional<std::string> detail;
  };
  const std::vector<Case> cases = {
      {"leads+canon-eos-5d@shop.example", "canon-eos-5d"},
      {"Leads+Mixed+Case@Shop.Example", "mixed+case"},  // normalised; first '+' splits
      {"leads@shop.example", std::nullopt},
      {"leads+@shop.example", ""},
  };
  auto matcher = CompileOrDie(Spec({{"recipient", "^leads"}}));
  for (const Case& c : cases) {
    auto match = matcher->Match(MakeMessage("a@x.example", {c.recipient}, {}));
    ASSERT_TRUE(match.has_value()) << c.recipient;
    auto it = match->variables.find("recipient_detail");
    if (c.detail) {
      ASSERT_NE(it, match->variables.end()) << c.recipient;
      EXPECT_EQ(it->second, *c.detail) << c.recipient;
    } else {
      EXPECT_EQ(it, match->variables.end()) << c.recipient;
    }
  }
}

TEST(TriggerMatcher, NoRecipientDetailWithoutARecipientCondition) {
  auto matcher = CompileOrDie(Spec({{"subject", "Canon"}}));
  auto match = matcher->Match(LeadMail());
  ASSERT_TRUE(match.has_value());
  EXPECT_EQ(match->variables.count("recipient_detail"), 0u);
}

TEST(TriggerMatcher, DirectionSelectsSmtpOrLocalMail) {
  struct Case {
    Direction direction;
    bool local;
    bool matches;
  };
  const std::vector<Case> cases = {
      {Direction::kSmtp, false, true}, {Direction::kSmtp, true, false},
      {Direction::kLocal, true, true}, {Direction::kLocal, false, false},
      {Direction::kBoth, true, true},  {Direction::kBoth, false, true},
  };
  for (const Case& c : cases) {
    TriggerSpec spec = Spec({{"recipient", "^leads"}});
    spec.direction = c.direction;
    auto matcher = CompileOrDie(spec);
    Message message = MakeMessage("a@x.example", {"leads@shop.example"}, {}, c.local);
    EXPECT_EQ(matcher->Match(message).has_value(), c.matches)
        << static_cast<int>(c.direction) << " local=" << c.local;
  }
}

struct PersonCase {
  std::string name;
  PersonSource source;
  std::string header;
  std::vector<MatchCondition> conditions;
  std::string person;
  std::string display_name;
};

class TriggerMatcherPerson : public ::testing::TestWithParam<PersonCase> {};

TEST_P(TriggerMatcherPerson, TakesTheAddressFromTheConfiguredSource) {
  const PersonCase& c = GetParam();
  auto matcher = CompileOrDie(Spec(c.conditions, c.source, c.header));
  Message message =
      MakeMessage("Bounce@Web.Shop.Example", {"first@shop.example", "leads+x@shop.example"},
                  {{"From", "=?UTF-8?Q?J=C3=B8rn?= <Jorn@Example.NO>"},
                   {"Reply-To", "Kari <kari@example.no>, Ola <ola@example.no>"},
                   {"X-Customer", "\"Per, Olsen\" <PER@example.no>, x@example.no"}});
  auto match = matcher->Match(message);
  ASSERT_TRUE(match.has_value());
  EXPECT_EQ(match->person, c.person);
  EXPECT_EQ(match->display_name, c.display_name);
}

INSTANTIATE_TEST_SUITE_P(
    EachSource, TriggerMatcherPerson,
    ::testing::Values(
        PersonCase{
            "EnvelopeSender", PersonSource::kEnvelopeSender, "", {}, "bounce@web.shop.example", ""},
        PersonCase{"EnvelopeRecipientIsTheMatchedOne",
                   PersonSource::kEnvelopeRecipient,
                   "",
                   {{"recipient", "^leads\\+"}},
                   "leads+x@shop.example",
                   ""},
        PersonCase{"EnvelopeRecipientWithoutConditionIsTheFirst",
                   PersonSource::kEnvelopeRecipient,
                   "",
                   {},
                   "first@shop.example",
                   ""},
        PersonCase{"FromKeepsTheDecodedDisplayName",
                   PersonSource::kFrom,
                   "",
                   {},
                   "jorn@example.no",
                   "Jørn"},
        PersonCase{
            "ReplyToFirstMailbox", PersonSource::kReplyTo, "", {}, "kari@example.no", "Kari"},
        PersonCase{"NamedHeaderFirstMailbox",
                   PersonSource::kHeader,
                   "X-Customer",
                   {},
                   "per@example.no",
                   "Per, Olsen"}),
    [](const ::testing::TestParamInfo<PersonCase>& info) { return info.param.name; });

TEST(TriggerMatcher, NoMatchWhenThePersonIsMissingOrUnsafe) {
  struct Case {
    std::string name;
    PersonSource source;
    Headers headers;
    std::string sender;
  };
  const std::vector<Case> cases = {
      {"NoReplyTo", PersonSource::kReplyTo, {{"From", "a@x.example"}}, "a@x.example"},
      {"EmptyReplyTo",
       PersonSource::kReplyTo,
       {{"Reply-To", "undisclosed-recipients:;"}},
       "a@x.example"},
      {"NullSender", PersonSource::kEnvelopeSender, {}, ""},
      {"NoDomain", PersonSource::kFrom, {{"From", "Kari <kari>"}}, "a@x.example"},
      {"Backtick", PersonSource::kFrom, {{"From", "<ka`ri@x.example>"}}, "a@x.example"},
      {"MissingHeader", PersonSource::kHeader, {}, "a@x.example"},
  };
  for (const Case& c : cases) {
    auto matcher = CompileOrDie(Spec({}, c.source, "X-Customer"));
    EXPECT_FALSE(
        matcher->Match(MakeMessage(c.sender, {"leads@shop.example"}, c.headers)).has_value())
        << c.name;
  }
}

TEST(TriggerMatcher, CompileErrorNamesFieldAndPattern) {
  auto bad = TriggerMatcher::Compile(Spec({{"subject", "(unclosed", 12}}));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("line 12"), std::string::npos) << bad.status().message();
  EXPECT_NE(bad.status().message().find("subject"), std::string::npos);
  EXPECT_NE(bad.status().message().find("(unclosed"), std::string::npos);
}

TEST(TriggerMatcher, CompileRejectsUnknownFieldsAndEmptyHeaderNames) {
  EXPECT_FALSE(TriggerMatcher::Compile(Spec({{"bodies", "x"}})).ok());
  EXPECT_FALSE(TriggerMatcher::Compile(Spec({{"header:", "x"}})).ok());
  EXPECT_FALSE(TriggerMatcher::Compile(Spec({}, PersonSource::kHeader, "")).ok());
}

}  // namespace
}  // namespace ar

namespace ar {
namespace {

TEST(TriggerMatcher, EnvelopePersonBorrowsTheNameFromTheHeaders) {
  // An order confirmation: the customer is the envelope recipient, and only
  // the To header says what they are called.
  auto matcher = CompileOrDie(Spec({}, PersonSource::kEnvelopeRecipient));
  auto match = matcher->Match(MakeMessage(
      "orders@shop.example", {"<Ole@Example.NET>"},
      {{"From", "Shop <orders@shop.example>"}, {"To", "Ole Hansen <ole@example.net>"}}));
  ASSERT_TRUE(match.has_value());
  EXPECT_EQ(match->person, "ole@example.net");
  EXPECT_EQ(match->display_name, "Ole Hansen");

  auto nameless = matcher->Match(MakeMessage("orders@shop.example", {"ole@example.net"},
                                             {{"To", "Kari <kari@example.net>"}}));
  ASSERT_TRUE(nameless.has_value());
  EXPECT_EQ(nameless->display_name, "");  // another person's name is not borrowed
}

}  // namespace
}  // namespace ar

namespace ar {
namespace {

TEST(TriggerMatcher, BodyConditionsMatchTheDecodedTextAndCapture) {
  auto matcher = CompileOrDie(Spec({{"sender", "^orders@shop\\.example$"},
                                    {"body", "\\bSKU:?\\s*(?P<sku>PX-100)\\b"},
                                    {"body", "(?i)order (?P<order_number>[0-9]+)"}},
                                   PersonSource::kEnvelopeRecipient));
  Message order = MakeMessage("orders@shop.example", {"kari@example.no"}, {});
  order.set_body_text("Order 100301\nSKU: PX-100 x 1\n");
  auto match = matcher->Match(order);
  ASSERT_TRUE(match.has_value());
  EXPECT_EQ(match->variables, (Variables{{"sku", "PX-100"}, {"order_number", "100301"}}));

  Message other = MakeMessage("orders@shop.example", {"kari@example.no"}, {});
  other.set_body_text("Order 100302\nSKU PX-1000\n");
  EXPECT_FALSE(matcher->Match(other).has_value());
  // A body that was not read is empty: a body condition never matches it.
  EXPECT_FALSE(
      matcher->Match(MakeMessage("orders@shop.example", {"kari@example.no"}, {})).has_value());
}

}  // namespace
}  // namespace ar
