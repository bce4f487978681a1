// Shared set-up for the CLI tests: a fresh directory under the test temp dir
// holding an empty config file, a store directory and a clock file, so no
// test reads the machine's /etc or wall time.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "ctl/command_dispatch.h"

namespace ar {

struct CtlSandbox {
  std::filesystem::path root;
  std::string config;
  std::string store;
  std::string clock_file;

  // now: Unix seconds the clock file holds.
  explicit CtlSandbox(int64_t now) {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    root = std::filesystem::path(::testing::TempDir()) /
           ("ctl-" + std::string(info->test_suite_name()) + "-" + info->name());
    std::filesystem::remove_all(root);
    std::filesystem::create_directories(root);
    config = (root / "empty.conf").string();
    std::ofstream(config) << "";
    store = (root / "store").string();
    clock_file = (root / "clock").string();
    SetNow(now);
  }
  ~CtlSandbox() {
    std::error_code ignored;
    std::filesystem::remove_all(root, ignored);
  }
  void SetNow(int64_t now) const { std::ofstream(clock_file) << now << "\n"; }
  std::string WriteFile(const std::string& name, const std::string& content) const {
    const std::string path = (root / name).string();
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }
};

struct CtlResult {
  int code = -1;
  std::string out;
  std::string err;
};

// RunCtl in-process against the sandbox's config, store and clock.
inline CtlResult RunCtlIn(const CtlSandbox& sandbox, const std::vector<std::string>& args,
                          const std::string& input = "") {
  std::vector<std::string> full = {"autoresponder-ctl", "--config", sandbox.config,
                                   "--store_path", sandbox.store, "--clock",
                                   "file:" + sandbox.clock_file};
  full.insert(full.end(), args.begin(), args.end());
  std::vector<const char*> argv;
  for (const std::string& a : full) argv.push_back(a.c_str());
  argv.push_back(nullptr);
  std::istringstream in(input);
  std::ostringstream out, err;
  CtlResult run;
  run.code = RunCtl(static_cast<int>(full.size()), argv.data(), in, out, err);
  run.out = out.str();
  run.err = err.str();
  return run;
}

}  // namespace ar
