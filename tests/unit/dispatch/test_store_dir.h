// The per-test store directory and store of the dispatch tests:
// <TempDir>/<prefix>_<test name>_<pid>, emptied first so a failed earlier
// run leaves nothing behind that could make a test pass.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "store/store.h"

namespace ar::testing {

inline std::string FreshTestDir(const std::string& prefix) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string dir = std::string(::testing::TempDir()) + "/" + prefix + "_" + info->name() + "_" +
                    std::to_string(getpid());
  std::filesystem::remove_all(dir);
  return dir;
}

// A 16 MiB store in dir (created).
inline Result<std::unique_ptr<Store>> OpenTestStore(const std::string& dir) {
  StoreOptions options;
  options.path = dir;
  options.map_size = 16u << 20;
  return Store::Open(options);
}

}  // namespace ar::testing
