// The release this build is: the one version of the three programs, taken
// from the CMake project version (version.cc.in), printed by --version and
// in each daemon's start-up log line. Thread-safe.
#pragma once

#include <string>

namespace ar {

// "0.1.0".
const char* Version();

// "PROGRAM VERSION", the first line of --version (as GNU programs print it).
std::string VersionLine(const std::string& program);

}  // namespace ar
