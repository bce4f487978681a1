#include "web/login_throttle.h"

#include <gtest/gtest.h>

namespace ar {
namespace {

TEST(LoginThrottle, BlocksANameAfterTheLimitFromAnyClientUntilTheWindowEnds) {
  ManualClock clock(FromUnixSeconds(1'800'000'000));
  LoginThrottle throttle(clock, RateLimit{3, Seconds(600)});
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(throttle.Allows("192.0.2.1", "ola"));
    throttle.RecordFailure("192.0.2." + std::to_string(i + 1), "ola");
  }
  EXPECT_FALSE(throttle.Allows("198.51.100.7", "ola"));
  EXPECT_TRUE(throttle.Allows("198.51.100.7", "kari"));
  clock.Advance(Seconds(600));
  EXPECT_TRUE(throttle.Allows("198.51.100.7", "ola"));
}

TEST(LoginThrottle, BlocksAClientThatTriesManyNames) {
  ManualClock clock(FromUnixSeconds(1'800'000'000));
  LoginThrottle throttle(clock, RateLimit{3, Seconds(600)});
  for (const char* name : {"a", "b", "c"}) throttle.RecordFailure("192.0.2.9", name);
  EXPECT_FALSE(throttle.Allows("192.0.2.9", "d"));
  EXPECT_TRUE(throttle.Allows("192.0.2.10", "d"));
}

TEST(LoginThrottle, SuccessClearsTheNameAndNoLimitAllowsEverything) {
  ManualClock clock(FromUnixSeconds(1'800'000'000));
  LoginThrottle throttle(clock, RateLimit{2, Seconds(600)});
  throttle.RecordFailure("192.0.2.1", "ola");
  throttle.RecordSuccess("ola");
  throttle.RecordFailure("192.0.2.2", "ola");
  EXPECT_TRUE(throttle.Allows("192.0.2.3", "ola"));

  LoginThrottle unlimited(clock, RateLimit{});
  for (int i = 0; i < 100; ++i) unlimited.RecordFailure("192.0.2.1", "ola");
  EXPECT_TRUE(unlimited.Allows("192.0.2.1", "ola"));
}

}  // namespace
}  // namespace ar
