// The `when`, duration and `window` syntax of sequence steps.
#include <gtest/gtest.h>

#include "sequence/when_syntax.h"
#include "sequence/window_syntax.h"

namespace ar {
namespace {

TEST(SequenceDuration, EveryUnit) {
  EXPECT_EQ(*ParseSequenceDuration("90s"), Seconds(90));
  EXPECT_EQ(*ParseSequenceDuration("15m"), Seconds(15 * 60));
  EXPECT_EQ(*ParseSequenceDuration("12h"), Seconds(12 * 3600));
  EXPECT_EQ(*ParseSequenceDuration("3d"), Seconds(3 * 86400));
  EXPECT_EQ(*ParseSequenceDuration("2w"), Seconds(14 * 86400));
  EXPECT_EQ(*ParseSequenceDuration("0d"), Seconds(0));
}

TEST(SequenceDuration, RefusesWhatIsNotOne) {
  for (const char* bad : {"", "d", "3", "3 d", "-3d", "3y", "1.5d", "3D", "99999999999d", "522w"}) {
    EXPECT_FALSE(ParseSequenceDuration(bad).ok()) << bad;
  }
  EXPECT_TRUE(ParseSequenceDuration("521w").ok());
}

TEST(SequenceDuration, FormatsWithTheLargestExactUnit) {
  EXPECT_EQ(FormatSequenceDuration(Seconds(14 * 86400)), "2w");
  EXPECT_EQ(FormatSequenceDuration(Seconds(3 * 86400)), "3d");
  EXPECT_EQ(FormatSequenceDuration(Seconds(7200)), "2h");
  EXPECT_EQ(FormatSequenceDuration(Seconds(90)), "90s");
  EXPECT_EQ(FormatSequenceDuration(Seconds(0)), "0d");
}

TEST(StepWhen, AnchorsAndDirections) {
  Result<StepWhen> w = ParseStepWhen("3d after previous");
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w->anchor, StepAnchor::kPrevious);
  EXPECT_EQ(w->offset, Seconds(3 * 86400));

  w = ParseStepWhen("  10d   AFTER  enrolment ");
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w->anchor, StepAnchor::kEnrolment);

  w = ParseStepWhen("7d before exam_date");
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w->anchor, StepAnchor::kVariable);
  EXPECT_EQ(w->variable, "exam_date");
  EXPECT_EQ(w->offset, Seconds(-7 * 86400));

  w = ParseStepWhen("12h after delivery_date");
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w->offset, Seconds(12 * 3600));
}

TEST(StepWhen, RefusesNonsense) {
  for (const char* bad : {"", "3d", "after previous", "3d before previous", "3d before enrolment",
                          "3d after", "3d after a-b", "3d since previous", "3d after previous x"}) {
    EXPECT_FALSE(ParseStepWhen(bad).ok()) << bad;
  }
}

TEST(StepWhen, FormatRoundTrips) {
  for (const char* text : {"3d after previous", "10d after enrolment", "3d before exam_date",
                           "90s after previous", "2w after order_date"}) {
    Result<StepWhen> w = ParseStepWhen(text);
    ASSERT_TRUE(w.ok()) << text;
    StepSpec step;
    step.anchor = w->anchor;
    step.anchor_variable = w->variable;
    step.offset = w->offset;
    EXPECT_EQ(FormatStepWhen(step), text);
  }
}

TEST(SendWindowSyntax, DaysAndHours) {
  Result<SendWindow> w = ParseSendWindow("mon-fri 09:00-17:00");
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w->weekdays, 0x1fu);
  EXPECT_EQ(w->start_minute, 540);
  EXPECT_EQ(w->end_minute, 1020);

  w = ParseSendWindow("Mon, Wed, FRI");
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w->weekdays, 0x15u);
  EXPECT_EQ(w->start_minute, 0);
  EXPECT_EQ(w->end_minute, 1440);

  w = ParseSendWindow("08:30-24:00");
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w->weekdays, 0x7fu);
  EXPECT_EQ(w->start_minute, 510);
  EXPECT_EQ(w->end_minute, 1440);

  w = ParseSendWindow("fri-mon 10:00-14:00");  // wraps over the weekend
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w->weekdays, 0x71u);
}

TEST(SendWindowSyntax, RefusesNonsense) {
  for (const char* bad :
       {"", "weekdays", "mon-fry", "mon 9-17", "mon 17:00-09:00", "mon 09:00", "mon 24:00-24:00",
        "mon 10:00-24:01", "mon 09:00-17:00 extra", "09:00-17:00 mon", "mon 25:00-26:00"}) {
    EXPECT_FALSE(ParseSendWindow(bad).ok()) << bad;
  }
}

TEST(SendWindowSyntax, FormatRoundTrips) {
  for (const char* text : {"mon-fri 09:00-17:00", "mon,wed,fri 00:00-24:00", "08:30-20:00",
                           "mon,sat-sun 10:00-14:00"}) {
    Result<SendWindow> w = ParseSendWindow(text);
    ASSERT_TRUE(w.ok()) << text;
    EXPECT_EQ(FormatSendWindow(*w), text);
  }
}

}  // namespace
}  // namespace ar
