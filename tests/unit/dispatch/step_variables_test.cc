#include "dispatch/step_variables.h"

#include <gtest/gtest.h>

#include "compose/sequence_composer.h"
#include "sequence/tokens.h"

namespace ar {
namespace {

const std::string kKey = "0123456789abcdef-test-key";

SequenceDefinition Definition() {
  SequenceDefinition def;
  def.name = "camera";
  def.time_zone = "Europe/Oslo";
  def.from = "Nettbutikken <shop@Shop.Example>";
  def.coupon_format = "CAM-XXXX-XXXX";
  StepSpec info;
  info.name = "info";
  def.steps.push_back(info);
  return def;
}

Enrolment Person() {
  Enrolment e;
  e.person = "ola@example.net";
  e.display_name = "  Ola Nordmann ";
  e.sequence = "camera";
  e.enrolled_at = FromUnixSeconds(1767221999);  // 2025-12-31T22:59:59Z = 23:59:59 in Oslo
  e.variables = {{"model", "EOS 5D"}, {"coupon", "FORGED"}, {"email", "evil@example.com"}};
  return e;
}

TEST(StepAddresses, UseThePersonTokenAtTheFromDomain) {
  StepAddressSettings settings;
  settings.secret_key = kKey;
  settings.unsubscribe_url = "https://shop.example/u/{token}?again={token}";
  auto addresses = MakeStepAddresses(Definition(), "ola@example.net", settings);
  ASSERT_TRUE(addresses.ok()) << addresses.status().ToString();
  const std::string token = PersonToken(kKey, "ola@example.net");
  EXPECT_EQ(addresses->token, token);
  EXPECT_EQ(addresses->envelope_sender, TaggedAddress("bounces", token, "shop.example"));
  EXPECT_EQ(addresses->unsubscribe_mailto, TaggedAddress("unsubscribe", token, "shop.example"));
  EXPECT_EQ(TokenFromTaggedAddress(addresses->envelope_sender, "bounces"), token);
  EXPECT_EQ(addresses->unsubscribe_url, "https://shop.example/u/" + token + "?again=" + token);
}

TEST(StepAddresses, ConfiguredLocalPartsAreUsed) {
  StepAddressSettings settings;
  settings.secret_key = kKey;
  settings.bounce_local_part = "return";
  settings.unsubscribe_local_part = "leave";
  auto addresses = MakeStepAddresses(Definition(), "ola@example.net", settings);
  ASSERT_TRUE(addresses.ok());
  EXPECT_EQ(TokenFromTaggedAddress(addresses->envelope_sender, "return"), addresses->token);
  EXPECT_EQ(TokenFromTaggedAddress(addresses->unsubscribe_mailto, "leave"), addresses->token);
  EXPECT_EQ(addresses->unsubscribe_url, "");
}

TEST(StepAddresses, RefuseAMissingKeyOrFromDomain) {
  StepAddressSettings settings;
  EXPECT_FALSE(MakeStepAddresses(Definition(), "ola@example.net", settings).ok());
  settings.secret_key = kKey;
  SequenceDefinition no_domain = Definition();
  no_domain.from = "Shop";
  EXPECT_FALSE(MakeStepAddresses(no_domain, "ola@example.net", settings).ok());
}

TEST(StepVariables, BuiltInsWinOverCapturedValues) {
  StepAddresses addresses;
  addresses.unsubscribe_mailto = "unsubscribe+T@shop.example";
  const auto vars =
      MakeStepVariables(Definition(), Person(), 0, addresses, kKey, FromUnixSeconds(1767225600));
  EXPECT_EQ(vars.at("model"), "EOS 5D");
  EXPECT_EQ(vars.at("email"), "ola@example.net");
  EXPECT_EQ(vars.at("name"), "  Ola Nordmann ");
  EXPECT_EQ(vars.at("first_name"), "Ola");
  EXPECT_EQ(vars.at("coupon"), Coupon(kKey, "ola@example.net", "camera", "info", "CAM-XXXX-XXXX"));
  EXPECT_NE(vars.at("coupon"), "FORGED");
  EXPECT_EQ(vars.at("unsubscribe_mailto"), "unsubscribe+T@shop.example");
  EXPECT_EQ(vars.at("unsubscribe_url"), "");
}

TEST(StepVariables, DatesAreLocalToTheSequenceZone) {
  const auto vars = MakeStepVariables(Definition(), Person(), 0, StepAddresses{}, kKey,
                                      FromUnixSeconds(1767225600));  // 01:00 in Oslo
  EXPECT_EQ(vars.at("enrolled_date"), "2025-12-31");
  EXPECT_EQ(vars.at("today"), "2026-01-01");
}

TEST(FirstName, IsTheFirstWord) {
  EXPECT_EQ(FirstName("Åse Marie Ødegård"), "Åse");
  EXPECT_EQ(FirstName(""), "");
  EXPECT_EQ(FirstName("Cher"), "Cher");
}

}  // namespace
}  // namespace ar

namespace ar {
namespace {

// Every step of the shipped example sequences renders and composes.
TEST(ShippedSequences, EveryStepComposes) {
  auto loaded = LoadSequenceDirectory(std::string(AR_SOURCE_DIR) + "/conf/sequences");
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  ASSERT_FALSE(loaded->empty());
  StepAddressSettings settings;
  settings.secret_key = kKey;
  settings.unsubscribe_url = "https://shop.example/u/{token}";
  ComposeSettings compose;
  compose.hostname = "mx.shop.example";
  for (const LoadedSequence& sequence : *loaded) {
    const SequenceDefinition& def = sequence.definition;
    Enrolment person = Person();
    person.sequence = def.name;
    auto addresses = MakeStepAddresses(def, person.person, settings);
    ASSERT_TRUE(addresses.ok()) << def.name << ": " << addresses.status().ToString();
    for (size_t i = 0; i < def.steps.size(); ++i) {
      auto step_template = ParseStepTemplate(def.steps[i].template_name, sequence.source);
      ASSERT_TRUE(step_template.ok()) << def.name << ": " << step_template.status().ToString();
      StepMessageInput input;
      input.person = person.person;
      input.display_name = "Ola Nordmann";
      input.sequence = def.name;
      input.version = def.version;
      input.step = static_cast<uint32_t>(i);
      input.list_id = def.list_id;
      input.from = def.from;
      input.step_template = *step_template;
      input.variables = MakeStepVariables(def, person, i, *addresses, kKey, person.enrolled_at);
      input.unsubscribe_mailto = addresses->unsubscribe_mailto;
      input.unsubscribe_url = addresses->unsubscribe_url;
      input.now = person.enrolled_at;
      input.enrolled_at = person.enrolled_at;
      auto composed = ComposeStepMessage(input, compose);
      EXPECT_TRUE(composed.ok()) << def.name << " step " << def.steps[i].name << ": "
                                 << composed.status().ToString();
    }
  }
}

}  // namespace
}  // namespace ar
