#include "policy/header_syntax.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ar {
namespace {

TEST(HeaderSyntax, StripsNestedCommentsButNotQuotedText) {
  struct Case {
    std::string in;
    std::string out;
  };
  const std::vector<Case> cases = {{"a (b) c", "a   c"},
                                   {"a (b (c) d) e", "a   e"},
                                   {"a (b \\) c) d", "a   d"},
                                   {"\"(not a comment)\" x", "\"(not a comment)\" x"},
                                   {"\"esc \\\" (still quoted)\"", "\"esc \\\" (still quoted)\""},
                                   {"a (unterminated", "a  "},
                                   {"a ) b", "a ) b"},
                                   {"", ""}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.in);
    EXPECT_EQ(StripComments(c.in), c.out);
  }
}

TEST(HeaderSyntax, SplitsOutsideQuotes) {
  EXPECT_EQ(SplitOutsideQuotes("a; \"b;c\" ;;d", ';'),
            (std::vector<std::string>{"a", "\"b;c\"", "", "d"}));
  EXPECT_EQ(SplitOutsideQuotes("", ';'), (std::vector<std::string>{""}));
  EXPECT_EQ(SplitOutsideQuotes("\"a\\\";b\";c", ';'),
            (std::vector<std::string>{"\"a\\\";b\"", "c"}));
}

TEST(HeaderSyntax, FirstKeywordAndUnquote) {
  EXPECT_EQ(FirstKeyword(" (x) no; y"), "no");
  EXPECT_EQ(FirstKeyword("bulk,list"), "bulk");
  EXPECT_EQ(FirstKeyword("(only a comment)"), "");
  EXPECT_EQ(Unquote(" \"a\\\"b\" "), "a\"b");
  EXPECT_EQ(Unquote("plain"), "plain");
  EXPECT_EQ(Unquote("\""), "\"");
}

TEST(HeaderSyntax, LogExcerptIsBoundedAndSingleLine) {
  EXPECT_EQ(LogExcerpt("  a\r\nb\x01  "), "a  b ");
  EXPECT_EQ(LogExcerpt(std::string(100, 'x'), 10), std::string(10, 'x') + "...");
}

}  // namespace
}  // namespace ar
