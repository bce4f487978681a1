// The sequence-era commands of autoresponder-ctl against a temporary store
// and a sequence directory written by each test: sequence list, show,
// enrol, unenrol, migrate, render; person show; suppression; schedule;
// coupon verify. Mostly in-process (RunCtl); a few through the real binary.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ctl/enrolment_migration.h"
#include "sequence/tokens.h"
#include "sequence_ctl_fixture.h"

namespace ar {
namespace {

using ::ar::testing::kSecretKey;
using ::ar::testing::kSequenceNow;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::MatchesRegex;
using ::testing::Not;

constexpr int64_t kDay = 86400;
constexpr char kKari[] = "kari@example.org";
constexpr char kOla[] = "ola@example.org";

TimePoint At(int64_t offset) { return FromUnixSeconds(kSequenceNow + offset); }

// v2 of drip: a step "intro" before the others, the coupon 3 days after
// the welcome instead of 2.
constexpr char kDripV2[] =
    "[sequence]\n"
    "name = drip\n"
    "from = Shop <shop@shop.example>\n"
    "coupon_format = DR-XXXX-XXXX\n"
    "[trigger]\n"
    "recipient = ^leads@shop\\.example$\n"
    "[step intro]\n"
    "when = 1h after previous\n"
    "template = welcome.txt\n"
    "[step welcome]\n"
    "when = 1d after previous\n"
    "template = welcome.txt\n"
    "[step coupon]\n"
    "when = 3d after previous\n"
    "template = coupon.txt\n";

// v3: the coupon step renamed.
constexpr char kDripV3[] =
    "[sequence]\n"
    "name = drip\n"
    "from = Shop <shop@shop.example>\n"
    "[trigger]\n"
    "recipient = ^leads@shop\\.example$\n"
    "[step welcome]\n"
    "when = 1d after previous\n"
    "template = welcome.txt\n"
    "[step discount]\n"
    "when = 5d after previous\n"
    "template = coupon.txt\n";

using SequenceCommands = ::ar::testing::SequenceCtlTest;

std::vector<QueueItem> StepsOf(const std::vector<QueueItem>& queue, const std::string& person) {
  std::vector<QueueItem> steps;
  for (const QueueItem& item : queue) {
    if (item.kind == QueueItemKind::kSequenceStep && item.user == person) steps.push_back(item);
  }
  return steps;
}

TEST_F(SequenceCommands, EnrolQueuesTheFirstStepAtItsDueTime) {
  auto run = Ctl({"sequence", "enrol", "drip", "Kari@Example.org", "--name", "Kari Nordmann",
                  "--var", "product=EOS 5D"});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("enrolled kari@example.org in drip"));
  EXPECT_THAT(run.out, HasSubstr("step 1 welcome due 2026-12-22T12:00:00Z"));

  auto steps = StepsOf(Queue(), kKari);
  ASSERT_EQ(steps.size(), 1u);
  EXPECT_EQ(steps[0].step, 0u);
  EXPECT_EQ(steps[0].due, At(kDay));

  auto store = OpenStore();
  auto enrolment = store->sequences().GetEnrolment(kKari, "drip");
  ASSERT_TRUE(enrolment.ok() && enrolment->has_value());
  EXPECT_EQ((*enrolment)->display_name, "Kari Nordmann");
  EXPECT_EQ((*enrolment)->variables.at("product"), "EOS 5D");
  // The dispatcher renders from the stored version.
  auto version = store->sequences().GetSequenceVersion("drip", (*enrolment)->version);
  ASSERT_TRUE(version.ok());
  EXPECT_TRUE(version->has_value());
}

TEST_F(SequenceCommands, EnrolRefusesAnActiveMemberASuppressedPersonAndBadInput) {
  ASSERT_EQ(Ctl({"sequence", "enrol", "drip", kKari}).code, 0);
  auto again = Ctl({"sequence", "enrol", "drip", kKari});
  EXPECT_EQ(again.code, 1);
  EXPECT_THAT(again.err, HasSubstr("already active"));
  EXPECT_EQ(StepsOf(Queue(), kKari).size(), 1u);

  ASSERT_EQ(Ctl({"suppression", "add", kOla}).code, 0);
  auto suppressed = Ctl({"sequence", "enrol", "drip", kOla});
  EXPECT_EQ(suppressed.code, 1);
  EXPECT_THAT(suppressed.err, HasSubstr("suppressed"));

  EXPECT_EQ(Ctl({"sequence", "enrol", "nosuch", kOla}).code, 1);
  EXPECT_EQ(Ctl({"sequence", "enrol", "drip", "not an address"}).code, 2);
  EXPECT_EQ(Ctl({"sequence", "enrol", "drip", "x@example.org", "--var", "1bad=x"}).code, 2);
  EXPECT_EQ(Ctl({"sequence", "enrol", "drip"}).code, 2);
  EXPECT_EQ(Ctl({"sequence", "frobnicate"}).code, 2);
}

TEST_F(SequenceCommands, ListAndShowDescribeTheCurrentDefinitions) {
  ASSERT_EQ(Ctl({"sequence", "enrol", "drip", kKari}).code, 0);
  auto list = Ctl({"sequence", "list"});
  ASSERT_EQ(list.code, 0) << list.err;
  EXPECT_THAT(list.out, MatchesRegex("NAME\tVERSION\tSTEPS\tACTIVE\n"
                                     "drip\t[0-9a-f]{12}\t2 steps\t1 active\n"));

  auto show = Ctl({"sequence", "show", "drip"});
  ASSERT_EQ(show.code, 0) << show.err;
  EXPECT_THAT(show.out, HasSubstr("recipient ~ ^leads@shop\\.example$"));
  EXPECT_THAT(show.out, HasSubstr("step 1 welcome: 1d after previous; template welcome.txt"));
  EXPECT_THAT(show.out, HasSubstr("step 2 coupon: 2d after previous"));
  EXPECT_THAT(show.out, HasSubstr("re-entry: ignore"));
  EXPECT_THAT(show.out, HasSubstr("active members: 1"));
  EXPECT_EQ(Ctl({"sequence", "show", "nosuch"}).code, 1);
}

TEST_F(SequenceCommands, PersonShowHasPastStepsWithMessageIdsAndProjectedOnes) {
  ASSERT_EQ(Ctl({"sequence", "enrol", "drip", kKari, "--name", "Kari"}).code, 0);
  RecordNextStepSent(kKari, At(kDay + 60), At(3 * kDay + 60), "<w1@shop.example>");
  auto run = Ctl({"person", "show", kKari});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("suppressed: no"));
  EXPECT_THAT(run.out, HasSubstr("sequence drip"));
  EXPECT_THAT(run.out, HasSubstr("state: active"));
  EXPECT_THAT(run.out, HasSubstr("enrolled: 2026-12-21T12:00:00Z"));
  EXPECT_THAT(run.out, HasSubstr("sent: 2026-12-22T12:01:00Z (2026-12-22T12:01Z)\twelcome\t"
                                 "<w1@shop.example>"));
  EXPECT_THAT(run.out, HasSubstr("next: 2026-12-24T12:01:00Z (2026-12-24T12:01Z)\tcoupon"));
}

TEST_F(SequenceCommands, PersonShowPrintsTheConsentRecordOfADoubleOptInEnrolment) {
  WriteSequence("news",
                "[sequence]\nname = news\nfrom = Shop <shop@shop.example>\n"
                "confirm = double-opt-in\nconfirm_template = confirm.txt\nconfirm_expiry = 3d\n"
                "legal_basis = Consent via the shop's form\n"
                "[trigger]\nrecipient = ^news@shop\\.example$\n"
                "[step welcome]\nwhen = 1d after previous\ntemplate = welcome.txt\n");
  WriteTemplate("confirm.txt", "Subject: Confirm\n\nWrite to {{confirm_mailto}}.\n");
  ASSERT_EQ(Ctl({"sequence", "enrol", "news", kKari}).code, 0);
  auto run = Ctl({"person", "show", kKari});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("consent: manual at 2026-12-21T12:00:00Z"));
  EXPECT_THAT(run.out, HasSubstr("legal basis: Consent via the shop's form"));
  EXPECT_THAT(run.out, HasSubstr("confirmation: double opt-in, not requested yet, expires "
                                 "2026-12-24T12:00:00Z"));
  // Only the confirmation is queued, and no step is projected before it.
  EXPECT_THAT(run.out, Not(HasSubstr("next: ")));
  std::vector<QueueItem> queue = Queue();
  ASSERT_EQ(queue.size(), 1u);
  EXPECT_EQ(queue[0].step, kConfirmationStep);
}

TEST_F(SequenceCommands, PersonShowOfAPlainEnrolmentHasAConsentRecordWithoutConfirmation) {
  ASSERT_EQ(Ctl({"sequence", "enrol", "drip", kKari}).code, 0);
  auto run = Ctl({"person", "show", kKari});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("consent: manual at "));
  EXPECT_THAT(run.out, Not(HasSubstr("confirmation:")));
}

TEST_F(SequenceCommands, PersonShowProjectsLaterStepsAssumingOnTimeSends) {
  ASSERT_EQ(Ctl({"sequence", "enrol", "drip", kKari}).code, 0);
  auto run = Ctl({"person", "show", kKari});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("next: 2026-12-22T12:00:00Z"));
  EXPECT_THAT(run.out, HasSubstr("then: 2026-12-24T12:00:00Z (2026-12-24T12:00Z)\tcoupon"));
  EXPECT_THAT(run.out, HasSubstr("sent: -"));
}

TEST_F(SequenceCommands, UnenrolEndsTheEnrolmentAndRemovesItsQueuedStep) {
  ASSERT_EQ(Ctl({"sequence", "enrol", "drip", kKari}).code, 0);
  auto run = Ctl({"sequence", "unenrol", "drip", kKari});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_TRUE(StepsOf(Queue(), kKari).empty());
  auto show = Ctl({"person", "show", kKari});
  EXPECT_THAT(show.out, HasSubstr("state: left"));
  EXPECT_THAT(show.out, HasSubstr("left: manual at 2026-12-21T12:00:00Z"));
  EXPECT_THAT(show.out, Not(HasSubstr("next:")));
  EXPECT_EQ(Ctl({"sequence", "unenrol", "drip", kKari}).code, 1);
}

TEST_F(SequenceCommands, SuppressionAddListRemove) {
  ASSERT_EQ(Ctl({"sequence", "enrol", "drip", kKari}).code, 0);
  auto add = Ctl({"suppression", "add", kKari, "--reason", "asked by phone"});
  ASSERT_EQ(add.code, 0) << add.err;
  EXPECT_TRUE(StepsOf(Queue(), kKari).empty());
  auto list = Ctl({"suppression", "list"});
  EXPECT_EQ(list.out,
            "PERSON\tREASON\tSINCE\tSOFT_BOUNCES\n"
            "kari@example.org\tasked by phone\t2026-12-21T12:00:00Z\t0 soft bounces\n");
  EXPECT_THAT(Ctl({"person", "show", kKari}).out, HasSubstr("suppressed: yes, asked by phone"));
  ASSERT_EQ(Ctl({"suppression", "remove", kKari}).code, 0);
  EXPECT_THAT(Ctl({"suppression", "list"}).out, IsEmpty());
  EXPECT_EQ(Ctl({"suppression", "remove", kKari}).code, 1);
  EXPECT_EQ(Ctl({"suppression", "add", kKari, "--reason", "two\nlines"}).code, 2);
}

TEST_F(SequenceCommands, RenderPrintsTheMessageAndSendsNothing) {
  ASSERT_EQ(Ctl({"sequence", "enrol", "drip", kKari, "--name", "Kari Nordmann"}).code, 0);
  const std::vector<QueueItem> before = Queue();
  auto run = Ctl({"sequence", "render", "drip", "1", kKari});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("Subject: Welcome Kari\n"));
  EXPECT_THAT(run.out, HasSubstr("To: Kari Nordmann <kari@example.org>\n"));
  EXPECT_THAT(run.out, HasSubstr("List-Id: <drip.shop.example>"));
  EXPECT_THAT(run.out, HasSubstr("List-Unsubscribe: <mailto:unsubscribe+"));
  EXPECT_THAT(run.out, Not(HasSubstr("\r")));
  EXPECT_THAT(run.err, HasSubstr("not sent"));
  const std::vector<QueueItem> after = Queue();
  ASSERT_EQ(after.size(), before.size());
  for (size_t i = 0; i < after.size(); ++i) {
    EXPECT_EQ(after[i].id, before[i].id);
    EXPECT_EQ(after[i].due, before[i].due);
    EXPECT_EQ(after[i].attempts, before[i].attempts);
  }

  // Someone not enrolled: the --name given, and still nothing queued.
  auto stranger = Ctl({"sequence", "render", "drip", "welcome", kOla, "--name", "Ola Hansen"});
  ASSERT_EQ(stranger.code, 0) << stranger.err;
  EXPECT_THAT(stranger.out, HasSubstr("Subject: Welcome Ola\n"));
  EXPECT_TRUE(StepsOf(Queue(), kOla).empty());
  EXPECT_EQ(Ctl({"sequence", "render", "drip", "3", kOla}).code, 2);
}

// Issue 12 item 5: the preview is the text a reader sees; --raw is the MIME
// message as it would go to the MTA.
TEST_F(SequenceCommands, RenderShowsDecodedTextAndRawShowsTheMime) {
  WriteTemplate("welcome.txt",
                "Subject: Velkommen {{first_name}} på kurs\n\nHei {{name}}, blåbær venter.\n");
  auto decoded = Ctl({"sequence", "render", "drip", "welcome", kOla, "--name", "Åse Ødegård"});
  ASSERT_EQ(decoded.code, 0) << decoded.err;
  EXPECT_THAT(decoded.out, HasSubstr("Subject: Velkommen Åse på kurs\n"));
  EXPECT_THAT(decoded.out, HasSubstr("To: Åse Ødegård <ola@example.org>\n"));
  EXPECT_THAT(decoded.out, HasSubstr("\nHei Åse Ødegård, blåbær venter.\n"));
  EXPECT_THAT(decoded.out, Not(HasSubstr("Content-Transfer-Encoding")));
  EXPECT_THAT(decoded.out, Not(HasSubstr("=C3")));

  auto raw = Ctl({"sequence", "render", "drip", "welcome", kOla, "--name", "Åse Ødegård", "--raw"});
  ASSERT_EQ(raw.code, 0) << raw.err;
  EXPECT_THAT(raw.out, HasSubstr("Content-Transfer-Encoding: quoted-printable"));
  EXPECT_THAT(raw.out, HasSubstr("bl=C3=A5b=C3=A6r venter."));
  EXPECT_THAT(raw.out, HasSubstr("Subject: =?UTF-8?"));
  EXPECT_THAT(raw.out, Not(HasSubstr("base64")));
}

TEST_F(SequenceCommands, PreviewPrintsTheTimelineAndWritesNothing) {
  auto run = Ctl({"sequence", "preview", "drip", "--enrol-at", "2026-12-21T09:00", "--tz",
                  "Europe/Oslo", "--name", "Kari Nordmann"});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("enrolled 2026-12-21 09:00:00 CET (+0100); nothing is written\n"));
  EXPECT_THAT(run.out, HasSubstr("STEP\tDUE\tSUBJECT\n"
                                 "1 welcome\t2026-12-22 09:00:00 CET (+0100)\tWelcome Kari\n"
                                 "2 coupon\t2026-12-24 09:00:00 CET (+0100)\tYour code\n"));
  EXPECT_FALSE(std::filesystem::exists(sandbox_.store)) << "preview opened the store";

  EXPECT_EQ(Ctl({"sequence", "preview", "drip"}).code, 2);  // --enrol-at is required
  EXPECT_EQ(Ctl({"sequence", "preview", "drip", "--enrol-at", "tomorrow"}).code, 2);
  EXPECT_EQ(Ctl({"sequence", "preview", "nosuch", "--enrol-at", "2026-12-21"}).code, 1);
}

TEST_F(SequenceCommands, ScheduleListsQueuedAndProjectedStepsBetweenTwoTimes) {
  ASSERT_EQ(Ctl({"sequence", "enrol", "drip", kKari}).code, 0);
  sandbox_.SetNow(kSequenceNow + 3600);
  ASSERT_EQ(Ctl({"sequence", "enrol", "drip", kOla}).code, 0);
  auto run = Ctl({"schedule", "--from", "2026-12-22", "--to", "2026-12-24"});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(run.out,
            "DUE\tPERSON\tSEQUENCE\tSTEP\tSTATE\n"
            "2026-12-22T12:00Z\tkari@example.org\tdrip\twelcome\tqueued\n"
            "2026-12-22T13:00Z\tola@example.org\tdrip\twelcome\tqueued\n"
            "2026-12-24T12:00Z\tkari@example.org\tdrip\tcoupon\tprojected\n"
            "2026-12-24T13:00Z\tola@example.org\tdrip\tcoupon\tprojected\n");
  auto narrow = Ctl({"schedule", "--from", "2026-12-22T12:30Z", "--to", "2026-12-24T12:00Z"});
  EXPECT_EQ(narrow.out,
            "DUE\tPERSON\tSEQUENCE\tSTEP\tSTATE\n"
            "2026-12-22T13:00Z\tola@example.org\tdrip\twelcome\tqueued\n");
  // An empty table prints nothing, not even the header.
  EXPECT_THAT(Ctl({"schedule", "--from", "2027-06-01", "--to", "2027-06-02"}).out, IsEmpty());
  EXPECT_EQ(Ctl({"schedule", "--from", "2026-12-22"}).code, 2);
  EXPECT_EQ(Ctl({"schedule", "--from", "2026-12-24", "--to", "2026-12-22T00:00Z"}).code, 2);
}

TEST_F(SequenceCommands, CouponVerifyAcceptsThePersonsCodeOnly) {
  const std::string code = Coupon(kSecretKey, kKari, "drip", "coupon", "DR-XXXX-XXXX");
  ASSERT_FALSE(code.empty());
  auto valid =
      Ctl({"coupon", "verify", code, "--person", kKari, "--sequence", "drip", "--step", "coupon"});
  EXPECT_EQ(valid.code, 0) << valid.err;
  EXPECT_THAT(valid.out, HasSubstr("valid"));
  EXPECT_EQ(
      Ctl({"coupon", "verify", code, "--person", kKari, "--sequence", "drip", "--step", "2"}).code,
      0);
  EXPECT_EQ(
      Ctl({"coupon", "verify", code, "--person", kOla, "--sequence", "drip", "--step", "coupon"})
          .code,
      1);
  EXPECT_EQ(
      Ctl({"coupon", "verify", code, "--person", kKari, "--sequence", "drip", "--step", "welcome"})
          .code,
      1);
  EXPECT_EQ(Ctl({"coupon", "verify", code, "--person", kKari}).code, 2);
}

TEST_F(SequenceCommands, PeopleStayOnTheirVersionUntilMigratedByStepName) {
  ASSERT_EQ(Ctl({"sequence", "enrol", "drip", kKari}).code, 0);
  ASSERT_EQ(Ctl({"sequence", "enrol", "drip", kOla}).code, 0);
  RecordNextStepSent(kKari, At(kDay), At(3 * kDay), "<w1@shop.example>");
  const std::string v1_line = Ctl({"person", "show", kOla}).out;

  WriteSequence("drip", kDripV2);
  // Editing the file moves nobody.
  EXPECT_EQ(Ctl({"person", "show", kOla}).out, v1_line);
  EXPECT_THAT(Ctl({"sequence", "list"}).out, HasSubstr("\t3 steps\t2 active"));

  auto run = Ctl({"sequence", "migrate", "drip", "--person", kKari});
  ASSERT_EQ(run.code, 0) << run.err;
  // Kari's next step is "coupon": step 3 of v2, 3 days after the welcome.
  EXPECT_THAT(run.out, HasSubstr("next step coupon due 2026-12-25T12:00:00Z"));
  auto kari = StepsOf(Queue(), kKari);
  ASSERT_EQ(kari.size(), 1u);
  EXPECT_EQ(kari[0].step, 2u);
  EXPECT_EQ(kari[0].due, At(4 * kDay));
  auto shown = Ctl({"person", "show", kKari}).out;
  EXPECT_THAT(shown, HasSubstr("\twelcome\t<w1@shop.example>"));
  EXPECT_THAT(shown, HasSubstr("next: 2026-12-25T12:00:00Z (2026-12-25T12:00Z)\tcoupon"));

  // Ola was not migrated: still v1, still welcome tomorrow.
  EXPECT_EQ(Ctl({"person", "show", kOla}).out, v1_line);
  auto ola = StepsOf(Queue(), kOla);
  ASSERT_EQ(ola.size(), 1u);
  EXPECT_EQ(ola[0].step, 0u);
  EXPECT_EQ(ola[0].due, At(kDay));

  auto again = Ctl({"sequence", "migrate", "drip", "--person", kKari});
  EXPECT_EQ(again.code, 0);
  EXPECT_THAT(again.out, HasSubstr("already on version"));
}

TEST_F(SequenceCommands, MigrateRefusesAMissingStepNameUnlessToldWhereToContinue) {
  ASSERT_EQ(Ctl({"sequence", "enrol", "drip", kKari}).code, 0);
  ASSERT_EQ(Ctl({"sequence", "enrol", "drip", kOla}).code, 0);
  RecordNextStepSent(kKari, At(kDay), At(3 * kDay), "<w1@shop.example>");
  WriteSequence("drip", kDripV3);

  auto refused = Ctl({"sequence", "migrate", "drip", "--all"});
  EXPECT_EQ(refused.code, 1);
  EXPECT_THAT(refused.err, HasSubstr("next step 'coupon' is not in the current version"));
  EXPECT_THAT(refused.err, HasSubstr("--restart-step"));
  // All or nothing: Ola (whose "welcome" exists) was not migrated either.
  auto ola = StepsOf(Queue(), kOla);
  ASSERT_EQ(ola.size(), 1u);
  EXPECT_EQ(ola[0].due, At(kDay));
  auto kari = StepsOf(Queue(), kKari);
  ASSERT_EQ(kari.size(), 1u);
  EXPECT_EQ(kari[0].due, At(3 * kDay));

  auto told = Ctl({"sequence", "migrate", "drip", "--person", kKari, "--restart-step", "discount"});
  ASSERT_EQ(told.code, 0) << told.err;
  kari = StepsOf(Queue(), kKari);
  ASSERT_EQ(kari.size(), 1u);
  EXPECT_EQ(kari[0].step, 1u);
  EXPECT_EQ(kari[0].due, At(6 * kDay));  // 5 days after the welcome

  auto rest = Ctl({"sequence", "migrate", "drip", "--all"});
  ASSERT_EQ(rest.code, 0) << rest.err;
  EXPECT_THAT(rest.out, HasSubstr("1 migrated, 1 already on version"));
  EXPECT_EQ(Ctl({"sequence", "migrate", "drip"}).code, 2);
  EXPECT_EQ(Ctl({"sequence", "migrate", "drip", "--all", "--restart-step", "9"}).code, 2);
}

TEST_F(SequenceCommands, StoredTextIsPrintedWithoutControlCharacters) {
  ASSERT_EQ(Ctl({"sequence", "enrol", "drip", kKari, "--name", "Evil\x1b[2J\x07Name", "--var",
                 "note=a\rb\nc"})
                .code,
            0);
  auto run = Ctl({"person", "show", kKari});
  ASSERT_EQ(run.code, 0);
  EXPECT_THAT(run.out, Not(HasSubstr("\x1b")));
  EXPECT_THAT(run.out, Not(HasSubstr("\x07")));
  EXPECT_THAT(run.out, HasSubstr("variable note: a b c\n"));
}

TEST_F(SequenceCommands, TheRealBinaryEnrolsShowsAndReportsExitStatus) {
  auto enrol = Binary({"sequence", "enrol", "drip", kKari});
  ASSERT_EQ(enrol.code, 0) << enrol.err;
  auto list = Binary({"sequence", "list"});
  EXPECT_EQ(list.code, 0);
  EXPECT_THAT(list.out, MatchesRegex("NAME\tVERSION\tSTEPS\tACTIVE\n"
                                     "drip\t[0-9a-f]{12}\t2 steps\t1 active\n"));
  auto show = Binary({"person", "show", kKari});
  EXPECT_EQ(show.code, 0);
  EXPECT_THAT(show.out, HasSubstr("next: 2026-12-22T12:00:00Z"));
  auto schedule = Binary({"schedule", "--from", "2026-12-21", "--to", "2026-12-31"});
  EXPECT_EQ(schedule.code, 0);
  EXPECT_THAT(schedule.out, HasSubstr("\tcoupon\tprojected\n"));
  EXPECT_EQ(Binary({"suppression", "remove", kKari}).code, 1);
  auto usage = Binary({"coupon", "frob"});
  EXPECT_EQ(usage.code, 2);
  EXPECT_THAT(usage.err, HasSubstr("Try 'autoresponder-ctl --help'"));
}

TEST(EnrolmentMigration, RenumbersHistoryByNameAndMarksVanishedSteps) {
  // Definitions parsed from text keep this test on the real parser's values.
  auto parse = [](const std::string& text) {
    SequenceSource s;
    s.file_name = "drip.sequence";
    s.text = text;
    s.templates["welcome.txt"] = "Subject: W\n\nw\n";
    s.templates["coupon.txt"] = "Subject: C\n\nc\n";
    auto parsed = ParseSequence(s);
    EXPECT_TRUE(parsed.ok()) << parsed.status().ToString();
    return parsed.ok() ? *parsed : SequenceDefinition{};
  };
  const SequenceDefinition v2 = parse(kDripV2);
  const SequenceDefinition v3 = parse(kDripV3);
  Enrolment e;
  e.person = kKari;
  e.sequence = "drip";
  e.version = v2.version;
  e.enrolled_at = At(0);
  e.history = {SentStep{0, At(3600), "<i@x>"}, SentStep{1, At(kDay), "<w@x>"}};
  e.next_step = 2;
  e.next_due = At(4 * kDay);

  auto refused = MigrateEnrolment(e, v2, v3, std::nullopt);
  EXPECT_FALSE(refused.ok());
  auto moved = MigrateEnrolment(e, v2, v3, size_t{1});
  ASSERT_TRUE(moved.ok()) << moved.status().ToString();
  EXPECT_EQ(moved->version, v3.version);
  ASSERT_EQ(moved->history.size(), 2u);
  EXPECT_EQ(moved->history[0].step, kStepNotInVersion);  // "intro" is gone
  EXPECT_EQ(moved->history[1].step, 0u);                 // "welcome" is step 1 of v3
  EXPECT_EQ(moved->next_step, 1u);
  EXPECT_EQ(moved->next_due, At(6 * kDay));
  EXPECT_FALSE(MigrateEnrolment(*moved, v3, v3, std::nullopt).ok());  // already there
}

}  // namespace
}  // namespace ar
