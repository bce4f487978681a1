// Session with a contact-form sequence guarded by the abuse controls: the
// client and authenticated conditions read the MTA's macros as the engines
// pass them (SmtpClient), and enrol_source_limit stops a flood of forged
// forms from one client after the limit, with a warning and a counter.
// Driven as the engines drive it, against a real Store and a ManualClock.
#include <gtest/gtest.h>

#include <string>

#include "core/clock.h"
#include "core/logger.h"
#include "metrics/counters.h"
#include "milter/session.h"
#include "store/store.h"
#include "tests/support/session_fixture.h"

namespace ar {
namespace {

// leads@shop.example enrols the Reply-To person, but only for mail from the
// web server (192.0.2.80) or with SMTP AUTH, at most 3 per source per hour.
std::shared_ptr<MessageSettings> FormSettings() {
  SequenceDefinition d =
      testing::ShopSequence("form", "^leads@shop\\.example$", PersonSource::kReplyTo);
  d.trigger.clients = *ParseIpNetworkList("192.0.2.80, 2001:db8:80::/48");
  d.enrol_source_limit = {3, Seconds(3600)};
  SequenceDefinition members =
      testing::ShopSequence("members", "^members@shop\\.example$", PersonSource::kReplyTo);
  members.trigger.require_authenticated = true;
  return testing::SequenceSettings({d, members}, "session-enrol-limits-test-key");
}

class SessionEnrolLimitsTest : public testing::SessionFixture {
 protected:
  void SetUp() override {
    SessionFixture::SetUp();
    StartService(FormSettings());
  }

  EndOfMessage Form(const std::string& visitor, const SmtpClient& client,
                    const std::string& to = "leads@shop.example") {
    Session session(*service_);
    session.OnMailFrom("<www-data@web.shop.example>", client);
    session.OnRecipient("<" + to + ">");
    session.OnHeader("From", "Contact form <www-data@web.shop.example>");
    session.OnHeader("Reply-To", visitor);
    session.OnHeader("Message-ID", "<form-" + std::to_string(++forms_) + "@web.shop.example>");
    return session.OnEndOfMessage("4Qform");
  }
  static SmtpClient From(const std::string& address, const std::string& login = "") {
    SmtpClient client;
    client.address = address;
    client.authenticated_user = login;
    return client;
  }
  bool Enrolled(const std::string& person, const std::string& sequence = "form") {
    return SessionFixture::Enrolled(person, sequence);
  }
  static std::string Victim(int i) { return "victim" + std::to_string(i) + "@example.org"; }

  int forms_ = 0;
};

TEST_F(SessionEnrolLimitsTest, AFloodFromOneClientEnrolsOnlyTheLimitAndIsDelivered) {
  for (int i = 0; i < 10; ++i) {
    EndOfMessage end = Form(Victim(i), From("192.0.2.80"));
    EXPECT_EQ(end.verdict, Verdict::kContinue) << i;  // the mail itself goes on
    EXPECT_TRUE(end.remove_recipients.empty()) << i;
  }
  for (int i = 0; i < 10; ++i) EXPECT_EQ(Enrolled(Victim(i)), i < 3) << i;
  EXPECT_TRUE(logger_.Contains(
      "4Qform: victim3@example.org: not enrolled in form: enrol_source_limit 3/1h reached for "
      "client 192.0.2.80"));
  EXPECT_FALSE(logger_.Contains("victim3@example.org: enrolled in form"));
  const CounterSnapshot snapshot = counters_.Snapshot();
  // The client's window fills first; the sender's (www-data, the same for
  // every form) holds 3 as well but is looked at second.
  EXPECT_EQ(snapshot.rate_limited.at({"form", "client"}), 7u);
  EXPECT_EQ(snapshot.rate_limited.count({"form", "sender"}), 0u);

  // An hour later the window has passed.
  clock_.Advance(Seconds(3600));
  Form(Victim(20), From("192.0.2.80"));
  EXPECT_TRUE(Enrolled(Victim(20)));
}

TEST_F(SessionEnrolLimitsTest, ClientConditionIgnoresMailFromElsewhere) {
  Form(Victim(1), From("203.0.113.9"));
  Form(Victim(2), From(""));
  Form(Victim(3), From("IPv6:2001:db8:80:1::5"));
  EXPECT_FALSE(Enrolled(Victim(1)));
  EXPECT_FALSE(Enrolled(Victim(2)));
  EXPECT_TRUE(Enrolled(Victim(3)));
}

TEST_F(SessionEnrolLimitsTest, AuthenticatedConditionNeedsAnSmtpAuthLogin) {
  Form(Victim(1), From("203.0.113.9"), "members@shop.example");
  Form(Victim(2), From("203.0.113.9", "webform"), "members@shop.example");
  EXPECT_FALSE(Enrolled(Victim(1), "members"));
  EXPECT_TRUE(Enrolled(Victim(2), "members"));
}

TEST_F(SessionEnrolLimitsTest, IPv6ClientsCountPerSlash64) {
  for (int i = 0; i < 4; ++i) {
    Form(Victim(i), From("2001:db8:80:1::" + std::to_string(i + 1)));
  }
  EXPECT_TRUE(Enrolled(Victim(2)));
  EXPECT_FALSE(Enrolled(Victim(3)));  // the fourth address of the same /64
  EXPECT_TRUE(logger_.Contains("for client 2001:db8:80:1::/64"));
}

}  // namespace
}  // namespace ar
