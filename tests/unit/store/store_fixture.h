// Shared setup for the Store tests: a fresh store directory per test under
// ::testing::TempDir(), and builders for rules and replies with fixed values.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "store/store.h"

namespace ar::testing {

inline const Status& StatusOf(const Status& s) { return s; }
template <typename T>
const Status& StatusOf(const Result<T>& r) {
  return r.status();
}
// Works for Status and Result<T>; prints the error on failure.
#define ASSERT_OK(expr)                                                     \
  do {                                                                      \
    const auto& ar_ok_ = (expr);                                            \
    ASSERT_TRUE(ar_ok_.ok()) << ::ar::testing::StatusOf(ar_ok_).ToString(); \
  } while (0)
#define EXPECT_OK(expr)                                                     \
  do {                                                                      \
    const auto& ar_ok_ = (expr);                                            \
    EXPECT_TRUE(ar_ok_.ok()) << ::ar::testing::StatusOf(ar_ok_).ToString(); \
  } while (0)

inline constexpr int64_t kT0 = 1767225600;  // 2026-01-01T00:00:00Z
inline TimePoint At(int64_t offset_seconds) { return FromUnixSeconds(kT0 + offset_seconds); }

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("ar_store_" + std::to_string(getpid()) + "_" + info->test_suite_name() + "_" +
            info->name());
    std::filesystem::remove_all(dir_);
    store_ = OpenStore();
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  StoreOptions Options() const {
    StoreOptions options;
    options.path = dir_.string();
    options.map_size = 64ull << 20;
    return options;
  }

  std::unique_ptr<Store> OpenStore() { return OpenStore(Options()); }
  static std::unique_ptr<Store> OpenStore(const StoreOptions& options) {
    Result<std::unique_ptr<Store>> opened = Store::Open(options);
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    return opened.ok() ? std::move(opened).value() : nullptr;
  }

  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
};

inline OutOfOfficeRule MakeRule(const std::string& address, std::vector<std::string> aliases = {}) {
  OutOfOfficeRule rule;
  rule.address = address;
  rule.aliases = std::move(aliases);
  rule.display_name = "Ole Hansen";
  rule.text_body = "I am away until Monday.";
  return rule;
}

inline NewReply MakeReply(const std::string& user, const std::string& sender,
                          uint64_t generation = 1, Seconds period = Seconds(7 * 86400)) {
  NewReply reply;
  reply.user = user;
  reply.generation = generation;
  reply.dedupe_sender = sender;
  reply.period = period;
  reply.envelope_sender = "";
  reply.envelope_recipient = sender;
  reply.message_id = "<reply-" + sender + ">";
  reply.message = "From: " + user + "\r\nTo: " + sender + "\r\n\r\nAway.\r\n";
  reply.due = At(0);
  reply.origin_queue_id = "4AbCdE";
  return reply;
}

}  // namespace ar::testing
