#include "core/clock.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

namespace ar {
namespace {

std::string TempPath(const char* name) {
  return std::string(::testing::TempDir()) + "/" + name;
}

TEST(ManualClock, AdvancesOnlyWhenTold) {
  ManualClock clock(FromUnixSeconds(1000));
  EXPECT_EQ(ToUnixSeconds(clock.Now()), 1000);
  clock.Advance(Seconds(30 * 86400));
  EXPECT_EQ(ToUnixSeconds(clock.Now()), 1000 + 30 * 86400);
}

TEST(FileClock, ReadsAbsoluteSecondsOnEveryCall) {
  std::string path = TempPath("clock_abs");
  { std::ofstream(path) << "1767225600\n"; }
  auto clock = MakeClock("file:" + path);
  ASSERT_TRUE(clock.ok()) << clock.status().ToString();
  EXPECT_EQ(ToUnixSeconds((*clock)->Now()), 1767225600);
  { std::ofstream(path) << "1767312000"; }
  EXPECT_EQ(ToUnixSeconds((*clock)->Now()), 1767312000);
}

TEST(FileClock, RelativeOffsetShiftsWallTime) {
  std::string path = TempPath("clock_rel");
  { std::ofstream(path) << "+86400"; }
  auto clock = MakeClock("file:" + path);
  ASSERT_TRUE(clock.ok());
  int64_t wall = ToUnixSeconds(SystemClock().Now());
  int64_t shifted = ToUnixSeconds((*clock)->Now());
  EXPECT_GE(shifted, wall + 86400);
  EXPECT_LE(shifted, wall + 86400 + 5);
}

TEST(MakeClock, RejectsMissingFileAndUnknownKinds) {
  EXPECT_FALSE(MakeClock("file:/nonexistent/clock").ok());
  EXPECT_FALSE(MakeClock("lunar").ok());
  EXPECT_TRUE(MakeClock("system").ok());
}

TEST(Formatting, Rfc5322AndIsoInUtc) {
  TimePoint t = FromUnixSeconds(1767225600);  // 2026-01-01 00:00:00 UTC
  EXPECT_EQ(FormatRfc5322Date(t), "Thu, 01 Jan 2026 00:00:00 +0000");
  EXPECT_EQ(FormatIsoUtc(t), "2026-01-01T00:00:00Z");
}

}  // namespace
}  // namespace ar
