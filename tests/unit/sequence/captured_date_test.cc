#include "sequence/captured_date.h"

#include <gtest/gtest.h>

namespace ar {
namespace {

using namespace date::literals;  // NOLINT: 2025_y, jun

date::local_seconds At(date::year_month_day day, int hour = 0, int minute = 0) {
  return date::local_seconds{date::local_days{day}} + std::chrono::hours{hour} +
         std::chrono::minutes{minute};
}

TEST(CapturedDate, ReadsIsoDateAsLocalMidnight) {
  EXPECT_EQ(ParseCapturedDate("2025-06-15"), At(2025_y / jun / 15));
}

TEST(CapturedDate, ReadsDottedEuropeanDateAsLocalMidnight) {
  EXPECT_EQ(ParseCapturedDate("15.06.2025"), At(2025_y / jun / 15));
  EXPECT_EQ(ParseCapturedDate("01.02.2024"), At(2024_y / feb / 1));
}

TEST(CapturedDate, ReadsIsoDateWithTimeOfDay) {
  EXPECT_EQ(ParseCapturedDate("2025-06-15T08:30"), At(2025_y / jun / 15, 8, 30));
  EXPECT_EQ(ParseCapturedDate("2025-06-15 23:59"), At(2025_y / jun / 15, 23, 59));
}

TEST(CapturedDate, IgnoresSurroundingBlanks) {
  EXPECT_EQ(ParseCapturedDate("  2025-06-15\r\n"), At(2025_y / jun / 15));
}

TEST(CapturedDate, AcceptsLeapDayOnlyInLeapYears) {
  EXPECT_EQ(ParseCapturedDate("2024-02-29"), At(2024_y / feb / 29));
  EXPECT_EQ(ParseCapturedDate("29.02.2025"), std::nullopt);
}

TEST(CapturedDate, RejectsEverythingElse) {
  const char* bad[] = {"",
                       "2025-02-30",
                       "2025-13-01",
                       "2025-6-15",
                       "15/06/2025",
                       "15.6.2025",
                       "2025-06-15T24:00",
                       "2025-06-15T08:60",
                       "2025-06-15T8:30",
                       "2025-06-15Z",
                       "2025-06-15T08:30Z",
                       "abcd-ef-gh",
                       "2025-06-15x",
                       "00.06.2025",
                       "+025-06-15",
                       "next tuesday"};
  for (const char* text : bad) EXPECT_EQ(ParseCapturedDate(text), std::nullopt) << text;
}

}  // namespace
}  // namespace ar
