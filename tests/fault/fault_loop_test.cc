// The fault-injection loop: the whole mail story of MailScenario, run again
// and again with exactly one fault -- store write N fails (IoError, then
// Full), or send N fails (temporary, then permanent) -- for N = 1, 2, ...
// until N is past the last write or send the story made, i.e. until the
// fault is never hit and the story completes. After every run:
//   (a) every message was accepted (never tempfail with default settings),
//       with its designed verdict unless its own write failed (or, for a
//       control mail, the write that recorded its person's token);
//   (b) the store invariants hold (store_invariants.h) and the queue drained;
//   (c) nothing recorded was lost or doubled: every reply the store queued
//       and every step it recorded as sent went out exactly once by
//       Message-ID, or is on the failed list; a send goes out twice only
//       when the write recording it failed (the dispatcher's documented
//       at-least-once choice); and what went out is what the fault-free run
//       sent -- or, when the write that failed was a message's own, what a
//       run without that message sent;
//   (d) a temporary send failure was retried and sent; a permanent one put
//       exactly that mail on the failed list.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "tests/fault/mail_scenario.h"
#include "tests/fault/store_invariants.h"

namespace ar {
namespace {

using KeyCounts = std::map<std::string, int>;

// What went out (accepted by the transport), counted by SendAttempt::Key().
KeyCounts AcceptedKeys(const ScenarioResult& run) {
  KeyCounts keys;
  for (const SendAttempt& send : run.sends)
    if (send.result == SendResult::Kind::kSent) ++keys[send.Key()];
  return keys;
}

std::map<std::string, int> AcceptedMessageIds(const ScenarioResult& run) {
  std::map<std::string, int> ids;
  for (const SendAttempt& send : run.sends)
    if (send.result == SendResult::Kind::kSent) ++ids[send.message_id];
  return ids;
}

std::string Describe(const KeyCounts& keys) {
  std::string out;
  for (const auto& [key, count] : keys) out += "  " + std::to_string(count) + " x " + key + "\n";
  return out;
}

bool RecordsASend(const std::string& operation) {
  return operation == "MarkSent" || operation == "RecordStepSent";
}

class FaultLoop : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto scenario = MailScenario::Create(std::string(::testing::TempDir()) + "/fault_loop_" +
                                         std::to_string(getpid()));
    ASSERT_TRUE(scenario.ok()) << scenario.status().ToString();
    scenario_ = std::move(scenario).value().release();
    auto baseline = scenario_->Run(ScenarioFaults{}, "baseline");
    ASSERT_TRUE(baseline.ok()) << baseline.status().ToString();
    baseline_ = new ScenarioResult(std::move(baseline).value());
  }
  void SetUp() override {
    ASSERT_NE(baseline_, nullptr) << "the story could not be set up or run without faults";
  }
  static void TearDownTestSuite() {
    delete baseline_;
    baseline_ = nullptr;
    delete omitted_;
    omitted_ = nullptr;
    delete scenario_;
    scenario_ = nullptr;
  }

  // What goes out when message i never arrived: the reference for a run in
  // which message i's own write failed. Cached: each is one more run.
  const KeyCounts& WithoutMessage(size_t i) {
    if (omitted_ == nullptr) omitted_ = new std::map<size_t, KeyCounts>();
    auto found = omitted_->find(i);
    if (found != omitted_->end()) return found->second;
    ScenarioFaults faults;
    faults.omit_message = i;
    auto run = scenario_->Run(faults, "without_" + std::to_string(i));
    EXPECT_TRUE(run.ok()) << run.status().ToString();
    KeyCounts keys = run.ok() ? AcceptedKeys(*run) : KeyCounts{};
    if (run.ok()) scenario_->Discard(*run);
    return (*omitted_)[i] = keys;
  }

  // Checks (a), (b) and the exactly-once half of (c) shared by every loop;
  // returns the problems found, one per line. doubled_allowed: a write
  // recording a send failed, so that mail may have gone out twice.
  std::vector<std::string> CheckCommon(const ScenarioResult& run, bool doubled_allowed,
                                       StoreInvariantReport* report_out) {
    std::vector<std::string> problems;
    const auto& messages = scenario_->messages();
    for (size_t i = 0; i < run.verdicts.size(); ++i) {
      const Verdict v = run.verdicts[i];
      if (v == Verdict::kTempfail) problems.push_back("tempfail for: " + messages[i].name);
      const bool own_write_failed = run.failed_in_message == i;
      const bool token_unrecorded = messages[i].token_recorded_by.has_value() &&
                                    run.failed_in_message == messages[i].token_recorded_by;
      if (v != messages[i].designed &&
          !((own_write_failed || token_unrecorded) && v == Verdict::kContinue))
        problems.push_back("unexpected verdict for: " + messages[i].name);
    }

    // A failed write is never silent: the milter names the message it
    // accepted without recording, and every injected failure is logged.
    std::vector<size_t> unrecorded_expected;
    if (run.failed_in_message) unrecorded_expected.push_back(*run.failed_in_message);
    if (run.unrecorded_messages != unrecorded_expected)
      problems.push_back("the milter logged " + std::to_string(run.unrecorded_messages.size()) +
                         " messages as unrecorded, expected " +
                         std::to_string(unrecorded_expected.size()));
    if (!run.failed_operation.empty() && run.injected_failures_logged == 0)
      problems.push_back("the failed " + run.failed_operation + " was not logged");

    auto report = CheckStoreInvariants(run.store_dir);
    if (!report.ok()) {
      problems.push_back("cannot check the store: " + report.status().ToString());
      return problems;
    }
    for (const std::string& v : report->violations) problems.push_back("invariant: " + v);
    if (!run.drained) problems.push_back("the queue never became empty");

    // Exactly once by Message-ID.
    const std::map<std::string, int> accepted = AcceptedMessageIds(run);
    int doubled = 0;
    for (const auto& [id, count] : accepted) {
      if (id.empty()) problems.push_back("a mail without Message-ID went out");
      if (count == 2 && doubled_allowed)
        ++doubled;
      else if (count > 1)
        problems.push_back(id + " went out " + std::to_string(count) + " times");
    }
    if (doubled > 1) problems.push_back(std::to_string(doubled) + " mails went out twice");
    if (doubled == 1) {
      // Only the mail whose recording failed may go out again.
      const size_t k = run.sends_before_failed_write.value_or(0);
      const std::string recorded = k > 0 ? run.sends[k - 1].message_id : std::string();
      if (accepted.count(recorded) == 0 || accepted.at(recorded) != 2)
        problems.push_back("a mail went out twice, but not the one whose recording failed");
    }
    std::set<std::string> failed_ids;
    for (const QueueItem& item : run.failed_items) failed_ids.insert(item.message_id);
    for (const QueueItem& item : run.queued_after_milter) {
      if (item.kind != QueueItemKind::kReply) continue;
      if (!accepted.count(item.message_id) && !failed_ids.count(item.message_id))
        problems.push_back("queued reply " + item.message_id + " to " + item.envelope_recipient +
                           " was neither sent nor failed");
    }
    std::set<std::string> reply_ids;
    for (const QueueItem& item : run.queued_after_milter) reply_ids.insert(item.message_id);
    std::set<std::string> recorded_steps(report->sent_step_message_ids.begin(),
                                         report->sent_step_message_ids.end());
    if (recorded_steps.size() != report->sent_step_message_ids.size())
      problems.push_back("a step Message-ID is recorded twice in enrolment histories");
    for (const std::string& id : recorded_steps)
      if (!accepted.count(id)) problems.push_back("recorded step " + id + " never went out");
    for (const auto& [id, count] : accepted)
      if (!reply_ids.count(id) && !recorded_steps.count(id))
        problems.push_back(id + " went out but is recorded nowhere");
    if (report_out != nullptr) *report_out = *report;
    return problems;
  }

  // Accepted keys must equal the reference, except that one mail may have
  // gone out once more when doubled_allowed.
  static void CompareWith(const KeyCounts& reference, const ScenarioResult& run,
                          bool doubled_allowed, std::vector<std::string>& problems) {
    KeyCounts got = AcceptedKeys(run);
    if (doubled_allowed) {
      for (auto& [key, count] : got) {
        auto ref = reference.find(key);
        if (ref != reference.end() && count == ref->second + 1) {
          --count;
          break;
        }
      }
    }
    if (got != reference)
      problems.push_back("what went out differs from the reference run; expected:\n" +
                         Describe(reference) + "got:\n" + Describe(got));
  }

  // The store-write loop with one failure status.
  void StoreWriteLoop(const Status& failure, const std::string& label) {
    const KeyCounts fault_free = AcceptedKeys(*baseline_);
    size_t n = 1;
    size_t failing_runs = 0;
    size_t sent_twice = 0;  // mails sent again because the write recording them failed
    std::map<std::string, int> failed_operations;
    for (;; ++n) {
      ScenarioFaults faults;
      faults.store_write = n;
      faults.store_failure = failure;
      auto run = scenario_->Run(faults, "store_" + label + "_" + std::to_string(n));
      ASSERT_TRUE(run.ok()) << run.status().ToString();
      const bool hit = !run->failed_operation.empty();
      if (hit) ++failed_operations[run->failed_operation];
      const bool doubled_allowed = hit && RecordsASend(run->failed_operation);
      std::vector<std::string> problems = CheckCommon(*run, doubled_allowed, nullptr);
      for (const auto& [id, count] : AcceptedMessageIds(*run))
        if (count > 1) ++sent_twice;
      const KeyCounts& reference =
          run->failed_in_message ? WithoutMessage(*run->failed_in_message) : fault_free;
      CompareWith(reference, *run, doubled_allowed, problems);
      if (!problems.empty()) {
        ++failing_runs;
        std::string text;
        for (const std::string& p : problems) text += "  " + p + "\n";
        ADD_FAILURE() << label << " on store write " << n << " ("
                      << (hit ? run->failed_operation : std::string("never hit"))
                      << (run->failed_in_message
                              ? ", in: " + scenario_->messages()[*run->failed_in_message].name
                              : std::string())
                      << "):\n"
                      << text;
      }
      scenario_->Discard(*run);
      if (!hit) break;  // N is past the last write: the story completed
      ASSERT_LT(n, 1000u) << "the story never completes";
    }
    std::string ops;
    for (const auto& [op, count] : failed_operations) ops += " " + op + "=" + std::to_string(count);
    std::cout << "store-write faults (" << label << "): N=1.." << n - 1 << ", "
              << (failing_runs == 0 ? std::string("all invariants held")
                                    : std::to_string(failing_runs) + " runs failed")
              << "; failed writes:" << ops << "; sent twice: " << sent_twice << "\n";
    EXPECT_GT(n, 1u) << "the story made no store write";
  }

  static MailScenario* scenario_;
  static ScenarioResult* baseline_;
  static std::map<size_t, KeyCounts>* omitted_;
};

MailScenario* FaultLoop::scenario_ = nullptr;
ScenarioResult* FaultLoop::baseline_ = nullptr;
std::map<size_t, KeyCounts>* FaultLoop::omitted_ = nullptr;

TEST_F(FaultLoop, FaultFreeRunTellsTheWholeStory) {
  const ScenarioResult& run = *baseline_;
  StoreInvariantReport report;
  std::vector<std::string> problems = CheckCommon(run, false, &report);
  for (const std::string& p : problems) ADD_FAILURE() << p;
  EXPECT_TRUE(run.failed_items.empty());
  EXPECT_EQ(run.dispatcher_errors, 0u);
  const KeyCounts keys = AcceptedKeys(run);
  std::map<std::string, int> to;  // accepted mails per recipient
  std::set<std::string> dave_from;
  for (const SendAttempt& send : run.sends) {
    ++to[send.recipient];
    if (send.recipient == "dave@example.net") dave_from.insert(send.from);
  }
  // Out of office: carol once (not twice), dave from alice and from bob;
  // the list and frank's mail got nothing.
  EXPECT_EQ(to["carol@example.net"], 1) << Describe(keys);
  EXPECT_EQ(to["dave@example.net"], 2) << Describe(keys);
  EXPECT_EQ(dave_from.size(), 2u) << Describe(keys);
  EXPECT_EQ(to["list-bounces@lists.example.net"] + to["eve@example.net"], 0) << Describe(keys);
  // Sequences: ole bought (two accessories mails, not the camera coupon);
  // kari stayed quiet (info, coupon, then camera-gentle's news); per
  // unsubscribed and siri bounced before their first step.
  EXPECT_EQ(to["ole@example.net"], 2) << Describe(keys);
  EXPECT_EQ(to["kari@example.net"], 3) << Describe(keys);
  EXPECT_EQ(to["per@example.net"] + to["siri@example.net"], 0) << Describe(keys);
  EXPECT_EQ(run.sends.size(), 8u) << Describe(keys);
  EXPECT_EQ(report.stalled_enrolments, 0u);
  EXPECT_EQ(report.active_enrolments, 0u) << "every enrolment ends within the story";
  std::cout << "fault-free story: " << run.writes << " store writes (" << run.milter_writes
            << " in the milter), " << run.sends.size() << " sends\n"
            << Describe(keys);
}

TEST_F(FaultLoop, EveryStoreWriteFailingWithIoErrorKeepsTheStoreWhole) {
  StoreWriteLoop(Status::IoError("injected: Input/output error"), "IoError");
}

TEST_F(FaultLoop, EveryStoreWriteFailingWithFullKeepsTheStoreWhole) {
  StoreWriteLoop(Status::Full("injected: MDB_MAP_FULL"), "Full");
}

// The administrator's other choice: with tempfail_on_error, exactly the
// message whose write failed is tempfailed (the MTA retries it), and every
// other message still gets its designed verdict.
TEST_F(FaultLoop, WithTempfailOnErrorOnlyTheMessageWhoseWriteFailedIsTempfailed) {
  const auto& messages = scenario_->messages();
  ASSERT_GT(baseline_->milter_writes, 0u);
  size_t tempfailed = 0;
  for (size_t n = 1; n <= baseline_->milter_writes; ++n) {
    ScenarioFaults faults;
    faults.store_write = n;
    faults.tempfail_on_error = true;
    auto run = scenario_->Run(faults, "tempfail_" + std::to_string(n));
    ASSERT_TRUE(run.ok()) << run.status().ToString();
    ASSERT_TRUE(run->failed_in_message.has_value()) << "write " << n << " is not the milter's";
    for (size_t i = 0; i < run->verdicts.size(); ++i) {
      // A control mail whose person was never recorded is ordinary mail.
      const Verdict expected = i == *run->failed_in_message ? Verdict::kTempfail
                               : messages[i].token_recorded_by == run->failed_in_message
                                   ? Verdict::kContinue
                                   : messages[i].designed;
      EXPECT_EQ(run->verdicts[i], expected) << "write " << n << ", " << messages[i].name;
      if (run->verdicts[i] == Verdict::kTempfail) ++tempfailed;
    }
    auto report = CheckStoreInvariants(run->store_dir);
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    EXPECT_TRUE(report->ok()) << report->Summary();
    scenario_->Discard(*run);
  }
  EXPECT_EQ(tempfailed, baseline_->milter_writes);
}

// The transport loops: send N fails; stop when N is past the last send.
class TransportFaultLoop : public FaultLoop {
 protected:
  void Loop(SendResult::Kind kind, const std::string& label) {
    const KeyCounts fault_free = AcceptedKeys(*baseline_);
    size_t n = 1;
    size_t failing_runs = 0;
    size_t stalled = 0;  // active enrolments whose step ended on the failed list
    for (;; ++n) {
      ScenarioFaults faults;
      faults.send = n;
      faults.send_failure = kind;
      auto run = scenario_->Run(faults, "send_" + label + "_" + std::to_string(n));
      ASSERT_TRUE(run.ok()) << run.status().ToString();
      const bool hit = run->sends.size() >= n;
      StoreInvariantReport report;
      std::vector<std::string> problems = CheckCommon(*run, false, &report);
      if (hit) {
        const SendAttempt& failed = run->sends[n - 1];
        if (failed.result != kind)
          problems.push_back("send " + std::to_string(n) + " did not fail");
        if (kind == SendResult::Kind::kTemporary) {
          // (d) retried, and eventually sent: everything as without the fault.
          CompareWith(fault_free, *run, false, problems);
          bool resent = false;
          for (size_t i = n; i < run->sends.size(); ++i)
            resent |= run->sends[i].Key() == failed.Key() &&
                      run->sends[i].result == SendResult::Kind::kSent;
          if (!resent) problems.push_back("temporarily failed " + failed.Key() + " never went out");
          if (!run->failed_items.empty()) problems.push_back("a temporary failure ended as failed");
        } else {
          // Exactly that mail is on the failed list, and never went out.
          if (run->failed_items.size() != 1 ||
              run->failed_items[0].envelope_recipient != failed.recipient)
            problems.push_back("the failed list is not exactly " + failed.Key());
          KeyCounts got = AcceptedKeys(*run);
          if (got.count(failed.Key())) problems.push_back(failed.Key() + " went out after all");
          for (const auto& [key, count] : got) {
            auto ref = fault_free.find(key);
            if (ref == fault_free.end() || count > ref->second)
              problems.push_back(key + " went out, but not in the fault-free run");
          }
          // A step that failed for good ends its enrolment ("delivery-failed").
          if (report.stalled_enrolments > 0) problems.push_back("an enrolment stalled behind a failed step");
          stalled += report.stalled_enrolments;
        }
      } else {
        CompareWith(fault_free, *run, false, problems);
      }
      if (!problems.empty()) {
        ++failing_runs;
        std::string text;
        for (const std::string& p : problems) text += "  " + p + "\n";
        ADD_FAILURE() << label << " failure of send " << n << ":\n" << text;
      }
      scenario_->Discard(*run);
      if (!hit) break;
      ASSERT_LT(n, 1000u) << "the story never completes";
    }
    std::cout << "transport faults (" << label << "): N=1.." << n - 1 << ", "
              << (failing_runs == 0 ? std::string("all invariants held")
                                    : std::to_string(failing_runs) + " runs failed")
              << (kind == SendResult::Kind::kPermanent
                      ? "; enrolments left active behind a failed step: " + std::to_string(stalled)
                      : std::string())
              << "\n";
    EXPECT_GT(n, 1u) << "the story sent nothing";
  }
};

TEST_F(TransportFaultLoop, EveryTemporarySendFailureIsRetriedUntilSent) {
  Loop(SendResult::Kind::kTemporary, "temporary");
}

TEST_F(TransportFaultLoop, EveryPermanentSendFailureEndsOnTheFailedList) {
  Loop(SendResult::Kind::kPermanent, "permanent");
}

}  // namespace
}  // namespace ar
