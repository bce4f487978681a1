#include "ctl/when_parser.h"

#include <gtest/gtest.h>

#include <string>

namespace ar {
namespace {

// Parses in the named zone and renders the instant in UTC, or "error".
std::string At(const std::string& zone_name, const std::string& text,
               WhenRole role = WhenRole::kStart) {
  auto zone = LookupTimeZone(zone_name);
  if (!zone.ok()) return "no zone";
  auto when = ParseWhen(text, *zone, role);
  return when.ok() ? FormatIsoUtc(*when) : "error";
}

TEST(WhenParser, DateOnlyStartIsMidnightInTheZone) {
  EXPECT_EQ(At("Europe/Oslo", "2026-12-20"), "2026-12-19T23:00:00Z");
  EXPECT_EQ(At("Europe/Moscow", "2026-12-20"), "2026-12-19T21:00:00Z");
  EXPECT_EQ(At("America/New_York", "2026-12-20"), "2026-12-20T05:00:00Z");
  EXPECT_EQ(At("", "2026-12-20"), "2026-12-20T00:00:00Z");
}

TEST(WhenParser, DateOnlyEndLastsThroughThatDay) {
  EXPECT_EQ(At("Europe/Oslo", "2026-12-20", WhenRole::kEnd), "2026-12-20T23:00:00Z");
  EXPECT_EQ(At("Europe/Moscow", "2026-12-31", WhenRole::kEnd), "2026-12-31T21:00:00Z");
  EXPECT_EQ(At("UTC", "2026-02-28", WhenRole::kEnd), "2026-03-01T00:00:00Z");
}

TEST(WhenParser, LocalTimeFollowsSummerAndWinterOffsets) {
  EXPECT_EQ(At("Europe/Oslo", "2026-07-01T08:30"), "2026-07-01T06:30:00Z");
  EXPECT_EQ(At("Europe/Oslo", "2026-01-15T08:30"), "2026-01-15T07:30:00Z");
  EXPECT_EQ(At("America/New_York", "2026-07-01T08:30"), "2026-07-01T12:30:00Z");
  EXPECT_EQ(At("America/New_York", "2026-01-15 08:30"), "2026-01-15T13:30:00Z");
  // Moscow has kept +03:00 all year since 2014.
  EXPECT_EQ(At("Europe/Moscow", "2026-07-01T12:00:45"), "2026-07-01T09:00:45Z");
  EXPECT_EQ(At("Europe/Moscow", "2026-01-15T12:00"), "2026-01-15T09:00:00Z");
}

TEST(WhenParser, UsesTheZoneHistoryOfThatDate) {
  // Moscow was on +04:00 all year from 2011 to 2014.
  EXPECT_EQ(At("Europe/Moscow", "2013-01-15T12:00"), "2013-01-15T08:00:00Z");
}

TEST(WhenParser, SpaceAndTSeparatorsAreTheSame) {
  EXPECT_EQ(At("Europe/Oslo", "2026-12-20 08:30"), At("Europe/Oslo", "2026-12-20T08:30"));
  EXPECT_EQ(At("Europe/Oslo", "  2026-12-20T08:30  "), "2026-12-20T07:30:00Z");
}

TEST(WhenParser, ExplicitUtcOrOffsetIgnoresTheZone) {
  EXPECT_EQ(At("Europe/Oslo", "2026-12-20T08:30:00Z"), "2026-12-20T08:30:00Z");
  EXPECT_EQ(At("America/New_York", "2026-12-20T08:30+01:00"), "2026-12-20T07:30:00Z");
  EXPECT_EQ(At("Europe/Moscow", "2026-12-20T08:30-05:00"), "2026-12-20T13:30:00Z");
  EXPECT_EQ(At("UTC", "2026-12-20T08:30:15+0530"), "2026-12-20T03:00:15Z");
}

TEST(WhenParser, SpringForwardDayInOslo) {
  // 2026-03-29: 02:00 CET becomes 03:00 CEST.
  EXPECT_EQ(At("Europe/Oslo", "2026-03-29T01:59"), "2026-03-29T00:59:00Z");
  EXPECT_EQ(At("Europe/Oslo", "2026-03-29T03:00"), "2026-03-29T01:00:00Z");
  // A date-only end of the short day is midnight CEST of the next day.
  EXPECT_EQ(At("Europe/Oslo", "2026-03-29", WhenRole::kEnd), "2026-03-29T22:00:00Z");
  EXPECT_EQ(At("Europe/Oslo", "2026-03-29"), "2026-03-28T23:00:00Z");
}

TEST(WhenParser, NonexistentLocalTimeIsTheMomentClocksJumped) {
  EXPECT_EQ(At("Europe/Oslo", "2026-03-29T02:30"), "2026-03-29T01:00:00Z");
  // 2026-03-08: 02:00 EST becomes 03:00 EDT in New York.
  EXPECT_EQ(At("America/New_York", "2026-03-08T02:30"), "2026-03-08T07:00:00Z");
  EXPECT_EQ(At("America/New_York", "2026-03-08T02:00"), "2026-03-08T07:00:00Z");
  EXPECT_EQ(At("America/New_York", "2026-03-08T03:00"), "2026-03-08T07:00:00Z");
  EXPECT_EQ(At("America/New_York", "2026-03-08T01:59"), "2026-03-08T06:59:00Z");
}

TEST(WhenParser, RepeatedLocalTimeIsItsFirstOccurrence) {
  // 2026-10-25 in Oslo: 03:00 CEST becomes 02:00 CET; 02:30 happens twice.
  EXPECT_EQ(At("Europe/Oslo", "2026-10-25T02:30"), "2026-10-25T00:30:00Z");
  // 2026-11-01 in New York: 02:00 EDT becomes 01:00 EST.
  EXPECT_EQ(At("America/New_York", "2026-11-01T01:30"), "2026-11-01T05:30:00Z");
  EXPECT_EQ(At("America/New_York", "2026-11-01T02:30"), "2026-11-01T07:30:00Z");
  // The long day ends at midnight EST.
  EXPECT_EQ(At("America/New_York", "2026-11-01", WhenRole::kEnd), "2026-11-02T05:00:00Z");
}

TEST(WhenParser, RefusesWhatIsNotAWhen) {
  for (const char* bad :
       {"", "tomorrow", "20261220", "2026-1-20", "2026-13-01", "2026-02-30", "2026-12-20T25:00",
        "2026-12-20T08:60", "2026-12-20T08:30:60", "2026-12-20T08", "2026-12-20T08:30+1",
        "2026-12-20T08:30+01:00junk", "2026-12-20T08:30:00Zjunk", "2026-12-20X08:30",
        "2026-12-20 08:30 Europe/Oslo", "2026-12-20T08:30+24:00", "-2026-12-20"}) {
    EXPECT_EQ(At("Europe/Oslo", bad), "error") << bad;
  }
}

TEST(WhenParser, ErrorNamesTheAcceptedForms) {
  auto zone = LookupTimeZone("UTC");
  ASSERT_TRUE(zone.ok());
  auto when = ParseWhen("next week", *zone, WhenRole::kStart);
  ASSERT_FALSE(when.ok());
  EXPECT_EQ(when.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(when.status().message().find("YYYY-MM-DD"), std::string::npos);
}

TEST(WhenParser, UnknownZoneIsInvalidArgument) {
  auto zone = LookupTimeZone("Europe/Atlantis");
  ASSERT_FALSE(zone.ok());
  EXPECT_EQ(zone.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(zone.status().message().find("Europe/Atlantis"), std::string::npos);
  EXPECT_FALSE(LookupTimeZone("../../etc/passwd").ok());
}

TEST(WhenParser, EmptyZoneNameIsUtc) {
  auto zone = LookupTimeZone("");
  ASSERT_TRUE(zone.ok());
  EXPECT_EQ(At("", "2026-06-01T12:00"), "2026-06-01T12:00:00Z");
}

}  // namespace
}  // namespace ar
