// The header-value readers behind the RFC 3834 checks, one value at a time.
#include "policy/automatic_signals.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ar {
namespace {

struct ValueCase {
  std::string value;
  bool expected;
};

void ExpectEach(bool (*reader)(std::string_view), const std::vector<ValueCase>& cases) {
  for (const ValueCase& c : cases) {
    SCOPED_TRACE("'" + c.value + "'");
    EXPECT_EQ(reader(c.value), c.expected);
  }
}

TEST(AutomaticSignals, AutoSubmittedMeansAutomaticUnlessNo) {
  ExpectEach(IsAutoSubmittedValue, {{"no", false},
                                    {"NO", false},
                                    {" no ", false},
                                    {"no (comment)", false},
                                    {"no; param=x", false},
                                    {"(why) no", false},
                                    {"no(comment)", false},
                                    {"auto-replied", true},
                                    {"auto-generated", true},
                                    {"auto-notified", true},
                                    {"nothing", true},
                                    {"(no)", true},
                                    {"", true},
                                    {"\"no\"", true}});
}

TEST(AutomaticSignals, BulkPrecedence) {
  ExpectEach(IsBulkPrecedenceValue, {{"bulk", true},
                                     {"Junk", true},
                                     {"LIST", true},
                                     {"list; x", true},
                                     {"first-class", false},
                                     {"bulk-ish", false},
                                     {"", false},
                                     {"(bulk)", false}});
}

TEST(AutomaticSignals, SuppressionTokens) {
  ExpectEach(SuppressesOutOfOffice, {{"All", true},
                                     {"OOF", true},
                                     {" oof ", true},
                                     {"DR,OOF", true},
                                     {"DR, RN, NRN, All", true},
                                     {"DR", false},
                                     {"RN, NRN", false},
                                     {"AutoReply", false},
                                     {"OOFALL", false},
                                     {"", false}});
}

TEST(AutomaticSignals, ReportContentType) {
  ExpectEach(IsReportContentType, {{"multipart/report; report-type=delivery-status", true},
                                   {"MULTIPART/REPORT", true},
                                   {"multipart / report ; x=y", true},
                                   {"(c) multipart/report", true},
                                   {"multipart/reports", false},
                                   {"multipart/mixed; report-type=x", false},
                                   {"text/plain; name=\"multipart/report\"", false},
                                   {"", false}});
}

}  // namespace
}  // namespace ar
