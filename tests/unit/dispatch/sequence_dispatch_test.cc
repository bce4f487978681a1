// The dispatcher sending sequence steps, on the real LMDB store, with a
// TestTransport and a ManualClock: the camera story through the
// dispatcher alone, the no-engagement move, and items that must not be sent.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/logger.h"
#include "dispatch/dispatcher.h"
#include "sequence/timeline.h"
#include "sequence/tokens.h"
#include "tests/support/forwarding_store.h"
#include "tests/support/sequence_dispatch_fixture.h"

namespace ar {
namespace {

constexpr auto Answer = testing::TestTransport::Answer;

// The camera story's sequences, small enough to read in one go.
const std::map<std::string, std::string> kFiles = {
    {"camera.sequence", R"([sequence]
name = camera
time_zone = UTC
from = Nettbutikken <shop@shop.example>
list_id = camera.shop.example
coupon_format = CAM-XXXX-XXXX

[trigger]
recipient = ^leads\+camera@shop\.example$
person = reply-to

[step info]
when = 3d after previous
template = info.txt

[step coupon]
when = 7d after previous
template = coupon.txt

[exit purchase]
on = trigger
sender = ^orders@shop\.example$
person = envelope-recipient
)"},
    {"info.txt", "Subject: Om kameraet, {{first_name}}\n\nHei {{first_name}} ({{email}})!\n"},
    {"coupon.txt",
     "Subject: Kode {{coupon}}\n\nBruk {{coupon}}. Avmelding: {{unsubscribe_mailto}}\n"},
    {"loud.sequence", R"([sequence]
name = loud
time_zone = UTC
from = Shop <shop@shop.example>

[trigger]
recipient = ^leads\+loud@shop\.example$

[step one]
when = 1d after previous
template = loud.txt

[step two]
when = 1d after previous
template = loud.txt

[step three]
when = 1d after previous
template = loud.txt

[exit quiet]
on = no-engagement 2
move_to = gentle
)"},
    {"loud.txt", "Subject: Loud\n\nLoud mail.\n"},
    {"gentle.sequence", R"([sequence]
name = gentle
time_zone = UTC
from = Shop <shop@shop.example>

[trigger]
recipient = ^leads\+gentle@shop\.example$

[step news]
when = 2d after enrolment
template = gentle.txt
)"},
    {"gentle.txt", "Subject: Gentle news\n\nQuiet mail.\n"},
};

class SequenceDispatchTest : public testing::SequenceDispatchFixture {
 protected:
  void SetUp() override {
    SequenceDispatchFixture::SetUp();
    LoadSequences(kFiles);
  }

  // What the milter does on a trigger mail: store the version, then enrol.
  void Enrol(const std::string& sequence, bool restart = false) {
    const LoadedSequence& loaded = sequences_.at(sequence);
    ASSERT_TRUE(store_->sequences()
                    .PutSequenceVersion(sequence, loaded.definition.version, loaded.source)
                    .ok());
    Enrolment fresh;
    fresh.person = kPerson;
    fresh.display_name = "Ola Nordmann";
    fresh.sequence = sequence;
    fresh.enrolled_at = clock_.Now();
    auto due = StepDueTime(loaded.definition, 0, fresh);
    ASSERT_TRUE(due.ok()) << due.status().ToString();
    EnrolAction enrol;
    enrol.sequence = sequence;
    enrol.version = loaded.definition.version;
    enrol.person = kPerson;
    enrol.display_name = "Ola Nordmann";
    enrol.first_due = *due;
    enrol.restart = restart;
    enrol.reason = "trigger";
    SequenceDecision decision;
    decision.enrols.push_back(enrol);
    ASSERT_TRUE(store_->sequences().ApplySequenceDecision(decision, kKey, 3, clock_.Now()).ok());
  }

  bool LogHas(const std::string& text) {
    for (const auto& line : logger_.Lines())
      if (line.find(text) != std::string::npos) return true;
    return false;
  }
};

TEST_F(SequenceDispatchTest, CameraStorySendsInfoThenCouponFromTheVerpAddress) {
  Enrol("camera");
  EXPECT_EQ(RunAt(kStart + kDay).sent, 0u);
  EXPECT_TRUE(transport_.sent.empty());

  const std::string token = PersonToken(kKey, kPerson);
  ASSERT_FALSE(token.empty());
  EXPECT_EQ(RunAt(kStart + 3 * kDay).sent, 1u);
  ASSERT_EQ(transport_.sent.size(), 1u);
  const OutgoingMail& info = transport_.sent[0];
  EXPECT_EQ(info.recipient, kPerson);
  EXPECT_EQ(info.envelope_sender, "bounces+" + token + "@shop.example");
  EXPECT_NE(info.message.find("Subject: Om kameraet, Ola\r\n"), std::string::npos) << info.message;
  EXPECT_NE(info.message.find("List-Id: <camera.shop.example>\r\n"), std::string::npos);
  EXPECT_NE(info.message.find("List-Unsubscribe: <mailto:unsubscribe+" + token +
                              "@shop.example?subject=unsubscribe>"),
            std::string::npos);
  EXPECT_NE(info.message.find("Auto-Submitted: auto-generated\r\n"), std::string::npos);

  Enrolment after_info = EnrolmentIn("camera");
  EXPECT_EQ(after_info.next_step, 1u);
  ASSERT_EQ(after_info.history.size(), 1u);
  EXPECT_EQ(after_info.history[0].sent_at, kStart + 3 * kDay);
  ASSERT_TRUE(after_info.next_due.has_value());
  EXPECT_EQ(*after_info.next_due, kStart + 10 * kDay);
  EXPECT_TRUE(LogHas("sent step item="));

  EXPECT_EQ(RunAt(kStart + 10 * kDay - Seconds(1)).sent, 0u);
  EXPECT_EQ(RunAt(kStart + 10 * kDay).sent, 1u);
  ASSERT_EQ(transport_.sent.size(), 2u);
  const std::string coupon = Coupon(kKey, kPerson, "camera", "coupon", "CAM-XXXX-XXXX");
  ASSERT_EQ(coupon.size(), 13u);
  EXPECT_NE(transport_.sent[1].message.find("Subject: Kode " + coupon + "\r\n"), std::string::npos)
      << transport_.sent[1].message;
  EXPECT_TRUE(VerifyCoupon(kKey, coupon, kPerson, "camera", "coupon", "CAM-XXXX-XXXX"));
  EXPECT_EQ(EnrolmentIn("camera").state, EnrolmentState::kCompleted);

  EXPECT_EQ(RunAt(kStart + 60 * kDay).sent, 0u);
  EXPECT_EQ(transport_.sent.size(), 2u);
}

TEST_F(SequenceDispatchTest, SuppressedPersonGetsNothingMore) {
  Enrol("camera");
  EXPECT_EQ(RunAt(kStart + 3 * kDay).sent, 1u);
  ASSERT_TRUE(store_->sequences().Suppress(kPerson, "unsubscribe", clock_.Now()).ok());
  RunAt(kStart + 10 * kDay);
  RunAt(kStart + 30 * kDay);
  EXPECT_EQ(transport_.sent.size(), 1u);
}

TEST_F(SequenceDispatchTest, NoEngagementExitMovesInsteadOfSending) {
  Enrol("loud");
  EXPECT_EQ(RunAt(kStart + 1 * kDay).sent, 1u);
  EXPECT_EQ(RunAt(kStart + 2 * kDay).sent, 1u);
  // Two steps went out without a reply: the third is not sent.
  const DispatchStats third = RunAt(kStart + 3 * kDay);
  EXPECT_EQ(third.sent, 0u);
  EXPECT_EQ(third.dropped, 1u);
  EXPECT_EQ(transport_.sent.size(), 2u);
  const Enrolment loud = EnrolmentIn("loud");
  EXPECT_EQ(loud.state, EnrolmentState::kLeft);
  EXPECT_EQ(loud.left_reason, "quiet");
  const Enrolment gentle = EnrolmentIn("gentle");
  EXPECT_EQ(gentle.state, EnrolmentState::kActive);
  EXPECT_EQ(gentle.display_name, "Ola Nordmann");
  ASSERT_TRUE(gentle.next_due.has_value());
  EXPECT_EQ(*gentle.next_due, kStart + 5 * kDay);  // 2d after entering gentle
  EXPECT_TRUE(LogHas("exit=quiet moved_to=gentle"));

  EXPECT_EQ(RunAt(kStart + 5 * kDay).sent, 1u);
  ASSERT_EQ(transport_.sent.size(), 3u);
  EXPECT_NE(transport_.sent[2].message.find("Subject: Gentle news\r\n"), std::string::npos);
}

TEST_F(SequenceDispatchTest, EngagementKeepsTheSequenceGoing) {
  Enrol("loud");
  EXPECT_EQ(RunAt(kStart + 1 * kDay).sent, 1u);
  EXPECT_EQ(RunAt(kStart + 2 * kDay).sent, 1u);
  SequenceDecision reply;
  reply.engagements.emplace_back(kPerson, "loud");
  ASSERT_TRUE(store_->sequences().ApplySequenceDecision(reply, kKey, 3, clock_.Now()).ok());
  EXPECT_EQ(RunAt(kStart + 3 * kDay).sent, 1u);
  EXPECT_EQ(transport_.sent.size(), 3u);
}

TEST_F(SequenceDispatchTest, RestartedEnrolmentSendsTheFirstStepOnce) {
  Enrol("camera");
  clock_.Set(kStart + kDay);
  Enrol("camera", /*restart=*/true);
  EXPECT_EQ(RunAt(kStart + 3 * kDay).sent, 0u);  // the first enrolment's item is gone
  EXPECT_EQ(RunAt(kStart + 4 * kDay).sent, 1u);
  RunAt(kStart + 5 * kDay);
  EXPECT_EQ(transport_.sent.size(), 1u);
}

TEST_F(SequenceDispatchTest, ItemForAnEndedEnrolmentIsDropped) {
  Enrol("camera");
  // The step is claimed (as by a dispatcher that then crashed) before the
  // purchase exit ends the enrolment; when its lease ends it must not go out.
  clock_.Set(kStart + 3 * kDay);
  auto claimed = store_->ClaimDue(clock_.Now(), 10, Seconds(60));
  ASSERT_TRUE(claimed.ok());
  ASSERT_EQ(claimed->size(), 1u);
  const QueueItem item = (*claimed)[0];
  SequenceDecision purchase;
  purchase.exits.push_back(ExitAction{"camera", kPerson, "purchase"});
  ASSERT_TRUE(store_->sequences().ApplySequenceDecision(purchase, kKey, 3, clock_.Now()).ok());

  SequenceStepSender sender(*store_, transport_, logger_, send_);
  auto outcome = sender.Handle(item, clock_.Now(), StepRetry{clock_.Now(), Seconds(86400), ""});
  if (outcome.ok()) {
    EXPECT_EQ(*outcome, StepOutcome::kDropped);
  } else {
    // The store already removed the item with the exit; DropStep says so.
    EXPECT_FALSE(outcome.status().ok());
  }
  EXPECT_TRUE(transport_.sent.empty());
  EXPECT_EQ(RunAt(kStart + 20 * kDay).sent, 0u);
  EXPECT_TRUE(transport_.sent.empty());
}

TEST_F(SequenceDispatchTest, TemporaryFailureIsRetriedWithTheSameMessageId) {
  Enrol("camera");
  transport_.otherwise = Answer(SendResult::Kind::kTemporary, "451 4.3.0 later");
  const DispatchStats first = RunAt(kStart + 3 * kDay);
  EXPECT_EQ(first.retried, 1u);
  EXPECT_EQ(EnrolmentIn("camera").next_step, 0u);
  transport_.otherwise = Answer(SendResult::Kind::kSent, "250 2.0.0 Ok");
  EXPECT_EQ(RunAt(kStart + 3 * kDay + Seconds(60)).sent, 1u);
  ASSERT_EQ(transport_.sent.size(), 2u);
  auto message_id = [](const std::string& message) {
    const size_t at = message.find("Message-ID: ");
    return message.substr(at, message.find("\r\n", at) - at);
  };
  EXPECT_EQ(message_id(transport_.sent[0].message), message_id(transport_.sent[1].message));
  EXPECT_EQ(EnrolmentIn("camera").next_step, 1u);
}

TEST_F(SequenceDispatchTest, PermanentFailureGoesToTheFailedList) {
  Enrol("camera");
  transport_.otherwise = Answer(SendResult::Kind::kPermanent, "451 4.3.0 later");
  EXPECT_EQ(RunAt(kStart + 3 * kDay).failed, 1u);
  auto failed = store_->ListFailed(10);
  ASSERT_TRUE(failed.ok());
  ASSERT_EQ(failed->size(), 1u);
  EXPECT_EQ((*failed)[0].sequence, "camera");
  // The failed list and the log line both say why.
  EXPECT_EQ((*failed)[0].last_error, "rejected: 451 4.3.0 later");
  EXPECT_TRUE(LogHas("failed step item="));
  EXPECT_TRUE(LogHas("step=0 to=<ola@example.net>: rejected: 451 4.3.0 later"));
}

TEST_F(SequenceDispatchTest, StepTooOldToRetryFailsAndSaysSo) {
  Enrol("camera");
  transport_.otherwise = Answer(SendResult::Kind::kTemporary, "451 4.3.0 later");
  settings_.catch_up_limit = Seconds(0);
  EXPECT_EQ(RunAt(kStart + 3 * kDay).retried, 1u);
  EXPECT_EQ(RunAt(kStart + 4 * kDay + Seconds(1)).failed, 1u);
  auto failed = store_->ListFailed(10);
  ASSERT_TRUE(failed.ok());
  ASSERT_EQ(failed->size(), 1u);
  EXPECT_NE((*failed)[0].last_error.find("too old to retry after 2 attempts, due more than "
                                         "max_age 86400s ago: 451 4.3.0 later"),
            std::string::npos)
      << (*failed)[0].last_error;
  EXPECT_TRUE(LogHas("failed step item="));
}

TEST_F(SequenceDispatchTest, StepOverdueByLessThanCatchUpLimitIsSentLate) {
  Enrol("camera");
  settings_.catch_up_limit = kDay;
  const DispatchStats stats = RunAt(kStart + 4 * kDay);  // a day late, exactly
  EXPECT_EQ(stats.sent, 1u);
  EXPECT_EQ(stats.skipped, 0u);
}

TEST_F(SequenceDispatchTest, OverdueStepIsSkippedAndTheNextIsDueAsIfSentNow) {
  Enrol("camera");
  settings_.catch_up_limit = kDay;
  const TimePoint now = kStart + 3 * kDay + 2 * kDay;  // two days late
  clock_.Set(now);
  auto stats = MakeDispatcher().RunOnce();
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->skipped, 1u);
  EXPECT_EQ(stats->sent, 0u);
  EXPECT_TRUE(transport_.sent.empty());
  const Enrolment enrolment = EnrolmentIn("camera");
  EXPECT_EQ(enrolment.state, EnrolmentState::kActive);
  EXPECT_EQ(enrolment.next_step, 1u);
  ASSERT_TRUE(enrolment.next_due.has_value());
  EXPECT_EQ(*enrolment.next_due, now + 7 * kDay);  // "7d after previous", from the skip
  auto failed = store_->ListFailed(10);
  ASSERT_TRUE(failed.ok());
  ASSERT_EQ(failed->size(), 1u);
  EXPECT_EQ((*failed)[0].last_error, "overdue by 172800s, more than catch_up_limit 86400s");
  EXPECT_TRUE(LogHas("skipped step item="));
  // The person goes on: the coupon step goes out when due.
  EXPECT_EQ(RunAt(now + 7 * kDay).sent, 1u);
}

TEST_F(SequenceDispatchTest, StepToAPersonAtTheSendLimitWaits) {
  Enrol("camera");
  settings_.person_send_limit = 2;
  settings_.person_send_window = kDay;
  testing::ForwardingStore recording(*store_);
  const TimePoint due = kStart + 3 * kDay;
  recording.AddSend(kPerson, due - Seconds(7200));
  recording.AddSend(kPerson, due - Seconds(3600));
  clock_.Set(due);
  Dispatcher dispatcher(recording, transport_, clock_, logger_, settings_, send_);
  auto stats = dispatcher.RunOnce();
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->capped, 1u);
  EXPECT_TRUE(transport_.sent.empty());
  ASSERT_EQ(recording.defers().size(), 1u);
  EXPECT_EQ(recording.defers()[0].until, due - Seconds(7200) + kDay + Seconds(1));
  EXPECT_EQ(EnrolmentIn("camera").next_step, 0u);  // not sent, not skipped
  clock_.Set(recording.defers()[0].until);
  auto later = dispatcher.RunOnce();
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(later->sent, 1u);
}

TEST_F(SequenceDispatchTest, WithoutASecretKeyStepsWaitInsteadOfGoingOut) {
  Enrol("camera");
  send_.addresses.secret_key.clear();
  EXPECT_EQ(RunAt(kStart + 3 * kDay).retried, 1u);
  EXPECT_TRUE(transport_.sent.empty());
}

}  // namespace
}  // namespace ar
