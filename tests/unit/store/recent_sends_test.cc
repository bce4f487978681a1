// RecentSends: MarkSent and RecordStepSent record when a person was sent
// something; the store keeps the last 16 per person.
#include <gtest/gtest.h>

#include "sequence_fixture.h"

namespace ar {
namespace {

using ::ar::testing::At;
using ::ar::testing::MakeEnrol;
using ::ar::testing::MakeReply;
using ::ar::testing::SequenceStoreTest;

class RecentSends : public SequenceStoreTest {
 protected:
  std::vector<TimePoint> Sends(const std::string& person, TimePoint since) {
    Result<std::vector<TimePoint>> sends = store_->RecentSends(person, since);
    EXPECT_TRUE(sends.ok()) << sends.status().ToString();
    return sends.ok() ? *sends : std::vector<TimePoint>{};
  }
  // Queues, claims and marks sent a reply to recipient at `at`.
  void SendReply(const std::string& user, const std::string& recipient, TimePoint at) {
    NewReply reply = MakeReply(user, recipient);
    reply.due = at;
    Result<std::vector<EnqueueOutcome>> out = store_->Enqueue({reply}, at);
    ASSERT_OK(out);
    ASSERT_TRUE((*out)[0].queued);
    ASSERT_OK(store_->MarkSent((*out)[0].id, at));
  }
};

TEST_F(RecentSends, RepliesAndStepsAreRecordedForTheirPerson) {
  SendReply("ole@example.com", "Kari@Example.org", At(100));
  Enrol(MakeEnrol("kari@example.org", "seq", At(200)), At(0));
  ASSERT_OK(seq().RecordStepSent(OnlyStepOf("kari@example.org", "seq").id, "<s0@x>", At(250),
                                 std::nullopt));
  SendReply("ole@example.com", "someone@else.org", At(300));

  EXPECT_EQ(Sends("kari@example.org", At(0)), (std::vector<TimePoint>{At(100), At(250)}));
  EXPECT_EQ(Sends("KARI@example.org", At(101)), (std::vector<TimePoint>{At(250)}));
  EXPECT_EQ(Sends("kari@example.org", At(251)), std::vector<TimePoint>{});
  EXPECT_EQ(Sends("someone@else.org", At(0)), (std::vector<TimePoint>{At(300)}));
  EXPECT_TRUE(Sends("nobody@x", At(0)).empty());
}

TEST_F(RecentSends, SubAddressesOfOneMailboxAreOnePerson) {
  SendReply("a@example.com", "victim+1@example.org", At(100));
  SendReply("b@example.com", "Victim+2@Example.org", At(200));
  Enrol(MakeEnrol("victim+3@example.org", "seq", At(300)), At(0));
  ASSERT_OK(seq().RecordStepSent(OnlyStepOf("victim+3@example.org", "seq").id, "<s0@x>", At(300),
                                 std::nullopt));
  const std::vector<TimePoint> all = {At(100), At(200), At(300)};
  EXPECT_EQ(Sends("victim@example.org", At(0)), all);
  EXPECT_EQ(Sends("victim+anything@example.org", At(0)), all);
  EXPECT_TRUE(Sends("victim2@example.org", At(0)).empty());
}

TEST_F(RecentSends, WithoutADelimiterEachAddressCountsAlone) {
  store_.reset();
  StoreOptions options = Options();
  options.recipient_delimiter = "";
  store_ = OpenStore(options);
  ASSERT_NE(store_, nullptr);
  SendReply("a@example.com", "victim+1@example.org", At(100));
  SendReply("b@example.com", "victim+2@example.org", At(200));
  EXPECT_EQ(Sends("victim+1@example.org", At(0)), std::vector<TimePoint>{At(100)});
  EXPECT_TRUE(Sends("victim@example.org", At(0)).empty());
}

TEST_F(RecentSends, KeepsTheLastSixteenOldestFirst) {
  for (int i = 0; i < 20; ++i) {
    SendReply("u" + std::to_string(i) + "@example.com", "kari@example.org", At(10 * i));
  }
  std::vector<TimePoint> sends = Sends("kari@example.org", At(0));
  ASSERT_EQ(sends.size(), 16u);
  EXPECT_EQ(sends.front(), At(40));
  EXPECT_EQ(sends.back(), At(190));
  EXPECT_TRUE(std::is_sorted(sends.begin(), sends.end()));
}

TEST_F(RecentSends, OnlyDeliveriesCount) {
  NewReply reply = MakeReply("ole@example.com", "kari@example.org");
  Result<std::vector<EnqueueOutcome>> out = store_->Enqueue({reply}, At(0));
  ASSERT_OK(out);
  ASSERT_OK(store_->MarkRetry((*out)[0].id, At(60), "451"));
  ASSERT_OK(store_->MarkFailed((*out)[0].id, At(70), "550"));
  Enrol(MakeEnrol("kari@example.org", "seq", At(0)), At(0));
  ASSERT_OK(seq().SkipStep(OnlyStepOf("kari@example.org", "seq").id, "overdue", At(5),
                           std::nullopt));
  EXPECT_TRUE(Sends("kari@example.org", At(0)).empty());
}

TEST_F(RecentSends, FailedMarkSentRecordsNothing) {
  // The send record is part of MarkSent's transaction: an unknown id
  // writes nothing at all.
  EXPECT_TRUE(store_->MarkSent(99, At(1)).IsNotFound());
  EXPECT_TRUE(Sends("kari@example.org", At(0)).empty());
}

}  // namespace
}  // namespace ar
