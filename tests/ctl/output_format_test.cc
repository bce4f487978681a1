#include "ctl/output_format.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace ar {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// 2026-12-19T23:00:00Z = 2026-12-20 00:00 in Oslo.
const TimePoint kStart = FromUnixSeconds(1797721200);
// 2027-01-03T23:00:00Z = 2027-01-04 00:00 in Oslo.
const TimePoint kEnd = FromUnixSeconds(1799017200);

OutOfOfficeRule OsloRule() {
  OutOfOfficeRule rule;
  rule.address = "ole@example.no";
  rule.aliases = {"ole.hansen@example.no", "post@example.no"};
  rule.display_name = "Ole Hansen";
  rule.subject = "Ferie";
  rule.text_body = "Jeg er på ferie.\nHilsen Ole";
  rule.internal_text_body = "Ring Kari.";
  rule.start = kStart;
  rule.end = kEnd;
  rule.time_zone = "Europe/Oslo";
  rule.generation = 3;
  return rule;
}

TEST(OutputFormat, DurationsUseTheLargestExactUnit) {
  EXPECT_EQ(FormatPeriod(Seconds(7 * 86400)), "1w");
  EXPECT_EQ(FormatPeriod(Seconds(3 * 86400)), "3d");
  EXPECT_EQ(FormatPeriod(Seconds(12 * 3600)), "12h");
  EXPECT_EQ(FormatPeriod(Seconds(90 * 60)), "90m");
  EXPECT_EQ(FormatPeriod(Seconds(45)), "45s");
  EXPECT_EQ(FormatPeriod(Seconds(0)), "0s");
}

TEST(OutputFormat, TimesInTheRuleZone) {
  EXPECT_EQ(FormatInZone(kStart, "Europe/Oslo"), "2026-12-20 00:00:00 CET (+0100)");
  EXPECT_EQ(FormatInZone(kStart, ""), "2026-12-19 23:00:00 UTC (+0000)");
  EXPECT_EQ(FormatCompactInZone(kStart, "Europe/Oslo"), "2026-12-20T00:00+01:00");
  EXPECT_EQ(FormatCompactInZone(kStart, "America/New_York"), "2026-12-19T18:00-05:00");
  EXPECT_EQ(FormatCompactInZone(kStart, ""), "2026-12-19T23:00Z");
}

TEST(OutputFormat, ListLineHasAddressStateWindowAndAliases) {
  EXPECT_EQ(FormatRuleLine(OsloRule()),
            "ole@example.no\ton\t2026-12-20T00:00+01:00..2027-01-04T00:00+01:00\t"
            "ole.hansen@example.no,post@example.no\n");
  OutOfOfficeRule open = OsloRule();
  open.enabled = false;
  open.aliases.clear();
  open.start.reset();
  EXPECT_EQ(FormatRuleLine(open), "ole@example.no\toff\t..2027-01-04T00:00+01:00\t-\n");
  open.end.reset();
  EXPECT_EQ(FormatRuleLine(open), "ole@example.no\toff\talways\t-\n");
}

TEST(OutputFormat, ActivityExplainsWhyARuleIsNotActive) {
  const OutOfOfficeRule rule = OsloRule();
  EXPECT_THAT(DescribeActivity(rule, kStart - Seconds(1)), HasSubstr("no: starts 2026-12-20"));
  EXPECT_THAT(DescribeActivity(rule, kStart), HasSubstr("yes"));
  EXPECT_THAT(DescribeActivity(rule, kEnd - Seconds(1)), HasSubstr("yes: until 2027-01-04"));
  // The end is exclusive.
  EXPECT_THAT(DescribeActivity(rule, kEnd), HasSubstr("no: ended 2027-01-04"));
  OutOfOfficeRule off = rule;
  off.enabled = false;
  EXPECT_THAT(DescribeActivity(off, kStart), HasSubstr("off"));
  OutOfOfficeRule always = rule;
  always.start.reset();
  always.end.reset();
  EXPECT_EQ(DescribeActivity(always, kStart), "yes");
}

TEST(OutputFormat, DetailsShowEveryFieldInUtcAndInTheZone) {
  const std::string details = FormatRuleDetails(OsloRule(), kStart + Seconds(3600));
  for (const char* expected :
       {"address: ole@example.no\n", "aliases: ole.hansen@example.no, post@example.no\n",
        "state: on\n", "active now: yes", "generation: 3\n", "name: Ole Hansen\n",
        "subject: Ferie\n", "period: 1w\n", "external senders: all\n", "time zone: Europe/Oslo\n",
        "start: 2026-12-19T23:00:00Z  (2026-12-20 00:00:00 CET (+0100), Europe/Oslo)\n",
        "end: 2027-01-03T23:00:00Z  (2027-01-04 00:00:00 CET (+0100), Europe/Oslo)\n",
        "text:\n    Jeg er på ferie.\n    Hilsen Ole\n", "html: -\n",
        "internal text:\n    Ring Kari.\n"}) {
    EXPECT_THAT(details, HasSubstr(expected));
  }
}

TEST(OutputFormat, StoredTextCannotDriveTheTerminal) {
  EXPECT_EQ(PrintableLine("a\x1b[31mred\tb\r\n"), "a [31mred b  ");
  QueueItem item;
  item.id = 42;
  item.due = kStart;
  item.envelope_recipient = "evil\x1b]0;title\x07@example.org";
  item.user = "ole@example.no";
  item.attempts = 2;
  item.last_error = "451 try\nlater";
  const std::string line = FormatQueueLine(item);
  EXPECT_EQ(
      line,
      "2026-12-19T23:00:00Z\t42\tevil ]0;title @example.org\tole@example.no\t2\twaiting\t-\t451 try later\n");
  EXPECT_THAT(line.substr(0, line.size() - 1), Not(HasSubstr("\n")));
}

TEST(OutputFormat, QueueLineWithoutErrorShowsADash) {
  QueueItem item;
  item.id = 7;
  item.due = kStart;
  item.envelope_recipient = "kari@example.org";
  item.user = "ole@example.no";
  EXPECT_EQ(FormatQueueLine(item),
            "2026-12-19T23:00:00Z\t7\tkari@example.org\tole@example.no\t0\twaiting\t-\t-\n");
}

TEST(OutputFormat, FailedLineNamesTheKindAndForAStepTheSequenceAndStep) {
  QueueItem reply;
  reply.id = 7;
  reply.due = kStart;
  reply.envelope_recipient = "kari@example.org";
  reply.user = "ole@example.no";
  reply.attempts = 5;
  reply.last_error = "550 5.1.1 no such\nuser";
  EXPECT_EQ(FormatFailedLine(reply, "ignored"),
            "2026-12-19T23:00:00Z\t7\treply\tkari@example.org\tole@example.no\t5\t"
            "550 5.1.1 no such user\n");
  QueueItem step;
  step.id = 8;
  step.kind = QueueItemKind::kSequenceStep;
  step.due = kStart;
  step.sequence = "canon-eos-5d";
  step.step = 2;
  step.envelope_recipient = "kari@example.org";
  step.user = "kari@example.org";
  step.last_error = "skipped: overdue by 3d";
  EXPECT_EQ(FormatFailedLine(step, "coupon"),
            "2026-12-19T23:00:00Z\t8\tstep\tkari@example.org\tcanon-eos-5d/coupon\t0\t"
            "skipped: overdue by 3d\n");
  step.last_error.clear();
  EXPECT_THAT(FormatFailedLine(step, "#3"), HasSubstr("\tcanon-eos-5d/#3\t0\t-\n"));
}

}  // namespace
}  // namespace ar