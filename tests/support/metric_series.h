// Metric samples keyed "name{label=value}..." for assertions; a series seen
// twice fails the test.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "metrics/exposition.h"

namespace ar::testing {

inline std::map<std::string, double> SamplesByKey(const std::vector<Sample>& samples) {
  std::map<std::string, double> out;
  for (const Sample& s : samples) {
    std::string key = s.name;
    for (const Label& l : s.labels) key += "{" + l.name + "=" + l.value + "}";
    EXPECT_TRUE(out.emplace(key, s.value).second) << "duplicate series " << key;
  }
  return out;
}

}  // namespace ar::testing
