#include "ctl/utf8_validation.h"

#include <gtest/gtest.h>

namespace ar {
namespace {

TEST(Utf8Validation, AcceptsAsciiAndNorwegianAndRussianAndEmoji) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("Out of office."));
  EXPECT_TRUE(IsValidUtf8("Jeg er på ferie. Blåbærsyltetøy Æ Ø Å"));
  EXPECT_TRUE(IsValidUtf8("Я в отпуске"));
  EXPECT_TRUE(IsValidUtf8("\xF0\x9F\x8F\x96"));  // U+1F3D6 beach
  EXPECT_TRUE(IsValidUtf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF, the last code point
}

TEST(Utf8Validation, RefusesLatin1) { EXPECT_FALSE(IsValidUtf8("p\xE5 ferie")); }

TEST(Utf8Validation, RefusesOverlongForms) {
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));
  EXPECT_FALSE(IsValidUtf8("\xC1\xBF"));
  EXPECT_FALSE(IsValidUtf8("\xE0\x80\xAF"));
  EXPECT_FALSE(IsValidUtf8("\xF0\x80\x80\xAF"));
}

TEST(Utf8Validation, RefusesSurrogatesAndCodePointsBeyondUnicode) {
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // U+D800
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // U+110000
  EXPECT_FALSE(IsValidUtf8("\xF5\x80\x80\x80"));
  EXPECT_FALSE(IsValidUtf8("\xFF"));
}

TEST(Utf8Validation, RefusesTruncatedAndStrayBytes) {
  EXPECT_FALSE(IsValidUtf8("\xC3"));
  EXPECT_FALSE(IsValidUtf8("abc\xE2\x82"));
  EXPECT_FALSE(IsValidUtf8("\x80"));
  EXPECT_FALSE(IsValidUtf8("\xC3\x28"));
}

}  // namespace
}  // namespace ar
