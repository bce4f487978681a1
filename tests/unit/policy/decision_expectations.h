// Assertions on a Decision for one rule, shared by the policy tests.
#pragma once

#include <gtest/gtest.h>

#include "policy/decision.h"

namespace ar::testing {

inline ::testing::AssertionResult SkippedFor(const Decision& decision, SkipReason reason) {
  if (!decision.replies.empty()) {
    return ::testing::AssertionFailure()
           << "expected skip " << SkipReasonName(reason) << ", got a reply";
  }
  if (decision.skips.size() != 1) {
    return ::testing::AssertionFailure() << "expected one skip, got " << decision.skips.size();
  }
  if (decision.skips[0].reason != reason) {
    return ::testing::AssertionFailure()
           << "expected " << SkipReasonName(reason) << ", got "
           << SkipReasonName(decision.skips[0].reason) << " (" << decision.skips[0].detail << ")";
  }
  return ::testing::AssertionSuccess();
}

inline ::testing::AssertionResult Replied(const Decision& decision) {
  if (decision.replies.size() == 1 && decision.skips.empty()) {
    return ::testing::AssertionSuccess();
  }
  auto failure = ::testing::AssertionFailure()
                 << "expected one reply, got " << decision.replies.size() << " replies";
  for (const Skip& skip : decision.skips) {
    failure << "; skip " << SkipReasonName(skip.reason) << " (" << skip.detail << ")";
  }
  return failure;
}

}  // namespace ar::testing
