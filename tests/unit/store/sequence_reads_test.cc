// SequenceStore reads, stored definitions, durability across reopen, and the
// upgrade of a store written before sequences (format version 1).
#include <gtest/gtest.h>

#include "sequence_fixture.h"
#include "store/byte_codec.h"
#include "store/keys.h"
#include "store/lmdb_env.h"
#include "store/record_codec.h"

namespace ar {
namespace {

using ::ar::testing::At;
using ::ar::testing::kTokenKey;
using ::ar::testing::MakeEnrol;
using ::ar::testing::SequenceStoreTest;

constexpr char kKari[] = "kari@example.org";
constexpr char kOle[] = "ole@example.org";
constexpr char kCanon[] = "canon-eos-5d";
constexpr char kCourse[] = "course";

using SequenceReads = SequenceStoreTest;

SequenceSource CanonSource() {
  SequenceSource source;
  source.file_name = "canon-eos-5d.sequence";
  source.text = "[sequence]\nname = canon-eos-5d\n";
  source.templates = {{"canon-info.txt", "Subject: Info\n\nHello {{first_name}}\n"},
                      {"canon-info.html", "<p>Hello</p>"}};
  return source;
}

TEST_F(SequenceReads, SequenceVersionsAreKeptPerVersion) {
  SequenceSource v1 = CanonSource();
  SequenceSource v2 = v1;
  v2.text += "description = edited\n";
  ASSERT_OK(seq().PutSequenceVersion(kCanon, "aaaa", v1));
  ASSERT_OK(seq().PutSequenceVersion(kCanon, "bbbb", v2));
  ASSERT_OK(seq().PutSequenceVersion(kCanon, "aaaa", v1));  // idempotent

  Result<std::optional<SequenceSource>> got = seq().GetSequenceVersion(kCanon, "aaaa");
  ASSERT_OK(got);
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->file_name, v1.file_name);
  EXPECT_EQ((*got)->text, v1.text);
  EXPECT_EQ((*got)->templates, v1.templates);
  EXPECT_EQ((*seq().GetSequenceVersion(kCanon, "bbbb"))->text, v2.text);
  Result<std::optional<SequenceSource>> missing = seq().GetSequenceVersion(kCanon, "cccc");
  ASSERT_OK(missing);
  EXPECT_FALSE(missing->has_value());
  EXPECT_EQ(seq().PutSequenceVersion("", "aaaa", v1).code(), Status::Code::kInvalidArgument);
}

TEST_F(SequenceReads, ListEnrolmentsReturnsOnlyThatPerson) {
  Enrol(MakeEnrol(kKari, kCanon, At(100)), At(0));
  Enrol(MakeEnrol(kKari, kCourse, At(100)), At(0));
  Enrol(MakeEnrol(kOle, kCanon, At(100)), At(0));
  // A person whose address is a prefix of another's must not see theirs.
  Enrol(MakeEnrol("kari@example.org.uk", kCanon, At(100)), At(0));

  Result<std::vector<Enrolment>> kari = seq().ListEnrolments("KARI@example.org");
  ASSERT_OK(kari);
  ASSERT_EQ(kari->size(), 2u);
  EXPECT_EQ((*kari)[0].sequence, kCanon);
  EXPECT_EQ((*kari)[1].sequence, kCourse);
  Result<std::vector<Enrolment>> nobody = seq().ListEnrolments("nobody@x");
  ASSERT_OK(nobody);
  EXPECT_TRUE(nobody->empty());
}

TEST_F(SequenceReads, ListMembersReturnsOneSequenceUpToLimit) {
  Enrol(MakeEnrol(kKari, kCanon, At(100)), At(0));
  Enrol(MakeEnrol(kKari, kCourse, At(100)), At(0));
  Enrol(MakeEnrol(kOle, kCanon, At(100)), At(0));
  Enrol(MakeEnrol("a@x", "canon-eos-5d-extra", At(100)), At(0));

  Result<std::vector<Enrolment>> members = seq().ListMembers(kCanon, 100);
  ASSERT_OK(members);
  ASSERT_EQ(members->size(), 2u);
  EXPECT_EQ((*members)[0].person, kKari);
  EXPECT_EQ((*members)[1].person, kOle);
  Result<std::vector<Enrolment>> one = seq().ListMembers(kCanon, 1);
  ASSERT_OK(one);
  EXPECT_EQ(one->size(), 1u);
}

TEST_F(SequenceReads, UnknownOrMalformedTokensResolveToNobody) {
  Enrol(MakeEnrol(kKari, kCanon, At(100)), At(0));
  for (const std::string& token : {std::string(), std::string("AAAAAAAAAAAAAAAA"),
                                   std::string(4000, 'A'), PersonToken("another-key", kKari)}) {
    Result<std::optional<std::string>> person = seq().PersonForToken(token);
    ASSERT_OK(person);
    EXPECT_FALSE(person->has_value()) << token.substr(0, 20);
  }
}

TEST_F(SequenceReads, MissingThingsAreNotErrors) {
  Result<std::optional<Enrolment>> e = seq().GetEnrolment(kKari, kCanon);
  ASSERT_OK(e);
  EXPECT_FALSE(e->has_value());
  Result<std::optional<Enrolment>> huge = seq().GetEnrolment(std::string(600, 'a'), kCanon);
  ASSERT_OK(huge);
  EXPECT_FALSE(huge->has_value());
  Result<bool> seen = seq().TriggerSeen("", kCanon);
  ASSERT_OK(seen);
  EXPECT_FALSE(*seen);
}

TEST_F(SequenceReads, ReopenKeepsEverything) {
  ASSERT_OK(seq().PutSequenceVersion(kCanon, "aaaa", CanonSource()));
  Enrol(MakeEnrol(kKari, kCanon, At(100), "<lead-1@shop>"), At(0));
  Enrol(MakeEnrol(kOle, kCanon, At(100), "<lead-2@shop>"), At(0));
  ASSERT_OK(seq().RecordStepSent(OnlyStepOf(kKari, kCanon).id, "<s0@shop>", At(100), At(700)));
  SequenceDecision decision;
  decision.engagements.push_back({kKari, kCanon});
  decision.soft_bounces.push_back("bouncy@x");
  Apply(decision, At(150));
  ASSERT_OK(seq().Suppress(kOle, "unsubscribe", At(200)));
  const std::optional<Enrolment> before = Get(kKari, kCanon);

  store_.reset();
  store_ = OpenStore();
  ASSERT_NE(store_, nullptr);

  EXPECT_TRUE(seq().GetSequenceVersion(kCanon, "aaaa")->has_value());
  std::optional<Enrolment> after = Get(kKari, kCanon);
  ASSERT_TRUE(after.has_value());
  EXPECT_EQ(after->next_step, 1u);
  EXPECT_EQ(after->next_due, At(700));
  EXPECT_EQ(after->last_engagement, At(150));
  EXPECT_EQ(after->steps_since_engagement, 0u);
  EXPECT_EQ(after->variables, before->variables);
  ASSERT_EQ(after->history.size(), 1u);
  EXPECT_EQ(after->history[0].message_id, "<s0@shop>");
  EXPECT_EQ(OnlyStepOf(kKari, kCanon).due, At(700));
  EXPECT_EQ(Get(kOle, kCanon)->state, EnrolmentState::kLeft);
  EXPECT_TRUE(Suppressed(kOle));
  EXPECT_TRUE(seq().FindSentMessage("<s0@shop>")->has_value());
  EXPECT_TRUE(*seq().TriggerSeen("<lead-1@shop>", kCanon));
  EXPECT_EQ(*seq().PersonForToken(PersonToken(kTokenKey, kKari)),
            std::optional<std::string>(kKari));
  // The soft bounce count survived: two more reach the limit of 3.
  SequenceDecision two;
  two.soft_bounces = {"bouncy@x", "bouncy@x"};
  Apply(two, At(300));
  EXPECT_TRUE(Suppressed("bouncy@x"));
  // The step can still be sent after the reopen.
  ASSERT_OK(seq().RecordStepSent(OnlyStepOf(kKari, kCanon).id, "<s1@shop>", At(700), std::nullopt));
  EXPECT_EQ(Get(kKari, kCanon)->state, EnrolmentState::kCompleted);
}

TEST_F(SequenceReads, ReadOnlyStoreReadsSequencesAndRefusesWrites) {
  Enrol(MakeEnrol(kKari, kCanon, At(100)), At(0));
  store_.reset();
  StoreOptions options = Options();
  options.read_only = true;
  store_ = OpenStore(options);
  ASSERT_NE(store_, nullptr);
  EXPECT_TRUE(Get(kKari, kCanon).has_value());
  EXPECT_FALSE(seq().Suppress(kKari, "manual", At(1)).ok());
}

// A store as format version 1 wrote it: the seven original databases and a
// version 1 queue item (no kind, sequence or step).
void WriteVersion1Store(const std::string& path) {
  LmdbEnvOptions options;
  options.path = path;
  options.map_size = 16ull << 20;
  Result<std::unique_ptr<LmdbEnv>> env = LmdbEnv::Open(options);
  ASSERT_OK(env);
  Result<LmdbTxn> txn = LmdbTxn::BeginWrite(**env);
  ASSERT_OK(txn);
  std::map<std::string, MDB_dbi> dbs;
  for (const char* name : {"meta", "rules", "addresses", "responses", "queue", "due", "failed"}) {
    Result<MDB_dbi> dbi = txn->OpenDatabase(name, true);
    ASSERT_OK(dbi);
    dbs[name] = *dbi;
  }
  ASSERT_OK(txn->Put(dbs["meta"], kMetaFormatVersionKey, EncodeMetaU64(1)));
  ByteWriter item;
  item.PutByte(1);
  item.PutVarint(7);  // id
  item.PutString("ole@example.com");
  item.PutVarint(2);  // generation
  item.PutString("a@x");
  item.PutString("");
  item.PutString("a@x");
  item.PutString("<r@x>");
  item.PutString("Subject: away\r\n\r\nAway.\r\n");
  item.PutFixed64(ToUnixSeconds(At(0)));
  item.PutFixed64(ToUnixSeconds(At(60)));
  item.PutVarint(0);
  item.PutString("");
  item.PutString("4AbCdE");
  ASSERT_OK(txn->Put(dbs["queue"], EncodeU64Key(7), item.data()));
  ASSERT_OK(txn->Put(dbs["due"], EncodeDueKey(At(60), 7), ""));
  ASSERT_OK(txn->Commit());
}

TEST_F(SequenceReads, Version1StoreIsUpgradedByWritableOpen) {
  store_.reset();
  std::filesystem::remove_all(dir_);
  WriteVersion1Store(dir_.string());

  // Read-only cannot create the new databases.
  StoreOptions read_only = Options();
  read_only.read_only = true;
  Result<std::unique_ptr<Store>> refused = Store::Open(read_only);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Status::Code::kNotFound);

  store_ = OpenStore();
  ASSERT_NE(store_, nullptr);
  Result<std::vector<QueueItem>> queue = store_->ListQueue(10);
  ASSERT_OK(queue);
  ASSERT_EQ(queue->size(), 1u);
  EXPECT_EQ((*queue)[0].kind, QueueItemKind::kReply);
  EXPECT_EQ((*queue)[0].message_id, "<r@x>");
  Enrol(MakeEnrol(kKari, kCanon, At(100)), At(0));
  ASSERT_OK(store_->MarkSent(7, At(61)));
  store_.reset();

  // Upgraded: now read-only opens work too.
  Result<std::unique_ptr<Store>> reopened = Store::Open(read_only);
  ASSERT_OK(reopened);
  Result<std::optional<Enrolment>> e = (*reopened)->sequences().GetEnrolment(kKari, kCanon);
  ASSERT_OK(e);
  EXPECT_TRUE(e->has_value());
}

// A Store without sequences (a test double) fails every sequence call.
class RulesOnlyStore final : public Store {
 public:
  Status PutRule(const OutOfOfficeRule&) override { return Status::Ok(); }
  Result<std::optional<OutOfOfficeRule>> GetRule(const std::string&) override {
    return std::optional<OutOfOfficeRule>();
  }
  Result<std::vector<OutOfOfficeRule>> ListRules() override {
    return std::vector<OutOfOfficeRule>();
  }
  Status DeleteRule(const std::string&) override { return Status::Ok(); }
  Result<std::vector<OutOfOfficeRule>> FindRulesForRecipients(
      const std::vector<std::string>&) override {
    return std::vector<OutOfOfficeRule>();
  }
  Result<std::optional<ResponseRecord>> GetResponse(const std::string&,
                                                    const std::string&) override {
    return std::optional<ResponseRecord>();
  }
  Result<std::vector<EnqueueOutcome>> Enqueue(const std::vector<NewReply>&, TimePoint) override {
    return std::vector<EnqueueOutcome>();
  }
  Result<std::vector<QueueItem>> ClaimDue(TimePoint, size_t, Seconds) override {
    return std::vector<QueueItem>();
  }
  Status MarkSent(uint64_t, TimePoint) override { return Status::Ok(); }
  Status MarkRetry(uint64_t, TimePoint, const std::string&) override { return Status::Ok(); }
  Status MarkFailed(uint64_t, TimePoint, const std::string&) override { return Status::Ok(); }
  Result<std::optional<TimePoint>> NextDue() override { return std::optional<TimePoint>(); }
  Result<std::vector<QueueItem>> ListQueue(size_t) override { return std::vector<QueueItem>(); }
  Result<std::vector<QueueItem>> ListFailed(size_t) override { return std::vector<QueueItem>(); }
};

TEST(SequenceStoreDefault, StoreWithoutSequencesFailsEveryCall) {
  RulesOnlyStore store;
  SequenceStore& seq = store.sequences();
  EXPECT_EQ(seq.GetEnrolment(kKari, kCanon).status().code(), Status::Code::kIoError);
  EXPECT_EQ(seq.ApplySequenceDecision(SequenceDecision{}, kTokenKey, 3, At(0)).code(),
            Status::Code::kIoError);
  EXPECT_EQ(seq.RecordStepSent(1, "<m@x>", At(0), std::nullopt).code(), Status::Code::kIoError);
}

}  // namespace
}  // namespace ar
