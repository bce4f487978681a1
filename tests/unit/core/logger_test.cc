#include "core/logger.h"

#include <gtest/gtest.h>

namespace ar {
namespace {

TEST(Logger, DropsLinesAboveItsLevel) {
  CapturingLogger logger(LogLevel::kInfo);
  logger.Info("decision line");
  logger.Debug("chatter");
  ASSERT_EQ(logger.Lines().size(), 1u);
  EXPECT_EQ(logger.Lines()[0], "info: decision line");
}

TEST(Logger, ParsesLevelNames) {
  LogLevel level;
  EXPECT_TRUE(ParseLogLevel("debug", &level));
  EXPECT_EQ(level, LogLevel::kDebug);
  EXPECT_FALSE(ParseLogLevel("loud", &level));
}

}  // namespace
}  // namespace ar
