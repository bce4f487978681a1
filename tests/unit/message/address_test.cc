#include "message/address.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ar {
namespace {

struct ListCase {
  const char* name;
  std::string value;
  std::vector<Mailbox> expected;
};

class AddressListParsing : public ::testing::TestWithParam<ListCase> {};

TEST_P(AddressListParsing, YieldsTheMailboxes) {
  const std::vector<Mailbox> got = ParseAddressList(GetParam().value);
  ASSERT_EQ(got.size(), GetParam().expected.size()) << GetParam().value;
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].address, GetParam().expected[i].address) << "mailbox " << i;
    EXPECT_EQ(got[i].display_name, GetParam().expected[i].display_name) << "mailbox " << i;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Basic, AddressListParsing,
    ::testing::Values(
        ListCase{"BareAddress", "user@example.org", {{"", "user@example.org"}}},
        ListCase{"AngleOnly", "<user@example.org>", {{"", "user@example.org"}}},
        ListCase{"NameAndAngle", "John Doe <john@example.org>", {{"John Doe", "john@example.org"}}},
        ListCase{"NameWithDot",
                 "John Q. Public <jqp@example.org>",
                 {{"John Q. Public", "jqp@example.org"}}},
        ListCase{"SeveralWithSpacing",
                 " a@x ,b@y,   C <c@z> ",
                 {{"", "a@x"}, {"", "b@y"}, {"C", "c@z"}}},
        ListCase{"CaseKeptAsWritten", "User@Example.ORG", {{"", "User@Example.ORG"}}},
        ListCase{"NoDomain", "postmaster", {{"", "postmaster"}}}, ListCase{"Empty", "", {}},
        ListCase{"OnlyCommas", " , ,, ", {}}, ListCase{"NullAngleSkipped", "<>", {}},
        ListCase{"DomainLiteral", "<user@[192.0.2.1]>", {{"", "user@[192.0.2.1]"}}},
        ListCase{"TrailingGarbageIgnored", "A <a@x> junk here, b@y", {{"A", "a@x"}, {"", "b@y"}}},
        ListCase{"MissingCloseBracket", "A <a@x, B <b@y>", {{"A", "a@x"}, {"B", "b@y"}}},
        ListCase{
            "ForgottenBrackets", "John Doe john@example.org", {{"John Doe", "john@example.org"}}},
        ListCase{"WordsWithoutAddressSkipped", "John Doe, c@z", {{"", "c@z"}}},
        ListCase{"ObsoleteSpacesAroundDots",
                 "john . doe @ example . org",
                 {{"", "john.doe@example.org"}}}),
    [](const auto& info) { return info.param.name; });

INSTANTIATE_TEST_SUITE_P(
    QuotingAndComments, AddressListParsing,
    ::testing::Values(
        ListCase{"QuotedNameWithComma",
                 "\"Doe, John\" <john@x>, b@y",
                 {{"Doe, John", "john@x"}, {"", "b@y"}}},
        ListCase{"QuotedNameWithEscapes",
                 R"("Say \"hi\" \\ bye" <a@x>)",
                 {{R"(Say "hi" \ bye)", "a@x"}}},
        ListCase{
            "QuotedNameWithAngleAndAt", "\"a@x <evil@y>\" <real@z>", {{"a@x <evil@y>", "real@z"}}},
        ListCase{"QuotedLocalPart", "\"john doe\"@example.org", {{"", "\"john doe\"@example.org"}}},
        ListCase{"CommentIgnoredInAngle", "<john(comment, with comma)@x>", {{"", "john@x"}}},
        ListCase{"NestedComment",
                 "a@x (outer (inner) tail), b@y",
                 {{"outer (inner) tail", "a@x"}, {"", "b@y"}}},
        ListCase{"CommentAsDisplayName",
                 "john@example.org (John Doe)",
                 {{"John Doe", "john@example.org"}}},
        ListCase{"CommentBeforeName", "(note) Jane <jane@x>", {{"Jane", "jane@x"}}},
        ListCase{"UnbalancedCommentEatsRest", "a@x, (oops b@y, c@z", {{"", "a@x"}}},
        ListCase{"UnbalancedQuoteEatsRest", "a@x, \"oops <b@y>, c@z", {{"", "a@x"}}},
        ListCase{"StrayClosers", "a@x ) ] >, b@y", {{"", "a@x"}, {"", "b@y"}}}),
    [](const auto& info) { return info.param.name; });

INSTANTIATE_TEST_SUITE_P(
    GroupsAndRoutes, AddressListParsing,
    ::testing::Values(
        ListCase{"GroupMembers", "team: a@x, B <b@y>;", {{"", "a@x"}, {"B", "b@y"}}},
        ListCase{"GroupThenMailbox", "team: a@x; c@z", {{"", "a@x"}, {"", "c@z"}}},
        ListCase{"UndisclosedRecipients", "undisclosed-recipients:;", {}},
        ListCase{"UndisclosedWithSpaces", "Undisclosed recipients: ;", {}},
        ListCase{"GroupWithoutSemicolon", "team: a@x, b@y", {{"", "a@x"}, {"", "b@y"}}},
        ListCase{"ColonAfterAngleIgnored", "A <a@x>: junk, b@y", {{"A", "a@x"}, {"", "b@y"}}},
        ListCase{"ColonInsideGroupSkipsMailbox", "team: a:b@x, c@y;", {{"", "c@y"}}},
        ListCase{"QuotedGroupName", "\"My: Team\": a@x;", {{"", "a@x"}}},
        ListCase{
            "ObsoleteRoute", "<@a.example,@b.example:user@c.example>", {{"", "user@c.example"}}},
        ListCase{
            "ObsoleteRouteWithName", "Joe <@relay:joe@x>, k@y", {{"Joe", "joe@x"}, {"", "k@y"}}}),
    [](const auto& info) { return info.param.name; });

INSTANTIATE_TEST_SUITE_P(
    EncodedDisplayNames, AddressListParsing,
    ::testing::Values(
        ListCase{"Utf8Russian",
                 "=?UTF-8?B?0J/RgNC40LLQtdGCLCDQvNC40YA=?= <ivan@example.ru>",
                 {{"Привет, мир", "ivan@example.ru"}}},
        ListCase{"Koi8rRussian",
                 "=?koi8-r?B?8NLJ18XULCDNydI=?= <ivan@example.ru>",
                 {{"Привет, мир", "ivan@example.ru"}}},
        ListCase{"Windows1251InQuotes",
                 "\"=?windows-1251?B?z/Do4uXyLCDs6PA=?=\" <ivan@example.ru>",
                 {{"Привет, мир", "ivan@example.ru"}}},
        ListCase{
            "NorwegianLatin1",
            "=?iso-8859-1?Q?Bl=E5b=E6rsyltet=F8y?= =?iso-8859-1?Q?_p=E5_=C6=D8=C5?= <kari@x.no>",
            {{"Blåbærsyltetøy på ÆØÅ", "kari@x.no"}}},
        ListCase{"RawUtf8Name", "Kåre Ærlig <kare@x.no>", {{"Kåre Ærlig", "kare@x.no"}}},
        ListCase{"EncodedWordWithComma",
                 "=?utf-8?Q?M=C3=BCller,_Hans?= <hm@x.de>, b@y",
                 {{"Müller, Hans", "hm@x.de"}, {"", "b@y"}}},
        ListCase{"EncodedWordWithDotAndAt",
                 "=?utf-8?Q?J._Doe_@_Home?= <jd@x>",
                 {{"J. Doe @ Home", "jd@x"}}},
        ListCase{"EncodedWordLookalikeStillSplits",
                 "=?utf-8?Q?a, b@y",
                 {{"", "=?utf-8?Q?a"}, {"", "b@y"}}},
        ListCase{"EncodedWithPlainSurname",
                 "=?utf-8?q?J=C3=B8rn?= Hansen <j@x.no>",
                 {{"Jørn Hansen", "j@x.no"}}}),
    [](const auto& info) { return info.param.name; });

TEST(AddressParts, DomainOfIsLowerCaseAfterLastAt) {
  EXPECT_EQ(DomainOf("user@Example.ORG"), "example.org");
  EXPECT_EQ(DomainOf("\"a@b\"@Host"), "host");
  EXPECT_EQ(DomainOf("no-at-sign"), "");
  EXPECT_EQ(DomainOf("user@"), "");
}

TEST(AddressParts, LocalPartOfDropsSubaddress) {
  EXPECT_EQ(LocalPartOf("user+tag@x"), "user");
  EXPECT_EQ(LocalPartOf("Owner-List@x"), "Owner-List");
  EXPECT_EQ(LocalPartOf("\"a@b\"@x"), "\"a@b\"");
  EXPECT_EQ(LocalPartOf("MAILER-DAEMON"), "MAILER-DAEMON");
  EXPECT_EQ(LocalPartOf("+only@x"), "+only");
  EXPECT_EQ(LocalPartOf(""), "");
}

TEST(AddressParts, NormalizeAddressLowerCasesAndTrims) {
  EXPECT_EQ(NormalizeAddress(" John.Doe@Example.ORG "), "john.doe@example.org");
  EXPECT_EQ(NormalizeAddress(""), "");
}

struct SafetyCase {
  const char* name;
  std::string address;
  bool safe;
};

class AddressSafety : public ::testing::TestWithParam<SafetyCase> {};

TEST_P(AddressSafety, RefusesHostileAddresses) {
  EXPECT_EQ(IsSafeAddress(GetParam().address), GetParam().safe) << GetParam().address;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, AddressSafety,
    ::testing::Values(SafetyCase{"Plain", "user@example.org", true},
                      SafetyCase{"Subaddress", "user+tag@example.org", true},
                      SafetyCase{"Apostrophe", "o'brien@example.ie", true},
                      SafetyCase{"Verp", "bounce-123=user=example.org@lists.example.com", true},
                      // Replies are 7-bit: an RFC 6531 address cannot be written into one.
                      SafetyCase{"Utf8", "kåre@example.no", false}, SafetyCase{"Empty", "", false},
                      SafetyCase{"Parens", "a(b)@x", false}, SafetyCase{"Colon", "a:b@x", false},
                      SafetyCase{"NoAt", "user", false}, SafetyCase{"TwoAts", "a@b@c", false},
                      SafetyCase{"NothingBeforeAt", "@example.org", false},
                      SafetyCase{"NothingAfterAt", "user@", false},
                      SafetyCase{"Space", "a b@x", false}, SafetyCase{"Tab", "a\tb@x", false},
                      SafetyCase{"CrLfInjection", "a@x\r\nBcc: victim@y", false},
                      SafetyCase{"Nul", std::string("a\0@x", 4), false},
                      SafetyCase{"Angle", "a@x>", false}, SafetyCase{"Comma", "a@x,b@y", false},
                      SafetyCase{"Semicolon", "a@x;", false}, SafetyCase{"Quote", "\"a\"@x", false},
                      SafetyCase{"Backslash", "a\\b@x", false},
                      SafetyCase{"Backtick", "`id`@x", false}, SafetyCase{"Del", "a\x7f@x", false},
                      SafetyCase{"Max254", std::string(240, 'a') + "@example.org", true},
                      SafetyCase{"Over254", std::string(243, 'a') + "@example.org", false}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace ar
