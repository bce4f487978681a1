#include "web/session_store.h"

#include <gtest/gtest.h>

#include "web/random_token.h"

namespace ar {
namespace {

TEST(RandomToken, Is64HexDigitsAndDiffersEachTime) {
  auto a = RandomToken();
  auto b = RandomToken();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->size(), 64u);
  EXPECT_EQ(a->find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(*a, *b);
  EXPECT_TRUE(TokensEqual(*a, *a));
  EXPECT_FALSE(TokensEqual(*a, *b));
  EXPECT_FALSE(TokensEqual("", ""));
}

TEST(SessionStore, FindsALiveSessionUntilItExpires) {
  ManualClock clock(FromUnixSeconds(1'800'000'000));
  SessionStore sessions(clock, Seconds(3600));
  auto session = sessions.Create("ola@example.org");
  ASSERT_TRUE(session.ok());
  EXPECT_NE(session->id, session->csrf_token);
  auto found = sessions.Find(session->id);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->user, "ola@example.org");
  clock.Advance(Seconds(3599));
  EXPECT_TRUE(sessions.Find(session->id).has_value());
  clock.Advance(Seconds(1));
  EXPECT_FALSE(sessions.Find(session->id).has_value());
  EXPECT_FALSE(sessions.Find("not-a-session").has_value());
}

TEST(SessionStore, RemoveEndsTheSession) {
  ManualClock clock(FromUnixSeconds(1'800'000'000));
  SessionStore sessions(clock, Seconds(3600));
  auto session = sessions.Create("ola@example.org");
  ASSERT_TRUE(session.ok());
  sessions.Remove(session->id);
  EXPECT_FALSE(sessions.Find(session->id).has_value());
}

TEST(SessionStore, DropsTheOldestWhenFull) {
  ManualClock clock(FromUnixSeconds(1'800'000'000));
  SessionStore sessions(clock, Seconds(3600), 2);
  auto first = sessions.Create("a@example.org");
  clock.Advance(Seconds(1));
  auto second = sessions.Create("b@example.org");
  clock.Advance(Seconds(1));
  auto third = sessions.Create("c@example.org");
  ASSERT_TRUE(first.ok() && second.ok() && third.ok());
  EXPECT_FALSE(sessions.Find(first->id).has_value());
  EXPECT_TRUE(sessions.Find(second->id).has_value());
  EXPECT_TRUE(sessions.Find(third->id).has_value());
}

}  // namespace
}  // namespace ar
