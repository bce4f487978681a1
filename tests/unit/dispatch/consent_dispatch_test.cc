// Double opt-in through the dispatcher, on the real LMDB store with a
// TestTransport and a ManualClock: only the confirmation goes out
// until the person confirms; an unconfirmed enrolment expires; both are
// counted per sequence.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/logger.h"
#include "dispatch/dispatcher.h"
#include "message/transfer_decoding.h"
#include "metrics/counters.h"
#include "sequence/timeline.h"
#include "sequence/tokens.h"
#include "tests/support/sequence_dispatch_fixture.h"

namespace ar {
namespace {

std::string Readable(const std::string& message) {
  const size_t split = message.find("\r\n\r\n");
  const std::string marker = "Content-Transfer-Encoding: ";
  const size_t cte = message.find(marker);
  if (split == std::string::npos || cte == std::string::npos || cte > split) return message;
  const size_t end = message.find("\r\n", cte);
  const std::string encoding = message.substr(cte + marker.size(), end - cte - marker.size());
  return message.substr(0, split + 4) + DecodeTransferEncoding(encoding, message.substr(split + 4));
}

const std::map<std::string, std::string> kFiles = {
    {"news.sequence", R"([sequence]
name = news
time_zone = UTC
from = Shop <shop@shop.example>
confirm = double-opt-in
confirm_template = confirm.txt
confirm_expiry = 7d
legal_basis = Consent (GDPR Art. 6(1)(a)), newsletter form

[trigger]
recipient = ^news@shop\.example$

[step welcome]
when = 1d after previous
template = welcome.txt
)"},
    {"confirm.txt",
     "Subject: Please confirm\n\nReply or write to {{confirm_mailto}} ({{confirm_url}}).\n"
     "Basis: {{legal_basis}}\n"},
    {"welcome.txt", "Subject: Welcome\n\nHello.\n"},
};

class ConsentDispatchTest : public testing::SequenceDispatchFixture {
 protected:
  void SetUp() override {
    SequenceDispatchFixture::SetUp();
    send_.addresses.confirm_url = "https://shop.example/confirm/{token}";
    LoadSequences(kFiles);
    ASSERT_EQ(sequences_.size(), 1u);
    news_ = sequences_.at("news");
  }

  // As the milter's decision would: a double opt-in enrol.
  void Enrol() {
    ASSERT_TRUE(store_->sequences()
                    .PutSequenceVersion("news", news_.definition.version, news_.source)
                    .ok());
    EnrolAction enrol;
    enrol.sequence = "news";
    enrol.version = news_.definition.version;
    enrol.person = kPerson;
    enrol.trigger_message_id = "<form-1@shop.example>";
    enrol.reason = "trigger";
    enrol.double_opt_in = true;
    enrol.confirm_expires = clock_.Now() + news_.definition.confirm_expiry;
    enrol.legal_basis = news_.definition.legal_basis;
    enrol.first_due = clock_.Now() + kDay;  // ignored until confirmed
    SequenceDecision decision;
    decision.enrols.push_back(enrol);
    ASSERT_TRUE(store_->sequences().ApplySequenceDecision(decision, kKey, 3, clock_.Now()).ok());
  }

  void Confirm(TimePoint first_due) {
    SequenceDecision decision;
    decision.confirmations.push_back(ConfirmAction{"news", kPerson, first_due});
    ASSERT_TRUE(store_->sequences().ApplySequenceDecision(decision, kKey, 3, clock_.Now()).ok());
  }

  Enrolment News() { return EnrolmentIn("news"); }

  SequenceCounts Counts() { return counters_.Snapshot().sequences["news"]; }

  LoadedSequence news_;
};

TEST_F(ConsentDispatchTest, SendsOnlyTheSignedConfirmationUntilConfirmed) {
  Enrol();
  Enrolment awaiting = News();
  EXPECT_TRUE(awaiting.AwaitingConfirmation());
  EXPECT_EQ(awaiting.next_step, kConfirmationStep);
  EXPECT_EQ(awaiting.consent.trigger, "trigger");
  EXPECT_EQ(awaiting.consent.legal_basis, news_.definition.legal_basis);
  EXPECT_EQ(awaiting.consent.expires_at, kStart + 7 * kDay);
  EXPECT_EQ(awaiting.trigger_message_id, "<form-1@shop.example>");

  EXPECT_EQ(RunAt(kStart).sent, 1u);
  ASSERT_EQ(transport_.sent.size(), 1u);
  const std::string token = ConfirmToken(kKey, kPerson, "news");
  const std::string confirmation = Readable(transport_.sent[0].message);
  EXPECT_NE(confirmation.find("Subject: Please confirm"), std::string::npos) << confirmation;
  EXPECT_NE(confirmation.find("confirm+" + token + "@shop.example"), std::string::npos)
      << confirmation;
  EXPECT_NE(confirmation.find("https://shop.example/confirm/" + token), std::string::npos);
  EXPECT_NE(confirmation.find("Consent (GDPR Art. 6(1)(a))"), std::string::npos);
  EXPECT_TRUE(News().consent.requested_at.has_value());
  // The confirmation's Message-ID is known, so a reply to it confirms.
  auto ref = store_->sequences().FindSentMessage(
      confirmation.substr(confirmation.find("Message-ID: ") + 12,
                          confirmation.find("\r\n", confirmation.find("Message-ID: ")) -
                              confirmation.find("Message-ID: ") - 12));
  ASSERT_TRUE(ref.ok() && ref->has_value());
  EXPECT_EQ((*ref)->step, kConfirmationStep);

  // Days pass without a confirmation: nothing else goes out.
  EXPECT_EQ(RunAt(kStart + 1 * kDay).sent, 0u);
  EXPECT_EQ(RunAt(kStart + 5 * kDay).sent, 0u);
  EXPECT_EQ(transport_.sent.size(), 1u);
  EXPECT_EQ(Counts().steps_sent, 0u);

  clock_.Set(kStart + 5 * kDay);
  Confirm(kStart + 6 * kDay);
  Enrolment confirmed = News();
  EXPECT_FALSE(confirmed.AwaitingConfirmation());
  EXPECT_EQ(confirmed.consent.confirmed_at, kStart + 5 * kDay);
  EXPECT_EQ(confirmed.next_step, 0u);

  // The old expiry item is gone: day 7 neither ends nor sends anything.
  EXPECT_EQ(RunAt(kStart + 6 * kDay).sent, 1u);
  ASSERT_EQ(transport_.sent.size(), 2u);
  EXPECT_NE(transport_.sent[1].message.find("Subject: Welcome"), std::string::npos);
  EXPECT_EQ(RunAt(kStart + 8 * kDay).sent, 0u);
  EXPECT_EQ(News().state, EnrolmentState::kCompleted);
  EXPECT_EQ(Counts().steps_sent, 1u);
  EXPECT_EQ(Counts().exits[static_cast<size_t>(SequenceExitReason::kExpiry)], 0u);
}

TEST_F(ConsentDispatchTest, UnconfirmedEnrolmentExpiresAndIsCounted) {
  Enrol();
  EXPECT_EQ(RunAt(kStart).sent, 1u);
  EXPECT_EQ(RunAt(kStart + 7 * kDay - Seconds(1)).sent, 0u);
  EXPECT_EQ(News().state, EnrolmentState::kActive);
  RunAt(kStart + 7 * kDay);
  Enrolment expired = News();
  EXPECT_EQ(expired.state, EnrolmentState::kLeft);
  EXPECT_EQ(expired.left_reason, "unconfirmed");
  EXPECT_EQ(transport_.sent.size(), 1u);
  EXPECT_EQ(Counts().exits[static_cast<size_t>(SequenceExitReason::kExpiry)], 1u);
  // A confirmation after the expiry changes nothing.
  Confirm(kStart + 8 * kDay);
  EXPECT_EQ(News().state, EnrolmentState::kLeft);
  EXPECT_EQ(RunAt(kStart + 9 * kDay).sent, 0u);
  EXPECT_EQ(transport_.sent.size(), 1u);
}

TEST_F(ConsentDispatchTest, ConfirmingBeforeTheConfirmationIsSentStartsTheSequence) {
  Enrol();
  Confirm(kStart + kDay);
  EXPECT_EQ(RunAt(kStart).sent, 0u);
  EXPECT_TRUE(transport_.sent.empty());
  EXPECT_EQ(RunAt(kStart + kDay).sent, 1u);
  ASSERT_EQ(transport_.sent.size(), 1u);
  EXPECT_NE(transport_.sent[0].message.find("Subject: Welcome"), std::string::npos);
}

}  // namespace
}  // namespace ar
