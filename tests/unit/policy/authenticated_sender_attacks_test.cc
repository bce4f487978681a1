// require_authenticated_sender against the ways a reply could be steered to
// someone who never wrote: forged fields carrying our authserv-id, a forged
// pass below our own fail, and passes for some other domain than the
// envelope sender's (the address the reply goes to).
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "message/message.h"
#include "policy/authentication_results.h"
#include "policy/policy_settings.h"

namespace ar {
namespace {

Message MessageFrom(const std::string& sender,
                    const std::vector<std::pair<std::string, std::string>>& headers) {
  Envelope envelope;
  envelope.sender = sender;
  envelope.recipients = {"ole@example.org"};
  Message message(std::move(envelope));
  for (const auto& [name, value] : headers) message.AddHeader(name, value);
  return message;
}

PolicySettings RequiringAuthentication() {
  PolicySettings settings;
  settings.require_authenticated_sender = true;
  settings.trusted_authserv_id = "mx.example.org";
  return settings;
}

// Each attack would make us answer a victim who never wrote, turning the
// responder into a reflector.
bool Authenticated(const std::string& sender,
                   const std::vector<std::pair<std::string, std::string>>& headers) {
  return !FindAuthenticationVerdict(MessageFrom(sender, headers), RequiringAuthentication())
              .has_value();
}

TEST(AuthenticatedSender, IgnoresForgedTrustedFieldBelowOurs) {
  EXPECT_FALSE(Authenticated(
      "victim@victim.example",
      {{"Authentication-Results", "mx.example.org; spf=softfail smtp.mailfrom=victim.example"},
       {"Received", "from attacker.example by mx.example.org"},
       {"Authentication-Results", "mx.example.org; spf=pass smtp.mailfrom=victim.example"},
       {"From", "victim@victim.example"}}));
}

TEST(AuthenticatedSender, IgnoresTrustedFieldBelowSomeoneElses) {
  EXPECT_FALSE(Authenticated(
      "victim@victim.example",
      {{"Received", "from attacker.example by mx.example.org"},
       {"Authentication-Results", "relay.attacker.example; spf=pass smtp.mailfrom=victim.example"},
       {"Authentication-Results", "mx.example.org; spf=pass smtp.mailfrom=victim.example"},
       {"From", "victim@victim.example"}}));
}

TEST(AuthenticatedSender, ForgedPassBelowRealFailStaysAFail) {
  EXPECT_FALSE(Authenticated(
      "victim@victim.example",
      {{"Authentication-Results", "mx.example.org; spf=fail smtp.mailfrom=victim.example"},
       {"Authentication-Results", "mx.example.org; spf=pass smtp.mailfrom=victim.example"},
       {"From", "victim@victim.example"}}));
  EXPECT_FALSE(Authenticated(
      "victim@victim.example",
      {{"Authentication-Results", "mx.example.org; dkim=fail header.d=victim.example"},
       {"Authentication-Results", "mx.example.org; dkim=pass header.d=victim.example"},
       {"From", "victim@victim.example"}}));
}

TEST(AuthenticatedSender, AttackersOwnDkimPassDoesNotVouchForVictimEnvelopeSender) {
  EXPECT_FALSE(Authenticated("victim@victim.example",
                             {{"Authentication-Results",
                               "mx.example.org; spf=fail smtp.mailfrom=victim.example; dkim=pass "
                               "header.d=attacker.example"},
                              {"From", "someone@attacker.example"}}));
}

TEST(AuthenticatedSender, DkimAlignedWithFromButNotEnvelopeSenderIsNoPass) {
  EXPECT_FALSE(Authenticated(
      "victim@victim.example",
      {{"Authentication-Results",
        "mx.example.org; spf=none smtp.mailfrom=victim.example; dkim=pass header.d=example.com"},
       {"From", "bob@example.com"}}));
}

TEST(AuthenticatedSender, SpfPassForAnotherDomainIsNoPass) {
  EXPECT_FALSE(Authenticated(
      "victim@victim.example",
      {{"Authentication-Results", "mx.example.org; spf=pass smtp.mailfrom=example.com"},
       {"From", "bob@example.com"}}));
}

TEST(AuthenticatedSender, NullSenderNeverPasses) {
  EXPECT_FALSE(Authenticated(
      "", {{"Authentication-Results", "mx.example.org; spf=pass smtp.mailfrom=example.com"},
           {"From", "bob@example.com"}}));
}

TEST(AuthenticatedSender, IdSpelledWithQuotedPairsIsNotOurs) {
  EXPECT_FALSE(Authenticated(
      "bob@example.com",
      {{"Authentication-Results", "\"mx.ex\\ample.org\"; spf=pass smtp.mailfrom=example.com"},
       {"From", "bob@example.com"}}));
}

TEST(AuthenticatedSender, AcceptsOurPassAboveAnythingFromOutside) {
  Message message = MessageFrom(
      "bob@example.com",
      {{"Authentication-Results", "mx.example.org; spf=pass smtp.mailfrom=bob@example.com"},
       {"Received", "from mx.example.com by mx.example.org"},
       {"Authentication-Results", "mx.example.org; dkim=none"},
       {"Authentication-Results", "mx.example.com; spf=fail smtp.mailfrom=example.com"},
       {"From", "Someone Else <someone@elsewhere.example>"}});
  EXPECT_FALSE(FindAuthenticationVerdict(message, RequiringAuthentication()).has_value());
}

}  // namespace
}  // namespace ar
