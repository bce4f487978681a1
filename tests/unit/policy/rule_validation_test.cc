#include "policy/rule_validation.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "policy_test_support.h"

namespace ar::testing {
namespace {

TEST(ValidateRule, AcceptsCompleteRule) {
  EXPECT_TRUE(ValidateRule(OleRule()).ok()) << ValidateRule(OleRule()).ToString();
  OutOfOfficeRule open_ended = OleRule();
  open_ended.start.reset();
  open_ended.end.reset();
  EXPECT_TRUE(ValidateRule(open_ended).ok());
}

TEST(ValidateRule, RejectsEachProblem) {
  struct Case {
    std::string name;
    std::function<void(OutOfOfficeRule&)> spoil;
    std::string message_part;
  };
  const std::vector<Case> cases = {
      {"empty address", [](OutOfOfficeRule& r) { r.address = ""; }, "address"},
      {"address without domain", [](OutOfOfficeRule& r) { r.address = "ole"; }, "address"},
      {"address with line break",
       [](OutOfOfficeRule& r) { r.address = "ole@example.org\r\nBcc: x@y"; }, "address"},
      {"unsafe alias", [](OutOfOfficeRule& r) { r.aliases.push_back("a b@example.org"); }, "alias"},
      {"empty text", [](OutOfOfficeRule& r) { r.text_body = ""; }, "text body"},
      {"blank text", [](OutOfOfficeRule& r) { r.text_body = " \r\n\t"; }, "text body"},
      {"start equals end", [](OutOfOfficeRule& r) { r.end = r.start; }, "before end"},
      {"start after end", [](OutOfOfficeRule& r) { r.start = *r.end + Seconds(1); }, "before end"},
      {"zero period", [](OutOfOfficeRule& r) { r.period = Seconds(0); }, "period"},
      {"negative period", [](OutOfOfficeRule& r) { r.period = Seconds(-1); }, "period"}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    OutOfOfficeRule rule = OleRule();
    c.spoil(rule);
    Status status = ValidateRule(rule);
    EXPECT_EQ(status.code(), Status::Code::kInvalidArgument);
    EXPECT_NE(status.message().find(c.message_part), std::string::npos) << status.message();
    EXPECT_EQ(status.message().find_first_of("\r\n"), std::string::npos);
  }
}

}  // namespace
}  // namespace ar::testing
