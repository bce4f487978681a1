#include "core/rate_limit.h"

#include <gtest/gtest.h>

namespace ar {
namespace {

TEST(RateLimit, ParsesCountAndWindow) {
  EXPECT_EQ(*ParseRateLimit("20/1h"), (RateLimit{20, Seconds(3600)}));
  EXPECT_EQ(*ParseRateLimit(" 3 / 10m "), (RateLimit{3, Seconds(600)}));
  EXPECT_EQ(*ParseRateLimit("500/d"), (RateLimit{500, Seconds(86400)}));
  EXPECT_EQ(*ParseRateLimit("1/2W"), (RateLimit{1, Seconds(14 * 86400)}));
  EXPECT_EQ(*ParseRateLimit("90/90s"), (RateLimit{90, Seconds(90)}));
}

TEST(RateLimit, NoneDisables) {
  Result<RateLimit> none = ParseRateLimit("None");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->enabled());
  EXPECT_EQ(FormatRateLimit(*none), "none");
}

TEST(RateLimit, RefusesWhatIsNotALimit) {
  for (const char* bad : {"", "20", "/1h", "20/", "20/1x", "-1/1h", "0/1h", "20/0h", "20/367d",
                          "1e3/1h", "20/1h/2", "20 per hour", "99999999999/1h"}) {
    EXPECT_FALSE(ParseRateLimit(bad).ok()) << bad;
  }
}

TEST(RateLimit, PrintsTheLargestExactUnit) {
  EXPECT_EQ(FormatRateLimit({20, Seconds(3600)}), "20/1h");
  EXPECT_EQ(FormatRateLimit({5, Seconds(5400)}), "5/90m");
  EXPECT_EQ(FormatRateLimit({5, Seconds(7 * 86400)}), "5/1w");
  EXPECT_EQ(FormatRateLimit({5, Seconds(61)}), "5/61s");
  EXPECT_EQ(*ParseRateLimit(FormatRateLimit({7, Seconds(2 * 86400)})),
            (RateLimit{7, Seconds(2 * 86400)}));
}

}  // namespace
}  // namespace ar
