#include "web/ooo_request.h"

#include <gtest/gtest.h>

namespace ar {
namespace {

using Json = nlohmann::json;

FieldError ErrorOf(const Json& body, const std::optional<OutOfOfficeRule>& stored = std::nullopt) {
  auto parsed = ParseOooRequest(body, stored, PolicySettings{});
  if (auto* error = std::get_if<FieldError>(&parsed)) return *error;
  ADD_FAILURE() << "accepted: " << body.dump();
  return {};
}

OooRequest Accepted(const Json& body, const std::optional<OutOfOfficeRule>& stored = std::nullopt) {
  auto parsed = ParseOooRequest(body, stored, PolicySettings{});
  if (auto* error = std::get_if<FieldError>(&parsed)) {
    ADD_FAILURE() << error->field << ": " << error->message;
    return {};
  }
  return std::get<OooRequest>(parsed);
}

OutOfOfficeRule Stored() {
  OutOfOfficeRule rule;
  rule.address = "ola@example.org";
  rule.aliases = {"ola.nordmann@example.org"};
  rule.text_body = "Away.";
  rule.time_zone = "Europe/Oslo";
  return rule;
}

TEST(OooRequest, ReadsEveryFieldInTheGivenZone) {
  OooRequest request = Accepted({{"text", "Away until Monday."},
                                 {"html", "<p>Away until <b>Monday</b>.</p>"},
                                 {"internal_text", "Call me."},
                                 {"subject", "Away"},
                                 {"name", "Ola Nordmann"},
                                 {"time_zone", "Europe/Oslo"},
                                 {"start", "2026-12-20"},
                                 {"end", "2026-12-27"},
                                 {"period", "3d"},
                                 {"external_senders", "none"},
                                 {"enabled", true}});
  EXPECT_EQ(*request.edits.text_body, "Away until Monday.");
  EXPECT_EQ(*request.edits.time_zone, "Europe/Oslo");
  // 2026-12-20 00:00 in Oslo (UTC+1) is 2026-12-19 23:00 UTC.
  EXPECT_EQ(FormatIsoUtc(**request.edits.start), "2026-12-19T23:00:00Z");
  // A date-only end means through that day.
  EXPECT_EQ(FormatIsoUtc(**request.edits.end), "2026-12-27T23:00:00Z");
  EXPECT_EQ(request.edits.period->count(), 3 * 86400);
  EXPECT_EQ(*request.edits.reply_to_external, false);
  EXPECT_EQ(*request.enabled, true);
}

TEST(OooRequest, NullRemovesOptionalPartsAndBounds) {
  OooRequest request =
      Accepted({{"html", nullptr}, {"start", nullptr}, {"end", ""}}, Stored());
  EXPECT_EQ(*request.edits.html_body, "");
  EXPECT_FALSE(request.edits.start->has_value());
  EXPECT_FALSE(request.edits.end->has_value());
}

TEST(OooRequest, BadDatesNameTheirField) {
  EXPECT_EQ(ErrorOf({{"text", "x"}, {"start", "2026-13-40"}}).field, "start");
  EXPECT_EQ(ErrorOf({{"text", "x"}, {"end", "next tuesday"}}).field, "end");
  EXPECT_EQ(ErrorOf({{"text", "x"}, {"start", 20261220}}).field, "start");
  EXPECT_EQ(ErrorOf({{"text", "x"}, {"start", "2026-12-20"}, {"end", "2026-12-19"}}).field, "end");
  EXPECT_EQ(ErrorOf({{"text", "x"}, {"time_zone", "Europe/Atlantis"}}).field, "time_zone");
}

TEST(OooRequest, EndBeforeTheStoredStartIsRefused) {
  OutOfOfficeRule stored = Stored();
  stored.start = FromUnixSeconds(1'900'000'000);
  EXPECT_EQ(ErrorOf({{"end", "2026-01-01"}}, stored).field, "end");
}

TEST(OooRequest, PeriodOutsideTheConfiguredBoundsIsRefusedNotClamped) {
  // PolicySettings{}: period_min 1d, period_max 30d.
  EXPECT_EQ(ErrorOf({{"text", "x"}, {"period", "1h"}}).field, "period");
  EXPECT_EQ(ErrorOf({{"text", "x"}, {"period", "31d"}}).field, "period");
  EXPECT_EQ(ErrorOf({{"text", "x"}, {"period_seconds", 60}}).field, "period_seconds");
  EXPECT_EQ(ErrorOf({{"text", "x"}, {"period", "soon"}}).field, "period");
  EXPECT_EQ(Accepted({{"text", "x"}, {"period_seconds", 86400}}).edits.period->count(), 86400);
}

TEST(OooRequest, HtmlWithScriptIsRefused) {
  FieldError error = ErrorOf({{"text", "x"}, {"html", "<p>x</p><script>alert(1)</script>"}});
  EXPECT_EQ(error.field, "html");
  EXPECT_NE(error.message.find("script"), std::string::npos) << error.message;
  EXPECT_EQ(ErrorOf({{"text", "x"}, {"html", "<img src=x onerror=alert(1)>"}}).field, "html");
}

TEST(OooRequest, TextsMustBeUsable) {
  EXPECT_EQ(ErrorOf(Json::object()).field, "text");  // a new reply needs a text
  EXPECT_EQ(ErrorOf({{"text", "   "}}).field, "text");
  EXPECT_EQ(ErrorOf({{"text", nullptr}}, Stored()).field, "text");
  EXPECT_EQ(ErrorOf({{"text", "x"}, {"subject", "a\r\nBcc: victim@example.net"}}).field,
            "subject");
  EXPECT_EQ(ErrorOf({{"text", "x"}, {"name", "a\nb"}}).field, "name");
  EXPECT_EQ(ErrorOf({{"text", "\xff\xfe"}}).field, "text");
  EXPECT_EQ(ErrorOf({{"text", std::string(kMaxWebBodyBytes + 1, 'a')}}).field, "text");
}

TEST(OooRequest, UnknownFieldsAndWrongTypesAreNamed) {
  EXPECT_EQ(ErrorOf({{"text", "x"}, {"colour", "red"}}).field, "colour");
  EXPECT_EQ(ErrorOf({{"text", "x"}, {"enabled", "yes"}}).field, "enabled");
  EXPECT_EQ(ErrorOf({{"text", "x"}, {"external_senders", "some"}}).field, "external_senders");
  EXPECT_EQ(ErrorOf(Json::array()).field, "");
}

TEST(OooRequest, AliasesAreTheAdministratorsButMayBeSentBackUnchanged) {
  EXPECT_EQ(ErrorOf({{"aliases", {"boss@example.org"}}}, Stored()).field, "aliases");
  Accepted({{"aliases", {"ola.nordmann@example.org"}}, {"address", "ola@example.org"},
            {"generation", 3}},
           Stored());
}

}  // namespace
}  // namespace ar
