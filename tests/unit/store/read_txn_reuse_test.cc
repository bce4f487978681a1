// Read transaction reuse (store/lmdb_env.h): a finished read transaction is
// reset and renewed by the next read instead of begun afresh, a renewed one
// sees every write committed before it (no stale snapshot), and reads keep
// working across map growth while a reset transaction is parked.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "store/lmdb_env.h"

namespace ar {
namespace {

class ReadTxnReuse : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("read_txn_reuse_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    LmdbEnvOptions options;
    options.path = dir_.string();
    options.map_size = 256ull << 10;
    Result<std::unique_ptr<LmdbEnv>> env = LmdbEnv::Open(options);
    ASSERT_TRUE(env.ok()) << env.status().ToString();
    env_ = std::move(env.value());
    Result<LmdbTxn> txn = LmdbTxn::BeginWrite(*env_);
    ASSERT_TRUE(txn.ok());
    Result<MDB_dbi> dbi = txn->OpenDatabase("t", true);
    ASSERT_TRUE(dbi.ok());
    dbi_ = *dbi;
    ASSERT_TRUE(txn->Commit().ok());
  }
  void TearDown() override {
    env_.reset();
    std::filesystem::remove_all(dir_);
  }

  Status Put(const std::string& key, const std::string& value) {
    Result<LmdbTxn> txn = LmdbTxn::BeginWrite(*env_);
    if (!txn.ok()) return txn.status();
    Status put = txn->Put(dbi_, key, value);
    if (!put.ok()) return put;
    return txn->Commit();
  }

  // The value under key read in a fresh read transaction; "" when absent.
  std::string Read(const std::string& key) {
    Result<LmdbTxn> txn = LmdbTxn::BeginRead(*env_);
    EXPECT_TRUE(txn.ok()) << txn.status().ToString();
    if (!txn.ok()) return "<error>";
    Result<std::optional<std::string_view>> got = txn->Get(dbi_, key);
    EXPECT_TRUE(got.ok());
    return got.ok() && got->has_value() ? std::string(**got) : "";
  }

  std::filesystem::path dir_;
  std::unique_ptr<LmdbEnv> env_;
  MDB_dbi dbi_ = 0;
};

TEST_F(ReadTxnReuse, SequentialReadsRenewOneTransaction) {
  ASSERT_TRUE(Put("k", "v").ok());
  const LmdbEnv::ReadTxnCounts before = env_->read_txn_counts();
  for (int i = 0; i < 100; ++i) ASSERT_EQ(Read("k"), "v");
  const LmdbEnv::ReadTxnCounts after = env_->read_txn_counts();
  EXPECT_LE(after.begun - before.begun, 1u);
  EXPECT_GE(after.renewed - before.renewed, 99u);
}

TEST_F(ReadTxnReuse, RenewedTransactionSeesCommittedWrites) {
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(Put("k", std::to_string(i)).ok());
    ASSERT_EQ(Read("k"), std::to_string(i)) << "a renewed read returned an old snapshot";
  }
  EXPECT_GT(env_->read_txn_counts().renewed, 0u);
}

TEST_F(ReadTxnReuse, ConcurrentReadsEachGetTheirOwnTransaction) {
  ASSERT_TRUE(Put("k", "v").ok());
  Result<LmdbTxn> first = LmdbTxn::BeginRead(*env_);
  ASSERT_TRUE(first.ok());
  // A second open read transaction on the same thread must not be handed
  // the first one (only a parked one may be renewed).
  Result<LmdbTxn> second = LmdbTxn::BeginRead(*env_);
  ASSERT_TRUE(second.ok());
  EXPECT_NE(first->get(), second->get());
  first->Abort();
  second->Abort();
  std::vector<std::thread> readers;
  for (int t = 0; t < 4; ++t) {
    readers.emplace_back([this] {
      for (int i = 0; i < 200; ++i) EXPECT_EQ(Read("k"), "v");
    });
  }
  for (std::thread& r : readers) r.join();
}

TEST_F(ReadTxnReuse, ReadsWorkAcrossMapGrowth) {
  ASSERT_TRUE(Put("before", "1").ok());
  ASSERT_EQ(Read("before"), "1");  // parks a reset transaction
  const uint64_t small = env_->map_size();
  // Fill the map until a write does not fit, growing it each time, with a
  // read between writes so a parked transaction lives through every growth.
  const std::string big(16 << 10, 'x');
  int written = 0;
  for (int i = 0; i < 64; ++i) {
    Status put = Put("big" + std::to_string(i), big);
    if (put.code() == Status::Code::kFull) {
      ASSERT_TRUE(env_->Grow(8ull << 20).ok());
      put = Put("big" + std::to_string(i), big);
    }
    ASSERT_TRUE(put.ok()) << put.ToString();
    ++written;
    ASSERT_EQ(Read("big" + std::to_string(i)), big);
    ASSERT_EQ(Read("before"), "1");
  }
  EXPECT_GT(env_->map_size(), small);
  EXPECT_EQ(written, 64);
  EXPECT_GT(env_->read_txn_counts().renewed, 0u);
}

}  // namespace
}  // namespace ar
