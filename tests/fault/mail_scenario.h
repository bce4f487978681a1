// MailScenario: one deterministic day of mail through the real milter logic
// (Session, MilterService), then the real Dispatcher, on a real LmdbStore
// in a fresh directory, with a ManualClock and a TestTransport:
//   - out-of-office: two users away; a sender who writes twice gets one
//     reply; a mail to both users gets two; list mail and mail to nobody
//     away get none;
//   - sequences (conf/sequences): four camera leads enrol in canon-eos-5d;
//     an order confirmation moves one to accessories; one unsubscribes, one
//     hard-bounces (both control mails are consumed: kDiscard);
// then the dispatcher runs at every next due time until the queue is empty
// (the quiet lead is moved to camera-gentle on the way, about 33 days).
//
// Run() may inject one fault: the N-th store write fails (WriteFaults
// through StoreOptions::faults), or the N-th send fails; and it may leave
// one message out (the reference for "a failed write lost only that
// message").
//
// Ownership: owns its template store directory (rules and sequence versions
// already stored, copied for each run). Not thread-safe.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "milter/milter_service.h"
#include "milter/session.h"
#include "store/store.h"
#include "tests/support/test_transport.h"

namespace ar {

using testing::SendAttempt;

struct ScenarioMessage {
  std::string name;  // what the message is in the story, for failure output
  std::string sender;
  std::vector<std::string> recipients;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  Verdict designed = Verdict::kContinue;  // the verdict when nothing fails
  // For a control mail (unsubscribe, bounce): the message whose write
  // records the person the token names. When that write failed, the token is
  // not ours and this mail is ordinary mail, delivered (kContinue).
  std::optional<size_t> token_recorded_by = std::nullopt;
};

struct ScenarioFaults {
  size_t store_write = 0;  // 1-based; 0 = no store fault
  Status store_failure = Status::IoError("injected write failure");
  size_t send = 0;  // 1-based; 0 = no transport fault
  SendResult::Kind send_failure = SendResult::Kind::kTemporary;
  std::optional<size_t> omit_message;  // index into messages()
  bool tempfail_on_error = false;      // the milter's setting (default: accept)
};

struct ScenarioResult {
  std::vector<Verdict> verdicts;  // per message; kContinue for an omitted one
  size_t writes = 0;              // store writes the scenario made (after setup)
  size_t milter_writes = 0;       // of which in the milter phase
  std::string failed_operation;   // the write that failed; "" when none did
  // The message whose end of message met the failed write, if any.
  std::optional<size_t> failed_in_message;
  // How many sends the transport had seen when the write failed: with one
  // sender, a failed MarkSent or RecordStepSent records send number this.
  std::optional<size_t> sends_before_failed_write;
  std::vector<SendAttempt> sends;
  std::vector<QueueItem> queued_after_milter;
  std::vector<QueueItem> failed_items;  // the failed list at the end
  size_t dispatcher_errors = 0;         // RunOnce() calls that returned an error
  // Messages the milter logged as "cannot record ..., message accepted".
  std::vector<size_t> unrecorded_messages;
  size_t injected_failures_logged = 0;  // log lines naming an injected failure
  bool drained = false;                 // the queue became empty
  std::string store_dir;                // closed; for CheckStoreInvariants
};

class MailScenario {
 public:
  // Builds the template store under work_dir (created; removed by the
  // destructor). InvalidArgument when the store ignores StoreOptions::faults.
  static Result<std::unique_ptr<MailScenario>> Create(const std::string& work_dir);
  ~MailScenario();

  const std::vector<ScenarioMessage>& messages() const { return messages_; }
  // One whole run in a fresh copy of the template store, named run_name.
  Result<ScenarioResult> Run(const ScenarioFaults& faults, const std::string& run_name);
  // Removes a run's store directory.
  void Discard(const ScenarioResult& result);

 private:
  MailScenario() = default;
  Status Setup(const std::string& work_dir);

  std::string work_dir_;
  std::string template_dir_;
  std::string sequence_dir_;
  std::string secret_key_;
  std::vector<ScenarioMessage> messages_;
  std::shared_ptr<const MessageSettings> settings_;
};

}  // namespace ar
