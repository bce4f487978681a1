// Rules and the address index.
#include <gtest/gtest.h>

#include "store_fixture.h"

namespace ar {
namespace {

using ::ar::testing::MakeRule;
using ::ar::testing::StoreTest;

using StoreRules = StoreTest;

std::vector<std::string> Addresses(const std::vector<OutOfOfficeRule>& rules) {
  std::vector<std::string> out;
  for (const OutOfOfficeRule& rule : rules) out.push_back(rule.address);
  return out;
}

TEST_F(StoreRules, PutThenGetReturnsTheRule) {
  OutOfOfficeRule rule = MakeRule("ole@example.com", {"o.hansen@example.com"});
  rule.subject = "Away";
  rule.generation = 4;
  ASSERT_OK(store_->PutRule(rule));
  Result<std::optional<OutOfOfficeRule>> got = store_->GetRule("ole@example.com");
  ASSERT_OK(got);
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->aliases, std::vector<std::string>{"o.hansen@example.com"});
  EXPECT_EQ((*got)->subject, "Away");
  EXPECT_EQ((*got)->generation, 4u);
}

TEST_F(StoreRules, GetOfUnknownAddressIsEmptyNotError) {
  Result<std::optional<OutOfOfficeRule>> got = store_->GetRule("nobody@example.com");
  ASSERT_OK(got);
  EXPECT_FALSE(got->has_value());
}

TEST_F(StoreRules, AddressesAreCaseInsensitive) {
  ASSERT_OK(store_->PutRule(MakeRule("Ole@Example.COM", {"O.Hansen@Example.com"})));
  Result<std::optional<OutOfOfficeRule>> got = store_->GetRule("OLE@example.com");
  ASSERT_OK(got);
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->address, "ole@example.com");
  Result<std::vector<OutOfOfficeRule>> found =
      store_->FindRulesForRecipients({"o.hansen@EXAMPLE.com"});
  ASSERT_OK(found);
  EXPECT_EQ(Addresses(*found), std::vector<std::string>{"ole@example.com"});
}

TEST_F(StoreRules, AliasOwnedByAnotherRuleIsInvalidArgument) {
  ASSERT_OK(store_->PutRule(MakeRule("ole@example.com", {"sales@example.com"})));
  Status s = store_->PutRule(MakeRule("kari@example.com", {"SALES@example.com"}));
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument) << s.ToString();
  // The failed put changed nothing.
  Result<std::optional<OutOfOfficeRule>> kari = store_->GetRule("kari@example.com");
  ASSERT_OK(kari);
  EXPECT_FALSE(kari->has_value());
  Result<std::vector<OutOfOfficeRule>> found =
      store_->FindRulesForRecipients({"sales@example.com"});
  ASSERT_OK(found);
  EXPECT_EQ(Addresses(*found), std::vector<std::string>{"ole@example.com"});
}

TEST_F(StoreRules, PrimaryAddressThatIsAnotherRulesAliasIsInvalidArgument) {
  ASSERT_OK(store_->PutRule(MakeRule("ole@example.com", {"sales@example.com"})));
  EXPECT_EQ(store_->PutRule(MakeRule("sales@example.com")).code(), Status::Code::kInvalidArgument);
}

TEST_F(StoreRules, RePutDropsOldAliasesFromTheIndex) {
  ASSERT_OK(store_->PutRule(MakeRule("ole@example.com", {"old@example.com", "kept@example.com"})));
  ASSERT_OK(store_->PutRule(MakeRule("ole@example.com", {"kept@example.com", "new@example.com"})));
  Result<std::vector<OutOfOfficeRule>> old = store_->FindRulesForRecipients({"old@example.com"});
  ASSERT_OK(old);
  EXPECT_TRUE(old->empty());
  for (const char* address : {"kept@example.com", "new@example.com", "ole@example.com"}) {
    Result<std::vector<OutOfOfficeRule>> found = store_->FindRulesForRecipients({address});
    ASSERT_OK(found);
    EXPECT_EQ(Addresses(*found), std::vector<std::string>{"ole@example.com"}) << address;
  }
  // The dropped alias is free for another rule now.
  EXPECT_OK(store_->PutRule(MakeRule("kari@example.com", {"old@example.com"})));
}

TEST_F(StoreRules, DeleteRemovesRuleAndAliases) {
  ASSERT_OK(store_->PutRule(MakeRule("ole@example.com", {"sales@example.com"})));
  ASSERT_OK(store_->DeleteRule("OLE@example.com"));
  Result<std::optional<OutOfOfficeRule>> got = store_->GetRule("ole@example.com");
  ASSERT_OK(got);
  EXPECT_FALSE(got->has_value());
  Result<std::vector<OutOfOfficeRule>> found =
      store_->FindRulesForRecipients({"ole@example.com", "sales@example.com"});
  ASSERT_OK(found);
  EXPECT_TRUE(found->empty());
  EXPECT_OK(store_->PutRule(MakeRule("kari@example.com", {"sales@example.com"})));
}

TEST_F(StoreRules, DeleteOfAbsentRuleIsNotFound) {
  EXPECT_TRUE(store_->DeleteRule("nobody@example.com").IsNotFound());
  EXPECT_TRUE(store_->DeleteRule("").IsNotFound());
}

TEST_F(StoreRules, FindDedupesUsersKeepsFirstSeenOrderAndIgnoresUnknown) {
  ASSERT_OK(store_->PutRule(MakeRule("ole@example.com", {"sales@example.com"})));
  ASSERT_OK(store_->PutRule(MakeRule("kari@example.com")));
  Result<std::vector<OutOfOfficeRule>> found = store_->FindRulesForRecipients(
      {"stranger@example.com", "sales@example.com", "kari@example.com", "ole@example.com", "",
       std::string(600, 'x')});
  ASSERT_OK(found);
  EXPECT_EQ(Addresses(*found), (std::vector<std::string>{"ole@example.com", "kari@example.com"}));
}

TEST_F(StoreRules, ListReturnsEveryRule) {
  ASSERT_OK(store_->PutRule(MakeRule("b@example.com")));
  ASSERT_OK(store_->PutRule(MakeRule("a@example.com")));
  ASSERT_OK(store_->PutRule(MakeRule("b@example.com")));
  Result<std::vector<OutOfOfficeRule>> rules = store_->ListRules();
  ASSERT_OK(rules);
  EXPECT_EQ(Addresses(*rules), (std::vector<std::string>{"a@example.com", "b@example.com"}));
}

TEST_F(StoreRules, EmptyOrOversizedAddressIsInvalidArgument) {
  EXPECT_EQ(store_->PutRule(MakeRule("  ")).code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(store_->PutRule(MakeRule(std::string(600, 'a') + "@example.com")).code(),
            Status::Code::kInvalidArgument);
  EXPECT_EQ(store_->PutRule(MakeRule("ole@example.com", {""})).code(),
            Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace ar
