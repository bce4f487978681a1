#include "sequence/captured_value.h"

#include <gtest/gtest.h>

#include <string>

namespace ar {
namespace {

const CaptureLimits kDefaults;

TEST(CapturedValue, OrdinaryValuesPassUnchanged) {
  EXPECT_EQ(CleanCapturedValue("100301", kDefaults), "100301");
  EXPECT_EQ(CleanCapturedValue("2026-12-20", kDefaults), "2026-12-20");
  EXPECT_EQ(CleanCapturedValue("20.12.2026", kDefaults), "20.12.2026");
  EXPECT_EQ(CleanCapturedValue("Europe/Oslo", kDefaults), "Europe/Oslo");
  EXPECT_EQ(CleanCapturedValue("J\xC3\xB8rgen M. Str\xC3\xB8m", kDefaults),
            "J\xC3\xB8rgen M. Str\xC3\xB8m");
}

TEST(CapturedValue, UrlsAreRemovedByDefault) {
  EXPECT_EQ(CleanCapturedValue("Ole, win a prize at https://evil.example/x now", kDefaults),
            "Ole, win a prize at now");
  EXPECT_EQ(CleanCapturedValue("see www.evil.example or evil.example/win", kDefaults), "see or");
  EXPECT_EQ(CleanCapturedValue("<http://evil.example>", kDefaults), "");
  EXPECT_EQ(CleanCapturedValue("mailto:x@evil.example hi", kDefaults), "hi");
  CaptureLimits allow;
  allow.allow_urls = true;
  EXPECT_EQ(CleanCapturedValue("see https://shop.example/p", allow), "see https://shop.example/p");
}

TEST(CapturedValue, ControlCharactersAndBidiOverridesBecomeSpaces) {
  EXPECT_EQ(CleanCapturedValue("Ole\r\nBcc: victim@example.com", kDefaults),
            "Ole Bcc: victim@example.com");
  EXPECT_EQ(CleanCapturedValue("a\tb\x7F" "c\xC2\x85" "d", kDefaults), "a b c d");
  EXPECT_EQ(CleanCapturedValue("abc\xE2\x80\xAE" "fdp.exe", kDefaults), "abc fdp.exe");
  // A control character cannot hide a URL from the URL rule.
  EXPECT_EQ(CleanCapturedValue("x\x01https://evil.example/", kDefaults), "x");
}

TEST(CapturedValue, LengthIsLimitedInCharacters) {
  CaptureLimits limits;
  limits.max_length = 5;
  EXPECT_EQ(CleanCapturedValue("\xC3\xB8\xC3\xB8\xC3\xB8\xC3\xB8\xC3\xB8\xC3\xB8", limits),
            "\xC3\xB8\xC3\xB8\xC3\xB8\xC3\xB8\xC3\xB8");
  EXPECT_EQ(CleanCapturedValue("abc defgh", limits), "abc d");
  EXPECT_EQ(CleanCapturedValue(std::string(1000, 'a'), kDefaults).size(), 64u);
}

}  // namespace
}  // namespace ar
