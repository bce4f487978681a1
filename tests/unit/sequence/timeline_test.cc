#include "sequence/timeline.h"

#include <date/tz.h>
#include <gtest/gtest.h>

#include <string>

namespace ar {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

constexpr Seconds kDay{86400};
constexpr unsigned kMonFri = 0x1f;
constexpr unsigned kEveryDay = 0x7f;

TimePoint Utc(int y, unsigned m, unsigned d, int h, int min = 0) {
  return TimePoint{date::sys_days{date::year{y} / date::month{m} / date::day{d}}} + hours{h} +
         minutes{min};
}

// The wall clock in zone, for messages and for checks that read like the spec.
std::string Local(TimePoint t, const std::string& zone) {
  return date::format("%Y-%m-%d %a %H:%M %Z", date::make_zoned(zone, t));
}

SendWindow Window(unsigned weekdays, int start_hour, int start_min, int end_hour, int end_min) {
  SendWindow w;
  w.weekdays = weekdays;
  w.start_minute = start_hour * 60 + start_min;
  w.end_minute = end_hour * 60 + end_min;
  return w;
}

StepSpec Step(StepAnchor anchor, Seconds offset, std::optional<SendWindow> window = std::nullopt,
              std::string variable = "") {
  StepSpec s;
  s.name = "step";
  s.anchor = anchor;
  s.offset = offset;
  s.window = window;
  s.anchor_variable = std::move(variable);
  return s;
}

SequenceDefinition Definition(std::string zone, std::vector<StepSpec> steps) {
  SequenceDefinition d;
  d.name = "test";
  d.time_zone = std::move(zone);
  d.steps = std::move(steps);
  return d;
}

Enrolment EnrolledAt(TimePoint t) {
  Enrolment e;
  e.person = "alice@example.com";
  e.sequence = "test";
  e.enrolled_at = t;
  return e;
}

// "3d after enrolment" for someone enrolled at `enrolled` in zone.
TimePoint ThreeDaysAfter(const std::string& zone, TimePoint enrolled) {
  const auto due = StepDueTime(Definition(zone, {Step(StepAnchor::kEnrolment, 3 * kDay)}), 0,
                               EnrolledAt(enrolled));
  EXPECT_TRUE(due.ok()) << due.status().ToString();
  return due.ok() ? *due : TimePoint{};
}

// ---- Calendar days across DST ---------------------------------------------

TEST(Timeline, ThreeDaysKeepsLocalTimeAcrossSpringForwardInOslo) {
  // Clocks go 02:00 CET -> 03:00 CEST on Sunday 2025-03-30.
  const TimePoint enrolled = Utc(2025, 3, 28, 9);  // Fri 10:00 CET
  ASSERT_EQ(Local(enrolled, "Europe/Oslo"), "2025-03-28 Fri 10:00 CET");
  const TimePoint due = ThreeDaysAfter("Europe/Oslo", enrolled);
  EXPECT_EQ(Local(due, "Europe/Oslo"), "2025-03-31 Mon 10:00 CEST");
  EXPECT_EQ(due, Utc(2025, 3, 31, 8));  // 71 hours, not 72
}

TEST(Timeline, ThreeDaysKeepsLocalTimeAcrossFallBackInOslo) {
  // Clocks go 03:00 CEST -> 02:00 CET on Sunday 2025-10-26.
  const TimePoint due = ThreeDaysAfter("Europe/Oslo", Utc(2025, 10, 24, 8));  // Fri 10:00 CEST
  EXPECT_EQ(Local(due, "Europe/Oslo"), "2025-10-27 Mon 10:00 CET");
  EXPECT_EQ(due, Utc(2025, 10, 27, 9));  // 73 hours
}

TEST(Timeline, ThreeDaysKeepsLocalTimeAcrossSpringForwardInNewYork) {
  // 2025-03-09 02:00 EST -> 03:00 EDT.
  const TimePoint due = ThreeDaysAfter("America/New_York", Utc(2025, 3, 7, 15));  // Fri 10:00 EST
  EXPECT_EQ(Local(due, "America/New_York"), "2025-03-10 Mon 10:00 EDT");
  EXPECT_EQ(due, Utc(2025, 3, 10, 14));
}

TEST(Timeline, ThreeDaysKeepsLocalTimeAcrossFallBackInNewYork) {
  // 2025-11-02 02:00 EDT -> 01:00 EST.
  const TimePoint due = ThreeDaysAfter("America/New_York", Utc(2025, 10, 31, 14));  // Fri 10:00 EDT
  EXPECT_EQ(Local(due, "America/New_York"), "2025-11-03 Mon 10:00 EST");
  EXPECT_EQ(due, Utc(2025, 11, 3, 15));
}

TEST(Timeline, ThreeDaysKeepsLocalTimeWhenSydneyDaylightSavingEndsInApril) {
  // Southern hemisphere: 2025-04-06 03:00 AEDT -> 02:00 AEST.
  const TimePoint enrolled = Utc(2025, 4, 3, 23);  // Fri 2025-04-04 10:00 AEDT
  ASSERT_EQ(Local(enrolled, "Australia/Sydney"), "2025-04-04 Fri 10:00 AEDT");
  const TimePoint due = ThreeDaysAfter("Australia/Sydney", enrolled);
  EXPECT_EQ(Local(due, "Australia/Sydney"), "2025-04-07 Mon 10:00 AEST");
  EXPECT_EQ(due, Utc(2025, 4, 7, 0));
}

TEST(Timeline, ThreeDaysKeepsLocalTimeWhenSydneyDaylightSavingStartsInOctober) {
  // 2025-10-05 02:00 AEST -> 03:00 AEDT.
  const TimePoint due = ThreeDaysAfter("Australia/Sydney", Utc(2025, 10, 3, 0));  // Fri 10:00 AEST
  EXPECT_EQ(Local(due, "Australia/Sydney"), "2025-10-06 Mon 10:00 AEDT");
  EXPECT_EQ(due, Utc(2025, 10, 5, 23));
}

TEST(Timeline, ThreeDaysInMoscowWithoutDaylightSavingIsSeventyTwoHours) {
  const TimePoint enrolled = Utc(2025, 10, 24, 7);  // Fri 10:00 MSK
  const TimePoint due = ThreeDaysAfter("Europe/Moscow", enrolled);
  EXPECT_EQ(Local(due, "Europe/Moscow"), "2025-10-27 Mon 10:00 MSK");
  EXPECT_EQ(due - enrolled, hours{72});
}

TEST(Timeline, OffsetsThatAreNotWholeDaysAreAbsoluteTime) {
  // 36 hours from Sat 10:00 CET across the spring-forward night: 23:00 CEST.
  const auto due = StepDueTime(Definition("Europe/Oslo", {Step(StepAnchor::kEnrolment, hours{36})}),
                               0, EnrolledAt(Utc(2025, 3, 29, 9)));
  ASSERT_TRUE(due.ok()) << due.status().ToString();
  EXPECT_EQ(*due, Utc(2025, 3, 29, 9) + hours{36});
  EXPECT_EQ(Local(*due, "Europe/Oslo"), "2025-03-30 Sun 23:00 CEST");
}

TEST(Timeline, WholeDaysLandingInADstGapTakeTheFirstInstantAfterIt) {
  // Sat 2025-03-08 02:30 EST + 1 calendar day = 02:30 on Sunday, which does
  // not exist in New York: 03:00 EDT.
  const auto due = StepDueTime(Definition("America/New_York", {Step(StepAnchor::kEnrolment, kDay)}),
                               0, EnrolledAt(Utc(2025, 3, 8, 7, 30)));
  ASSERT_TRUE(due.ok()) << due.status().ToString();
  EXPECT_EQ(Local(*due, "America/New_York"), "2025-03-09 Sun 03:00 EDT");
}

TEST(Timeline, ZeroOffsetInTheRepeatedHourStaysAtTheAnchor) {
  // 01:30 EST is the second 01:30 of 2025-11-02; going through local time
  // would pick the first and move the step an hour into the past.
  const TimePoint enrolled = Utc(2025, 11, 2, 6, 30);
  const auto due =
      StepDueTime(Definition("America/New_York", {Step(StepAnchor::kEnrolment, Seconds{0})}), 0,
                  EnrolledAt(enrolled));
  ASSERT_TRUE(due.ok());
  EXPECT_EQ(*due, enrolled);
}

// ---- Anchors ---------------------------------------------------------------

TEST(Timeline, AfterPreviousCountsFromThePreviousStepsSendTime) {
  const SequenceDefinition def = Definition("Europe/Oslo", {Step(StepAnchor::kPrevious, 3 * kDay),
                                                            Step(StepAnchor::kPrevious, 7 * kDay)});
  Enrolment e = EnrolledAt(Utc(2025, 3, 3, 9));  // Mon 10:00 CET
  const auto first = StepDueTime(def, 0, e);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(Local(*first, "Europe/Oslo"), "2025-03-06 Thu 10:00 CET");
  // Sent late (the MTA was down): the next step counts from the real send.
  e.history.push_back({0, Utc(2025, 3, 6, 13, 15), "<1@x>"});
  const auto second = StepDueTime(def, 1, e);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(Local(*second, "Europe/Oslo"), "2025-03-13 Thu 14:15 CET");
}

TEST(Timeline, AfterPreviousWithoutHistoryFallsBackToTheEnrolment) {
  const SequenceDefinition def =
      Definition("UTC", {Step(StepAnchor::kPrevious, kDay), Step(StepAnchor::kPrevious, 2 * kDay)});
  const auto due = StepDueTime(def, 1, EnrolledAt(Utc(2025, 1, 1, 12)));
  ASSERT_TRUE(due.ok());
  EXPECT_EQ(*due, Utc(2025, 1, 3, 12));
}

TEST(Timeline, AfterEnrolmentIgnoresThePreviousStep) {
  // Product X: 5d coupon, then free shipping 10d after the order itself.
  const SequenceDefinition def =
      Definition("Europe/Oslo",
                 {Step(StepAnchor::kPrevious, 5 * kDay), Step(StepAnchor::kEnrolment, 10 * kDay)});
  Enrolment e = EnrolledAt(Utc(2025, 5, 5, 10));
  e.history.push_back({0, Utc(2025, 5, 10, 18), "<1@x>"});
  const auto due = StepDueTime(def, 1, e);
  ASSERT_TRUE(due.ok());
  EXPECT_EQ(*due, Utc(2025, 5, 15, 10));
}

TEST(Timeline, BeforeACapturedDateCountsCalendarDaysBackFromLocalMidnight) {
  // "before exam_date 7d" with the exam on 2025-06-15 in Oslo: 2025-06-08 00:00 CEST.
  const SequenceDefinition def = Definition(
      "Europe/Oslo", {Step(StepAnchor::kVariable, -7 * kDay, std::nullopt, "exam_date")});
  Enrolment e = EnrolledAt(Utc(2025, 5, 1, 8));
  e.variables["exam_date"] = "2025-06-15";
  const auto due = StepDueTime(def, 0, e);
  ASSERT_TRUE(due.ok()) << due.status().ToString();
  EXPECT_EQ(Local(*due, "Europe/Oslo"), "2025-06-08 Sun 00:00 CEST");
  EXPECT_EQ(*due, Utc(2025, 6, 7, 22));
}

TEST(Timeline, BeforeACapturedDateAcrossDstKeepsMidnight) {
  // The exam is after the spring change, the reminder before it: still
  // 00:00 local, i.e. 23:00 UTC rather than 22:00.
  const SequenceDefinition def = Definition(
      "Europe/Oslo", {Step(StepAnchor::kVariable, -7 * kDay, std::nullopt, "exam_date")});
  Enrolment e = EnrolledAt(Utc(2025, 3, 1, 8));
  e.variables["exam_date"] = "02.04.2025";
  const auto due = StepDueTime(def, 0, e);
  ASSERT_TRUE(due.ok()) << due.status().ToString();
  EXPECT_EQ(Local(*due, "Europe/Oslo"), "2025-03-26 Wed 00:00 CET");
}

TEST(Timeline, CapturedDateWithTimeAndSubDayOffset) {
  const SequenceDefinition def = Definition(
      "America/New_York", {Step(StepAnchor::kVariable, -hours{2}, std::nullopt, "starts")});
  Enrolment e = EnrolledAt(Utc(2025, 3, 1, 8));
  e.variables["starts"] = "2025-07-04T09:30";
  const auto due = StepDueTime(def, 0, e);
  ASSERT_TRUE(due.ok()) << due.status().ToString();
  EXPECT_EQ(Local(*due, "America/New_York"), "2025-07-04 Fri 07:30 EDT");
}

TEST(Timeline, MissingCapturedVariableIsAnError) {
  const SequenceDefinition def = Definition(
      "Europe/Oslo", {Step(StepAnchor::kVariable, -7 * kDay, std::nullopt, "exam_date")});
  const auto due = StepDueTime(def, 0, EnrolledAt(Utc(2025, 5, 1, 8)));
  ASSERT_FALSE(due.ok());
  EXPECT_EQ(due.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(due.status().message().find("exam_date"), std::string::npos);
}

TEST(Timeline, CapturedVariableThatIsNotADateIsAnError) {
  const SequenceDefinition def = Definition(
      "Europe/Oslo", {Step(StepAnchor::kVariable, -7 * kDay, std::nullopt, "exam_date")});
  Enrolment e = EnrolledAt(Utc(2025, 5, 1, 8));
  e.variables["exam_date"] = "soon";
  const auto due = StepDueTime(def, 0, e);
  ASSERT_FALSE(due.ok());
  EXPECT_EQ(due.status().code(), Status::Code::kInvalidArgument);
}

TEST(Timeline, StepIndexPastTheEndIsAnError) {
  const auto due = StepDueTime(Definition("UTC", {Step(StepAnchor::kPrevious, kDay)}), 1,
                               EnrolledAt(Utc(2025, 1, 1, 0)));
  EXPECT_FALSE(due.ok());
}

TEST(Timeline, UnknownSequenceZoneIsAnError) {
  const auto due = StepDueTime(Definition("Mars/Olympus_Mons", {Step(StepAnchor::kPrevious, kDay)}),
                               0, EnrolledAt(Utc(2025, 1, 1, 0)));
  ASSERT_FALSE(due.ok());
  EXPECT_EQ(due.status().code(), Status::Code::kInvalidArgument);
}

TEST(Timeline, AbsurdStoredTimesAndOffsetsAreErrorsNotOverflow) {
  const auto far = StepDueTime(Definition("UTC", {Step(StepAnchor::kPrevious, kDay)}), 0,
                               EnrolledAt(TimePoint{Seconds{INT64_MAX / 2}}));
  EXPECT_FALSE(far.ok());
  const auto huge =
      StepDueTime(Definition("UTC", {Step(StepAnchor::kPrevious, Seconds{INT64_MAX})}), 0,
                  EnrolledAt(Utc(2025, 1, 1, 0)));
  EXPECT_FALSE(huge.ok());
}

// ---- Person time zone ------------------------------------------------------

TEST(EffectiveTimeZone, UsesThePersonsZoneWhenTheVariableHoldsAValidOne) {
  SequenceDefinition def = Definition("Europe/Oslo", {});
  def.person_time_zone_variable = "tz";
  Enrolment e = EnrolledAt(Utc(2025, 1, 1, 0));
  e.variables["tz"] = "America/New_York";
  EXPECT_EQ(EffectiveTimeZone(def, e), "America/New_York");
}

TEST(EffectiveTimeZone, FallsBackToTheSequenceZoneForMissingOrInvalidValues) {
  SequenceDefinition def = Definition("Europe/Oslo", {});
  def.person_time_zone_variable = "tz";
  Enrolment e = EnrolledAt(Utc(2025, 1, 1, 0));
  EXPECT_EQ(EffectiveTimeZone(def, e), "Europe/Oslo");
  for (const char* bad : {"", "Mars/Olympus_Mons", "../../../etc/passwd", "Europe/", "+02:00"}) {
    e.variables["tz"] = bad;
    EXPECT_EQ(EffectiveTimeZone(def, e), "Europe/Oslo") << bad;
  }
}

TEST(EffectiveTimeZone, IgnoresThePersonsVariableWhenTheSequenceNamesNone) {
  const SequenceDefinition def = Definition("Europe/Oslo", {});
  Enrolment e = EnrolledAt(Utc(2025, 1, 1, 0));
  e.variables["tz"] = "America/New_York";
  EXPECT_EQ(EffectiveTimeZone(def, e), "Europe/Oslo");
}

TEST(Timeline, WindowUsesThePersonsZone) {
  // 1d after enrolment, window 09:00-17:00 every day. Enrolled at 08:00 UTC
  // Monday: in Oslo the due time (Tue 09:00 CET) is inside the window; in
  // New York it is 03:00 EST and moves to 09:00 EST.
  SequenceDefinition def = Definition(
      "Europe/Oslo", {Step(StepAnchor::kEnrolment, kDay, Window(kEveryDay, 9, 0, 17, 0))});
  def.person_time_zone_variable = "tz";
  Enrolment e = EnrolledAt(Utc(2025, 1, 6, 8));
  const auto oslo = StepDueTime(def, 0, e);
  ASSERT_TRUE(oslo.ok());
  EXPECT_EQ(*oslo, Utc(2025, 1, 7, 8));
  e.variables["tz"] = "America/New_York";
  const auto ny = StepDueTime(def, 0, e);
  ASSERT_TRUE(ny.ok());
  EXPECT_EQ(Local(*ny, "America/New_York"), "2025-01-07 Tue 09:00 EST");
  e.variables["tz"] = "Not/A_Zone";
  const auto fallback = StepDueTime(def, 0, e);
  ASSERT_TRUE(fallback.ok());
  EXPECT_EQ(*fallback, *oslo);
}

// ---- Send windows ----------------------------------------------------------

TEST(SendWindow, InsideTheWindowIsUnchanged) {
  const TimePoint t = Utc(2025, 3, 5, 12, 17);  // Wed 13:17 CET
  const auto next = NextWindowOpening(t, Window(kMonFri, 9, 0, 17, 0), "Europe/Oslo");
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(*next, t);
}

TEST(SendWindow, BeforeTheStartMovesToTheStartTheSameDay) {
  const auto next =
      NextWindowOpening(Utc(2025, 3, 5, 6), Window(kMonFri, 9, 0, 17, 0), "Europe/Oslo");
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(Local(*next, "Europe/Oslo"), "2025-03-05 Wed 09:00 CET");
}

TEST(SendWindow, EndIsExclusive) {
  const auto next =
      NextWindowOpening(Utc(2025, 3, 5, 16), Window(kMonFri, 9, 0, 17, 0), "Europe/Oslo");
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(Local(*next, "Europe/Oslo"), "2025-03-06 Thu 09:00 CET");
}

TEST(SendWindow, FridayEveningMovesToMondayMorningInOslo) {
  // Fri 18:00 CEST, and the clocks go back on the Sunday between.
  const auto next =
      NextWindowOpening(Utc(2025, 10, 24, 16), Window(kMonFri, 9, 0, 17, 0), "Europe/Oslo");
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(Local(*next, "Europe/Oslo"), "2025-10-27 Mon 09:00 CET");
  EXPECT_EQ(*next, Utc(2025, 10, 27, 8));
}

TEST(SendWindow, FridayEveningMovesToMondayMorningInNewYork) {
  // Fri 18:00 EST; the clocks go forward on the Sunday between.
  const auto next =
      NextWindowOpening(Utc(2025, 3, 7, 23), Window(kMonFri, 9, 0, 17, 0), "America/New_York");
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(Local(*next, "America/New_York"), "2025-03-10 Mon 09:00 EDT");
  EXPECT_EQ(*next, Utc(2025, 3, 10, 13));
}

TEST(SendWindow, FridayEveningMovesToMondayMorningInSydney) {
  // Fri 2025-04-04 18:00 AEDT; daylight saving ends on the Sunday between.
  const auto next =
      NextWindowOpening(Utc(2025, 4, 4, 7), Window(kMonFri, 9, 0, 17, 0), "Australia/Sydney");
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(Local(*next, "Australia/Sydney"), "2025-04-07 Mon 09:00 AEST");
  EXPECT_EQ(*next, Utc(2025, 4, 6, 23));
}

TEST(SendWindow, FridayEveningMovesToMondayMorningInMoscow) {
  const auto next =
      NextWindowOpening(Utc(2025, 3, 7, 15), Window(kMonFri, 9, 0, 17, 0), "Europe/Moscow");
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(*next, Utc(2025, 3, 10, 6));
}

TEST(SendWindow, WeekendOnlyWindowSkipsTheWorkWeek) {
  const unsigned sat_sun = 0x60;
  const auto next =
      NextWindowOpening(Utc(2025, 3, 3, 12), Window(sat_sun, 10, 0, 12, 0), "UTC");  // Monday
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(*next, Utc(2025, 3, 8, 10));
}

TEST(SendWindow, SameWeekdayAfterTheWindowWaitsAWeek) {
  const unsigned monday = 0x01;
  const auto next = NextWindowOpening(Utc(2025, 3, 3, 18), Window(monday, 9, 0, 17, 0), "UTC");
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(*next, Utc(2025, 3, 10, 9));
}

TEST(SendWindow, StartInsideASpringForwardGapOpensAtTheEndOfTheGap) {
  // 02:30 does not exist in New York on 2025-03-09: the window opens at
  // 03:00 EDT, the first instant after the gap.
  const auto next = NextWindowOpening(Utc(2025, 3, 8, 11), Window(kEveryDay, 2, 30, 5, 0),
                                      "America/New_York");  // Sat 06:00 EST
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(Local(*next, "America/New_York"), "2025-03-09 Sun 03:00 EDT");
  EXPECT_EQ(*next, Utc(2025, 3, 9, 7));
}

TEST(SendWindow, WindowWhollyInsideAGapDoesNotOpenThatDay) {
  const auto next =
      NextWindowOpening(Utc(2025, 3, 8, 11), Window(kEveryDay, 2, 0, 2, 45), "America/New_York");
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(Local(*next, "America/New_York"), "2025-03-10 Mon 02:00 EDT");
}

TEST(SendWindow, StartInTheRepeatedHourTakesTheFirstOccurrence) {
  // 01:30 happens twice in New York on 2025-11-02: EDT first.
  const auto next =
      NextWindowOpening(Utc(2025, 11, 1, 16), Window(kEveryDay, 1, 30, 4, 0), "America/New_York");
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(Local(*next, "America/New_York"), "2025-11-02 Sun 01:30 EDT");
  EXPECT_EQ(*next, Utc(2025, 11, 2, 5, 30));
}

TEST(SendWindow, DuringTheRepeatedHourTheSecondOccurrenceOfTheStartStillCounts) {
  // 01:15 EST (after the first 01:30 EDT has passed) is before 01:30 local:
  // the window opens at 01:30 EST, never in the past.
  const TimePoint t = Utc(2025, 11, 2, 6, 15);
  ASSERT_EQ(Local(t, "America/New_York"), "2025-11-02 Sun 01:15 EST");
  const auto next = NextWindowOpening(t, Window(kEveryDay, 1, 30, 4, 0), "America/New_York");
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(*next, Utc(2025, 11, 2, 6, 30));
}

TEST(SendWindow, WindowThatNeverOpensIsAnError) {
  const auto none = NextWindowOpening(Utc(2025, 3, 3, 12), Window(0, 9, 0, 17, 0), "UTC");
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().code(), Status::Code::kInvalidArgument);
  EXPECT_FALSE(NextWindowOpening(Utc(2025, 3, 3, 12), Window(kEveryDay, 17, 0, 9, 0), "UTC").ok());
  EXPECT_FALSE(NextWindowOpening(Utc(2025, 3, 3, 12), Window(kEveryDay, 9, 0, 9, 0), "UTC").ok());
  EXPECT_FALSE(NextWindowOpening(Utc(2025, 3, 3, 12), Window(kEveryDay, 9, 0, 25, 0), "UTC").ok());
}

TEST(SendWindow, UnknownZoneIsAnError) {
  EXPECT_FALSE(
      NextWindowOpening(Utc(2025, 3, 3, 12), Window(kEveryDay, 9, 0, 17, 0), "Nowhere/City").ok());
  EXPECT_FALSE(NextWindowOpening(Utc(2025, 3, 3, 12), Window(kEveryDay, 9, 0, 17, 0), "").ok());
}

TEST(Timeline, DelayIsCountedFirstThenTheWindowApplies) {
  // Enrolled Wed 10:00 CET; 3d later is Saturday, outside mon-fri: Monday 09:00.
  const SequenceDefinition def = Definition(
      "Europe/Oslo", {Step(StepAnchor::kPrevious, 3 * kDay, Window(kMonFri, 9, 0, 17, 0))});
  const auto due = StepDueTime(def, 0, EnrolledAt(Utc(2025, 3, 5, 9)));
  ASSERT_TRUE(due.ok());
  EXPECT_EQ(Local(*due, "Europe/Oslo"), "2025-03-10 Mon 09:00 CET");
}

}  // namespace
}  // namespace ar
