// A real LMDB Store in a fresh directory under the test temp dir, named
// after the running test, with one away user (alice@example.org) unless
// the test asks for none. Shared by the metrics tests.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "store/store.h"

namespace ar {

inline std::filesystem::path FreshTestDir(const std::string& prefix) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  auto dir = std::filesystem::path(::testing::TempDir()) /
             (prefix + "-" + info->test_suite_name() + "-" + info->name());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

inline OutOfOfficeRule AwayRule(const std::string& address) {
  OutOfOfficeRule rule;
  rule.address = address;
  rule.display_name = "Away User";
  rule.text_body = "I am away until Monday.";
  return rule;
}

struct TempStore {
  std::filesystem::path dir = FreshTestDir("metrics");
  std::unique_ptr<Store> store;

  TempStore() {
    StoreOptions options;
    options.path = (dir / "store").string();
    options.map_size = 64ull << 20;
    auto opened = Store::Open(options);
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    if (opened.ok()) store = std::move(*opened);
  }
  ~TempStore() {
    store.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
};

}  // namespace ar
