// The per-test directory and store: <TempDir>/<prefix>_<suite>_<test>_<pid>,
// emptied and created first so a failed earlier run leaves nothing behind
// that could make a test pass.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "store/store.h"

namespace ar::testing {

inline std::filesystem::path FreshTestDir(const std::string& prefix) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::filesystem::path dir =
      std::filesystem::path(::testing::TempDir()) / (prefix + "_" + info->test_suite_name() + "_" +
                                                     info->name() + "_" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// A real LMDB store of map_size bytes in dir (created).
inline Result<std::unique_ptr<Store>> OpenTestStore(const std::string& dir,
                                                    uint64_t map_size = 16u << 20) {
  StoreOptions options;
  options.path = dir;
  options.map_size = map_size;
  return Store::Open(options);
}

}  // namespace ar::testing
