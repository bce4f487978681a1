// Shared helpers for the config tests: temporary config files and a
// ParseCommandLine() that takes a plain list of arguments.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "config/options_table.h"

namespace ar::testing_support {

// Writes contents to a file under the test temp dir and returns its path.
inline std::string WriteConfigFile(const std::string& name, const std::string& contents) {
  std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << contents;
  return path;
}

// A path that does not exist.
inline std::string MissingPath() { return ::testing::TempDir() + "/no-such-dir/none.conf"; }

// ParseCommandLine with argv = {"prog", args...}.
inline Result<CommandLine> Parse(const std::vector<std::string>& args,
                                 const std::vector<ProgramFlag>& flags = {},
                                 const std::string& default_config = MissingPath()) {
  std::vector<const char*> argv = {"prog"};
  for (const std::string& a : args) argv.push_back(a.c_str());
  return ParseCommandLine(static_cast<int>(argv.size()), argv.data(), flags, default_config);
}

}  // namespace ar::testing_support
