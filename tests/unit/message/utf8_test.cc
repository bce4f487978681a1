#include "message/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace ar {
namespace {

struct Utf8Case {
  const char* name;
  std::string in;
  std::string out;
};

class Utf8Sanitizing : public ::testing::TestWithParam<Utf8Case> {};

TEST_P(Utf8Sanitizing, ReplacesEachInvalidByteWithReplacementCharacter) {
  std::string out;
  AppendSanitizedUtf8(GetParam().in, &out);
  EXPECT_EQ(out, GetParam().out);
}

const std::string R(kReplacementCharacter);

INSTANTIATE_TEST_SUITE_P(
    Cases, Utf8Sanitizing,
    ::testing::Values(Utf8Case{"Ascii", "abc", "abc"},
                      Utf8Case{"ValidMultibyte", "Привет ÆØÅ \xF0\x9F\x98\x80",
                               "Привет ÆØÅ \xF0\x9F\x98\x80"},
                      Utf8Case{"Latin1Byte", "Bl\xE5", "Bl" + R},
                      Utf8Case{"LoneContinuation", "a\x80z", "a" + R + "z"},
                      Utf8Case{"Overlong", "\xC0\xAF", R + R},
                      Utf8Case{"OverlongThreeByte", "\xE0\x80\xAF", R + R + R},
                      Utf8Case{"Surrogate", "\xED\xA0\x80", R + R + R},
                      Utf8Case{"AboveMaxCodePoint", "\xF4\x90\x80\x80", R + R + R + R},
                      Utf8Case{"TruncatedAtEnd", "x\xE2\x82", "x" + R + R},
                      Utf8Case{"NulKept", std::string("a\0b", 3), std::string("a\0b", 3)}),
    [](const auto& info) { return info.param.name; });

TEST(Utf8, TruncateStepsBackToSequenceStart) {
  std::string text = "ab\xC3\xA5";  // "abå"
  TruncateUtf8(&text, 3);
  EXPECT_EQ(text, "ab");
  text = "ab\xC3\xA5";
  TruncateUtf8(&text, 4);
  EXPECT_EQ(text, "ab\xC3\xA5");
  text = "\xF0\x9F\x98\x80";
  TruncateUtf8(&text, 3);
  EXPECT_EQ(text, "");
}

}  // namespace
}  // namespace ar
