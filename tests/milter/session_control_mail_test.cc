// Session with sequences on: which unsubscribe+/bounces+ recipients are
// consumed, when a message is discarded, and when the body is read. Driven
// as libmilter would drive it, against a real Store and a ManualClock.
#include <gtest/gtest.h>

#include <cctype>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/logger.h"
#include "milter/session.h"
#include "sequence/tokens.h"
#include "store/store.h"
#include "tests/support/session_fixture.h"

namespace ar {
namespace {

constexpr char kKey[] = "session-control-mail-test-key";
constexpr char kKari[] = "kari@example.no";
constexpr char kDsnType[] = "multipart/report; report-type=delivery-status; boundary=\"b\"";
constexpr char kDsnBody[] =
    "--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.no\r\n"
    "\r\nFinal-Recipient: rfc822; kari@example.no\r\nAction: failed\r\nStatus: 5.1.1\r\n--b--\r\n";

// One sequence from shop@shop.example; mail to signup@shop.example enrols
// its envelope sender (and registers their token).
std::shared_ptr<MessageSettings> SignupSettings() {
  return testing::SequenceSettings({testing::ShopSequence("signup", "^signup@shop\\.example$",
                                                          PersonSource::kEnvelopeSender)},
                                   kKey);
}

class SessionControlMailTest : public testing::SessionFixture {
 protected:
  void SetUp() override {
    SessionFixture::SetUp();
    StartService(SignupSettings());
  }

  Delivered Deliver(const std::string& sender, const std::vector<std::string>& rcpts,
                    const testing::HeaderList& headers, const std::string& body = "") {
    return DeliverMessage(sender, rcpts, headers, body, "4Qc1");
  }

  void SignUpKari() {
    Deliver(kKari, {"signup@shop.example"}, {{"From", kKari}, {"Subject", "Sign me up"}});
    ASSERT_TRUE(logger_.Contains("kari@example.no: enrolled in signup"));
  }

  bool Suppressed(const std::string& person) {
    auto s = store_->sequences().GetSuppression(person);
    return s.ok() && s->has_value();
  }

  std::string Unsubscribe() const {
    return TaggedAddress("unsubscribe", PersonToken(kKey, kKari), "shop.example");
  }
  std::string Verp() const {
    return TaggedAddress("bounces", PersonToken(kKey, kKari), "shop.example");
  }
};

TEST_F(SessionControlMailTest, ValidUnsubscribeAtOurDomainIsConsumedAndSuppresses) {
  SignUpKari();
  Delivered d = Deliver(kKari, {Unsubscribe()}, {{"From", kKari}, {"Subject", "unsubscribe"}});
  EXPECT_EQ(d.end.verdict, Verdict::kDiscard);
  EXPECT_EQ(d.end.remove_recipients, std::vector<std::string>{Unsubscribe()});
  EXPECT_TRUE(Suppressed(kKari));
}

TEST_F(SessionControlMailTest, ValidUnsubscribeWithACopyRemovesOnlyTheControlRecipient) {
  SignUpKari();
  Delivered d = Deliver(kKari, {Unsubscribe(), "help@shop.example"}, {{"From", kKari}});
  EXPECT_EQ(d.end.verdict, Verdict::kContinue);
  EXPECT_EQ(d.end.remove_recipients, std::vector<std::string>{Unsubscribe()});
}

// Someone else's list unsubscribe address and a SendGrid-style VERP return
// path: ordinary mail, neither consumed nor discarded nor body-read.
TEST_F(SessionControlMailTest, ControlAddressesAtOtherDomainsAreDelivered) {
  SignUpKari();
  for (const std::string& rcpt :
       {std::string("unsubscribe+abc123@lists.other.test"),
        std::string("bounces+1234567-abcd@em.sendgrid.test"),
        TaggedAddress("bounces", PersonToken(kKey, kKari), "em.sendgrid.test")}) {
    Delivered d = Deliver("", {rcpt}, {{"From", "MAILER-DAEMON@mx.example.no"},
                                       {"Content-Type", kDsnType}},
                          kDsnBody);
    EXPECT_EQ(d.end.verdict, Verdict::kContinue) << rcpt;
    EXPECT_TRUE(d.end.remove_recipients.empty()) << rcpt;
    EXPECT_FALSE(d.wanted_body) << rcpt;
  }
  EXPECT_FALSE(Suppressed(kKari));
}

TEST_F(SessionControlMailTest, UnverifiableTokenAtOurDomainIsDeliveredWithAWarning) {
  for (const std::string& rcpt : {std::string("unsubscribe+AAAAAAAAAAAAAAAA@shop.example"),
                                  std::string("unsubscribe+abc123@shop.example"),
                                  std::string("bounces+AAAAAAAAAAAAAAAA@shop.example")}) {
    Delivered d = Deliver(kKari, {rcpt}, {{"From", kKari}});
    EXPECT_EQ(d.end.verdict, Verdict::kContinue) << rcpt;
    EXPECT_TRUE(d.end.remove_recipients.empty()) << rcpt;
    EXPECT_TRUE(logger_.Contains("warning: 4Qc1: invalid")) << rcpt;
    EXPECT_TRUE(logger_.Contains("<" + rcpt + ">; delivered as ordinary mail")) << rcpt;
  }
}

TEST_F(SessionControlMailTest, DsnToOurVerpAddressIsReadConsumedAndSuppresses) {
  SignUpKari();
  Delivered d = Deliver("", {Verp()}, {{"From", "MAILER-DAEMON@mx.example.no"},
                                       {"Content-Type", kDsnType}},
                        kDsnBody);
  EXPECT_TRUE(d.wanted_body);
  EXPECT_EQ(d.end.verdict, Verdict::kDiscard);
  EXPECT_TRUE(Suppressed(kKari));
}

// Past the recipient cap the session keeps counting: the consumed control
// recipient is removed, but the recipients it did not keep are real ones,
// so the message must not be discarded.
TEST_F(SessionControlMailTest, NoDiscardWhenRecipientsWereDroppedPastTheCap) {
  SignUpKari();
  // kMaxRecipients spellings of Kari's unsubscribe address (the case of its
  // letters varied), all valid and consumed; the real recipient comes after.
  const std::string control = Unsubscribe();
  std::vector<size_t> letters;
  for (size_t i = 0; i < control.size(); ++i) {
    if (std::islower(static_cast<unsigned char>(control[i]))) letters.push_back(i);
  }
  ASSERT_GE(letters.size(), 14u);
  std::vector<std::string> rcpts;
  for (size_t n = 0; n < Session::kMaxRecipients; ++n) {
    std::string spelling = control;
    for (size_t bit = 0; bit < letters.size() && bit < 20; ++bit) {
      if ((n >> bit) & 1u) {
        spelling[letters[bit]] =
            static_cast<char>(std::toupper(static_cast<unsigned char>(spelling[letters[bit]])));
      }
    }
    rcpts.push_back(spelling);
  }
  rcpts.push_back("help@shop.example");
  Delivered d = Deliver(kKari, rcpts, {{"From", kKari}});
  EXPECT_EQ(d.end.verdict, Verdict::kContinue);
  EXPECT_EQ(d.end.remove_recipients.size(), Session::kMaxRecipients);
}

TEST_F(SessionControlMailTest, NoDiscardWhenARecipientIsNotConsumed) {
  SignUpKari();
  // The same control address twice plus one ordinary: the duplicates must not
  // make up the count of the ordinary one.
  Delivered d = Deliver(kKari, {Unsubscribe(), Unsubscribe(), "help@shop.example"},
                        {{"From", kKari}});
  EXPECT_EQ(d.end.verdict, Verdict::kContinue);
}

}  // namespace
}  // namespace ar

namespace ar {
namespace {

// The signup runtime plus a PX-100 sequence enrolled by the body; bodies
// are read up to 1 KiB.
std::shared_ptr<MessageSettings> BodySettings() {
  std::shared_ptr<MessageSettings> settings = SignupSettings();
  auto runtime = std::make_shared<SequenceRuntime>(*settings->sequences);
  SequenceDefinition d;
  d.name = "px100";
  d.version = "p1";
  d.from = "Shop <shop@shop.example>";
  d.trigger.conditions = {{"sender", "^orders@shop\\.example$"}, {"body", "\\bSKU PX-100\\b"}};
  d.trigger.person = PersonSource::kEnvelopeRecipient;
  StepSpec step;
  step.name = "coupon";
  step.offset = Seconds(5 * 86400);
  step.template_name = "coupon.txt";
  d.steps = {step};
  Result<CompiledSequence> compiled = CompileSequence(d);
  EXPECT_TRUE(compiled.ok()) << compiled.status().ToString();
  if (compiled.ok()) runtime->sequences.push_back(std::move(*compiled));
  runtime->reads_body = d.ReadsBody();
  runtime->body_limit = 1024;
  settings->sequences = runtime;
  return settings;
}

TEST_F(SessionControlMailTest, BodyIsReadOnlyWhenABodyConditionIsLoaded) {
  // Sequences without a body condition: ordinary mail's body is not read.
  Session plain(*service_);
  plain.OnMailFrom("<orders@shop.example>", false);
  plain.OnRecipient("<kari@example.no>");
  EXPECT_FALSE(plain.WantsBody());

  service_->Replace(BodySettings());
  Session session(*service_);
  session.OnMailFrom("<orders@shop.example>", false);
  session.OnRecipient("<kari@example.no>");
  session.OnHeader("Content-Type", "text/plain; charset=koi8-r");
  session.OnHeader("Content-Transfer-Encoding", "base64");
  session.OnHeader("Message-ID", "<order-1@shop.example>");
  EXPECT_TRUE(session.WantsBody());
  // "Ваш заказ: SKU PX-100, цена 99 руб." in KOI8-R, base64.
  session.OnBodyChunk("98HbINrBy8HaOiBTS1UgUFgtMTAwLCDD\r\nxc7BIDk5INLVwi4=\r\n");
  EXPECT_TRUE(session.WantsBody());
  // Kept up to the limit; then no more is wanted (the adapters answer SKIP).
  session.OnBodyChunk(std::string(4096, '\n'));
  EXPECT_FALSE(session.WantsBody());
  session.OnEndOfMessage("4Qc9");
  EXPECT_TRUE(logger_.Contains("kari@example.no: enrolled in px100"));
}

TEST_F(SessionControlMailTest, ABodyConditionPastTheLimitDoesNotMatch) {
  service_->Replace(BodySettings());
  Session session(*service_);
  session.OnMailFrom("<orders@shop.example>", false);
  session.OnRecipient("<ola@example.no>");
  session.OnBodyChunk(std::string(2000, 'x') + " SKU PX-100\r\n");
  EXPECT_FALSE(session.WantsBody());
  session.OnEndOfMessage("4Qd0");
  EXPECT_FALSE(logger_.Contains("ola@example.no: enrolled"));
}

}  // namespace
}  // namespace ar
