// SessionFixture: the milter's per-connection logic driven as the engines
// drive it, against a real Store in a fresh directory, a ManualClock at
// 2026-01-01T00:00:00Z and a CapturingLogger at info. A test starts the
// MilterService with its settings (StartService) and delivers messages;
// ShopSequence and SequenceSettings build the settings of a shop's sequences.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/logger.h"
#include "metrics/counters.h"
#include "milter/milter_service.h"
#include "milter/session.h"
#include "responder/sequence_responder.h"
#include "sequence/sequence_decision.h"
#include "sequence/sequence_definition.h"
#include "store/store.h"
#include "tests/support/test_dir.h"

namespace ar::testing {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// A sequence from Shop <shop@shop.example> that mail to `recipient` (a
// pattern) enrols, with one step (hello.txt) a day later.
inline SequenceDefinition ShopSequence(const std::string& name, const std::string& recipient,
                                       PersonSource person) {
  SequenceDefinition d;
  d.name = name;
  d.version = name.substr(0, 1) + "1";
  d.from = "Shop <shop@shop.example>";
  d.trigger.conditions = {{"recipient", recipient}};
  d.trigger.person = person;
  StepSpec step;
  step.name = "hello";
  step.offset = Seconds(86400);
  step.template_name = "hello.txt";
  d.steps = {step};
  return d;
}

// Message settings for mx.shop.example with these sequences, compiled.
inline std::shared_ptr<MessageSettings> SequenceSettings(
    const std::vector<SequenceDefinition>& definitions, const std::string& secret_key) {
  auto runtime = std::make_shared<SequenceRuntime>();
  for (const SequenceDefinition& definition : definitions) {
    Result<CompiledSequence> compiled = CompileSequence(definition);
    EXPECT_TRUE(compiled.ok()) << compiled.status().ToString();
    if (compiled.ok()) runtime->sequences.push_back(std::move(*compiled));
  }
  runtime->secret_key = secret_key;
  auto settings = std::make_shared<MessageSettings>();
  settings->responder.compose.hostname = "mx.shop.example";
  settings->sequences = runtime;
  return settings;
}

class SessionFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = FreshTestDir("session");
    auto store = OpenTestStore(dir_.string(), 1ull << 30);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
  }
  void TearDown() override {
    service_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  void StartService(std::shared_ptr<MessageSettings> settings) {
    service_ =
        std::make_unique<MilterService>(std::move(settings), *store_, clock_, logger_, &counters_);
  }

  struct Delivered {
    EndOfMessage end;
    bool wanted_body = false;
  };

  // One message through a fresh Session, as the callbacks would deliver it;
  // the body only when the session asks for it.
  Delivered DeliverMessage(const std::string& sender, const std::vector<std::string>& rcpts,
                           const HeaderList& headers, const std::string& body,
                           const std::string& queue_id) {
    Session session(*service_);
    session.OnMailFrom("<" + sender + ">", false);
    for (const auto& r : rcpts) session.OnRecipient("<" + r + ">");
    for (const auto& [name, value] : headers) session.OnHeader(name, value);
    Delivered out;
    out.wanted_body = session.WantsBody();
    if (out.wanted_body) session.OnBodyChunk(body);
    out.end = session.OnEndOfMessage(queue_id);
    return out;
  }

  size_t QueueSize() {
    auto items = store_->ListQueue(100);
    EXPECT_TRUE(items.ok());
    return items.ok() ? items->size() : 0;
  }

  bool Enrolled(const std::string& person, const std::string& sequence) {
    auto e = store_->sequences().GetEnrolment(person, sequence);
    return e.ok() && e->has_value();
  }

  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
  ManualClock clock_{FromUnixSeconds(1767225600)};
  CapturingLogger logger_{LogLevel::kInfo};
  Counters counters_;
  std::unique_ptr<MilterService> service_;
};

}  // namespace ar::testing
