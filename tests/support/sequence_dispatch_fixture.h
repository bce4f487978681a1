// SequenceDispatchFixture: the dispatcher sending sequence mail on a real
// LMDB store, with the TestTransport and a ManualClock at kStart. A test
// writes its sequence files and templates with LoadSequences(); RunAt()
// runs one dispatcher round at a time of its choosing.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>

#include "core/clock.h"
#include "core/logger.h"
#include "dispatch/dispatcher.h"
#include "metrics/counters.h"
#include "sequence/sequence_definition.h"
#include "store/store.h"
#include "tests/support/test_dir.h"
#include "tests/support/test_transport.h"

namespace ar::testing {

class SequenceDispatchFixture : public ::testing::Test {
 protected:
  // 2026-01-05 (a Monday) 10:00 UTC.
  static inline const TimePoint kStart = FromUnixSeconds(1767607200);
  static constexpr Seconds kDay{86400};
  static inline const std::string kKey = "0123456789abcdef-test-key";
  static inline const std::string kPerson = "ola@example.net";

  void SetUp() override {
    dir_ = FreshTestDir("seqdispatch").string();
    auto store = OpenTestStore(dir_ + "/store");
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store.value());
    send_.directory = dir_ + "/sequences";
    send_.addresses.secret_key = kKey;
    send_.compose.hostname = "mx.shop.example";
    settings_.retry_base = Seconds(60);
    settings_.max_age = Seconds(86400);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  // Writes files (name -> text) to the sequence directory and loads it into
  // sequences_, by sequence name.
  void LoadSequences(const std::map<std::string, std::string>& files) {
    std::filesystem::create_directories(send_.directory);
    for (const auto& [name, text] : files) std::ofstream(send_.directory + "/" + name) << text;
    auto loaded = LoadSequenceDirectory(send_.directory);
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
    for (LoadedSequence& sequence : *loaded) sequences_[sequence.definition.name] = sequence;
  }

  Dispatcher MakeDispatcher() {
    return Dispatcher(*store_, transport_, clock_, logger_, settings_, send_, &counters_);
  }

  DispatchStats RunAt(TimePoint t) {
    clock_.Set(t);
    auto stats = MakeDispatcher().RunOnce();
    EXPECT_TRUE(stats.ok()) << stats.status().ToString();
    return stats.ok() ? *stats : DispatchStats{};
  }

  Enrolment EnrolmentIn(const std::string& sequence) {
    auto enrolment = store_->sequences().GetEnrolment(kPerson, sequence);
    EXPECT_TRUE(enrolment.ok() && enrolment->has_value()) << sequence;
    return enrolment.ok() && enrolment->has_value() ? **enrolment : Enrolment{};
  }

  std::string dir_;
  std::map<std::string, LoadedSequence> sequences_;
  std::unique_ptr<Store> store_;
  TestTransport transport_;
  ManualClock clock_{kStart};
  CapturingLogger logger_;
  DispatchSettings settings_;
  SequenceSendSettings send_;
  Counters counters_;
};

}  // namespace ar::testing
