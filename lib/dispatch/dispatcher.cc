#include "dispatch/dispatcher.h"

#include <algorithm>
#include <chrono>
#include <set>
#include <thread>
#include <utility>

namespace ar {
namespace {

OutgoingMail MailFor(const QueueItem& item) {
  OutgoingMail mail;
  mail.envelope_sender = item.envelope_sender;
  mail.recipient = item.envelope_recipient;
  mail.message = item.message;
  return mail;
}

// "id=12 to=<bob@example.org> origin=4XAbc": the words an operator greps
// for, also in the MTA's own log (origin is its queue id).
std::string Describe(const QueueItem& item) {
  return "id=" + std::to_string(item.id) + " to=<" + item.envelope_recipient +
         "> origin=" + (item.origin_queue_id.empty() ? "-" : item.origin_queue_id);
}

}  // namespace

Dispatcher::Dispatcher(Store& store, Transport& transport, const Clock& clock, Logger& logger,
                       DispatchSettings settings, Counters* counters)
    : Dispatcher(store, transport, clock, logger, settings, SequenceSendSettings{}, counters) {}

Dispatcher::Dispatcher(Store& store, Transport& transport, const Clock& clock, Logger& logger,
                       DispatchSettings settings, SequenceSendSettings sequences,
                       Counters* counters)
    : store_(store),
      transport_(transport),
      clock_(clock),
      logger_(logger),
      settings_(settings),
      counters_(counters),
      step_sender_(store, transport, logger, std::move(sequences)) {}

Status Dispatcher::HandleStep(const QueueItem& item, DispatchStats& stats) {
  const TimePoint now = clock_.Now();
  const StepRetry retry{now + Backoff(item.attempts), settings_.max_age};
  Result<StepOutcome> outcome = step_sender_.Handle(item, now, retry);
  if (!outcome.ok()) return outcome.status();
  switch (*outcome) {
    // Not counted as replies: the reply counters are out-of-office replies.
    case StepOutcome::kSent:
      ++stats.sent;
      break;
    case StepOutcome::kDeferred:
      ++stats.retried;
      break;
    case StepOutcome::kFailed:
      ++stats.failed;
      break;
    case StepOutcome::kDropped:
    case StepOutcome::kExited:
      ++stats.dropped;
      break;
  }
  return Status::Ok();
}

Seconds Dispatcher::Backoff(uint32_t attempts) const {
  // retry_base * 2^attempts, capped; doubling step by step cannot overflow.
  Seconds delay = std::max(settings_.retry_base, Seconds(1));
  const Seconds cap = std::max(settings_.retry_max, delay);
  for (uint32_t i = 0; i < attempts && delay < cap; ++i) delay *= 2;
  return std::min(delay, cap);
}

Result<DispatchStats> Dispatcher::RunOnce() {
  DispatchStats stats;
  const size_t batch_size = std::max<size_t>(settings_.batch_size, 1);
  // Claiming moves an item's due time past now, so each item comes once;
  // remembering ids guards against a clock that moves while we work.
  std::set<uint64_t> seen;
  for (;;) {
    Result<std::vector<QueueItem>> batch =
        store_.ClaimDue(clock_.Now(), batch_size, settings_.lease);
    if (!batch.ok()) {
      CountInternalError();
      return batch.status();
    }
    bool repeated = false;
    for (const QueueItem& item : *batch) {
      if (stop_ != nullptr && stop_->load()) return stats;
      if (!seen.insert(item.id).second) {
        repeated = true;
        continue;  // still claimed; it comes back when the lease ends
      }
      if (item.kind == QueueItemKind::kSequenceStep) {
        Status handled = HandleStep(item, stats);
        if (!handled.ok()) {
          // Like a reply below: the item comes back after its lease.
          CountInternalError();
          logger_.Error("cannot handle step id=" + std::to_string(item.id) + ": " +
                        handled.ToString());
          return handled;
        }
        continue;
      }
      SendResult result = transport_.Send(MailFor(item));
      const TimePoint now = clock_.Now();
      Status recorded;
      if (result.kind == SendResult::Kind::kSent) {
        // Only now, after the MTA took it, does the reply count as sent.
        recorded = store_.MarkSent(item.id, now);
        ++stats.sent;
        Count(ReplyOutcome::kSent);
        logger_.Info("sent " + Describe(item) + ": " + result.detail);
      } else if (result.kind == SendResult::Kind::kPermanent) {
        recorded = store_.MarkFailed(item.id, now, result.detail);
        ++stats.failed;
        Count(ReplyOutcome::kFailed);
        logger_.Warning("failed " + Describe(item) + ": " + result.detail);
      } else if (now - item.created > settings_.max_age) {
        recorded = store_.MarkFailed(item.id, now, "too old to retry: " + result.detail);
        ++stats.failed;
        Count(ReplyOutcome::kFailed);
        logger_.Warning("failed " + Describe(item) + " after " + std::to_string(item.attempts + 1) +
                        " attempts, older than " + std::to_string(settings_.max_age.count()) +
                        "s: " + result.detail);
      } else {
        const TimePoint retry_at = now + Backoff(item.attempts);
        recorded = store_.MarkRetry(item.id, retry_at, result.detail);
        ++stats.retried;
        Count(ReplyOutcome::kDeferred);
        logger_.Info("deferred " + Describe(item) +
                     " attempt=" + std::to_string(item.attempts + 1) +
                     " retry_at=" + FormatIsoUtc(retry_at) + ": " + result.detail);
      }
      if (!recorded.ok()) {
        // The item stays claimed and comes back after the lease: a sent
        // reply may then go out twice, which beats losing it.
        CountInternalError();
        logger_.Error("cannot record outcome of " + Describe(item) + ": " + recorded.ToString());
        return recorded;
      }
    }
    if (batch->size() < batch_size || repeated) break;
  }
  return stats;
}

void Dispatcher::Run(const std::atomic<bool>& stop) {
  using Steady = std::chrono::steady_clock;
  const Seconds poll = std::max(settings_.poll_interval, Seconds(1));
  stop_ = &stop;
  while (!stop.load()) {
    Result<DispatchStats> stats = RunOnce();
    Seconds wait = poll;
    if (!stats.ok()) {
      logger_.Error("dispatch round failed: " + stats.status().ToString());
    } else {
      Result<std::optional<TimePoint>> next = store_.NextDue();
      if (next.ok() && next->has_value()) {
        Seconds until = **next - clock_.Now();
        wait = std::clamp(until, Seconds(0), poll);
        // Due now yet nothing claimed (another dispatcher holds it): do not spin.
        if (wait == Seconds(0) && stats->sent + stats->retried + stats->failed == 0) {
          wait = Seconds(1);
        }
      } else if (!next.ok()) {
        CountInternalError();
        logger_.Error("cannot read next due time: " + next.status().ToString());
      }
    }
    // Real time, in short slices so a stop request is seen promptly; the
    // injected clock only says what is due, not how long to sleep.
    const auto until = Steady::now() + wait;
    while (!stop.load() && Steady::now() < until) {
      auto slice =
          std::min<Steady::duration>(until - Steady::now(), std::chrono::milliseconds(100));
      std::this_thread::sleep_for(slice);
    }
  }
  stop_ = nullptr;
}

}  // namespace ar
