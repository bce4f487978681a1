#include "dispatch/dispatcher.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <utility>

#include "core/strings.h"
#include "message/sub_address.h"

namespace ar {
namespace {

OutgoingMail MailFor(const QueueItem& item) {
  OutgoingMail mail;
  mail.envelope_sender = item.envelope_sender;
  mail.recipient = item.envelope_recipient;
  mail.message = item.message;
  return mail;
}

// "item=12 to=<bob@example.org> origin=4XAbc": the words an operator greps
// for, also in the MTA's own log (origin is its queue id).
std::string Describe(const QueueItem& item) {
  return "item=" + std::to_string(item.id) + " to=<" + item.envelope_recipient +
         "> origin=" + (item.origin_queue_id.empty() ? "-" : item.origin_queue_id);
}

// Who a follow-up goes to: the envelope recipient of a reply, the person of
// a step (the same field, with user as the fallback of older items).
std::string PersonOf(const QueueItem& item) {
  return item.envelope_recipient.empty() ? item.user : item.envelope_recipient;
}

std::string SecondsText(Seconds s) { return std::to_string(s.count()) + "s"; }

// A person's recent sends matter to the frequency cap for its window only.
RetentionSettings RetentionOf(const DispatchSettings& settings) {
  RetentionSettings retention = settings.retention;
  retention.policy.person_sends = settings.person_send_window;
  return retention;
}

// Retention steps between two rounds: each is short (store_sweeper.h), and
// a few at a time delay due sends by little.
constexpr size_t kSweepStepsPerRound = 8;

}  // namespace

DispatchStats& DispatchStats::operator+=(const DispatchStats& other) {
  sent += other.sent;
  retried += other.retried;
  failed += other.failed;
  dropped += other.dropped;
  skipped += other.skipped;
  capped += other.capped;
  return *this;
}

// One sender: a transport and the step sender that uses it. Used by one
// thread at a time, like its Transport; kept between batches so an SMTP
// session stays open.
struct Dispatcher::Sender {
  Sender(std::unique_ptr<Transport> owned_transport, Transport& transport_in_use, Store& store,
         Logger& logger, const SequenceSendSettings& sequences)
      : owned(std::move(owned_transport)),
        transport(transport_in_use),
        steps(store, transport_in_use, logger, sequences) {}
  std::unique_ptr<Transport> owned;  // null when borrowed
  Transport& transport;
  SequenceStepSender steps;
};

// One round: the groups claimed and not yet taken, shared by the senders.
// Everything but the atomics is guarded by mu.
struct Dispatcher::Round {
  // A person's items of one batch, in due order, each with its due time
  // before the claim moved it (catch-up needs it); handled by one sender
  // from start to end, so the frequency cap sees each send before the next.
  struct Group {
    std::string person;
    std::vector<std::pair<QueueItem, std::optional<TimePoint>>> items;
  };
  std::mutex mu;
  std::condition_variable changed;
  std::deque<Group> groups;    // claimed, not yet taken, in claim order
  std::set<std::string> busy;  // persons whose group a sender is working on
  bool claiming = false;       // a sender is claiming the next batch
  bool exhausted = false;      // the last claim took all that was due
  size_t claim = 0;            // items per claim (fewer in a full store)
  // Claiming moves an item's due time past now, so each item comes once;
  // remembering ids guards against a clock that moves while we work.
  std::set<uint64_t> seen;
  std::atomic<bool> failed{false};
  Status error;  // the first store error
};

Dispatcher::Dispatcher(Store& store, Transport& transport, const Clock& clock, Logger& logger,
                       DispatchSettings settings, Counters* counters)
    : Dispatcher(store, &transport, nullptr, clock, logger, settings, SequenceSendSettings{},
                 counters) {}

Dispatcher::Dispatcher(Store& store, Transport& transport, const Clock& clock, Logger& logger,
                       DispatchSettings settings, SequenceSendSettings sequences,
                       Counters* counters)
    : Dispatcher(store, &transport, nullptr, clock, logger, settings, std::move(sequences),
                 counters) {}

Dispatcher::Dispatcher(Store& store, TransportFactory make_transport, const Clock& clock,
                       Logger& logger, DispatchSettings settings, SequenceSendSettings sequences,
                       Counters* counters)
    : Dispatcher(store, nullptr, std::move(make_transport), clock, logger, settings,
                 std::move(sequences), counters) {}

Dispatcher::Dispatcher(Store& store, Transport* transport, TransportFactory make_transport,
                       const Clock& clock, Logger& logger, DispatchSettings settings,
                       SequenceSendSettings sequences, Counters* counters)
    : store_(store),
      borrowed_transport_(transport),
      make_transport_(std::move(make_transport)),
      clock_(clock),
      logger_(logger),
      settings_(settings),
      sequences_(std::move(sequences)),
      counters_(counters),
      sweeper_(store, clock, logger, RetentionOf(settings), counters) {}

Dispatcher::~Dispatcher() = default;
Dispatcher::Dispatcher(Dispatcher&&) noexcept = default;

size_t Dispatcher::EnsureSenders(size_t wanted) {
  const size_t most =
      borrowed_transport_ != nullptr ? 1 : std::max<size_t>(settings_.concurrency, 1);
  wanted = std::clamp<size_t>(wanted, 1, most);
  while (senders_.size() < wanted) {
    if (borrowed_transport_ != nullptr) {
      senders_.push_back(
          std::make_unique<Sender>(nullptr, *borrowed_transport_, store_, logger_, sequences_));
      continue;
    }
    Result<std::unique_ptr<Transport>> made =
        make_transport_ ? make_transport_() : Status::InvalidArgument("no transport factory");
    if (!made.ok()) {
      logger_.Error("cannot make a transport for sender " + std::to_string(senders_.size() + 1) +
                    ": " + made.status().ToString());
      break;
    }
    Transport& transport = **made;
    senders_.push_back(
        std::make_unique<Sender>(std::move(*made), transport, store_, logger_, sequences_));
  }
  return senders_.size();
}

Seconds Dispatcher::Backoff(uint32_t attempts) const {
  // retry_base * 2^attempts, capped; doubling step by step cannot overflow.
  Seconds delay = std::max(settings_.retry_base, Seconds(1));
  const Seconds cap = std::max(settings_.retry_max, delay);
  for (uint32_t i = 0; i < attempts && delay < cap; ++i) delay *= 2;
  return std::min(delay, cap);
}

Seconds Dispatcher::StoreBackoff(uint32_t failed_rounds) const {
  // poll_interval: what one failure waited before pauses doubled.
  Seconds delay = std::max(settings_.poll_interval, Seconds(1));
  const Seconds cap = std::max(kStoreBackoffMax, delay);
  for (uint32_t i = 1; i < failed_rounds && delay < cap; ++i) delay *= 2;
  return std::min(delay, cap);
}

Result<std::optional<TimePoint>> Dispatcher::CappedUntil(const std::string& person, TimePoint now,
                                                         size_t* recent) {
  const size_t limit = settings_.person_send_limit;
  Result<std::vector<TimePoint>> sends =
      store_.RecentSends(person, now - settings_.person_send_window);
  if (!sends.ok()) return sends.status();
  *recent = sends->size();
  if (sends->size() < limit) return std::optional<TimePoint>();
  // Oldest first: once the oldest of the last `limit` sends has left the
  // window, fewer than limit remain. RecentSends counts a send at exactly
  // `since`, hence the second after.
  TimePoint until = (*sends)[sends->size() - limit] + settings_.person_send_window + Seconds(1);
  return std::optional<TimePoint>(std::max(until, now + Seconds(1)));
}

Status Dispatcher::HandleStep(Sender& sender, const QueueItem& item, const std::string& skip_reason,
                              DispatchStats& stats) {
  const TimePoint now = clock_.Now();
  StepRetry retry{now + Backoff(item.attempts), settings_.max_age, skip_reason};
  Result<StepOutcome> outcome = sender.steps.Handle(item, now, retry);
  if (!outcome.ok()) return outcome.status();
  switch (*outcome) {
    // Not counted as replies: the reply counters are out-of-office replies.
    case StepOutcome::kSent:
      ++stats.sent;
      if (counters_ != nullptr) counters_->sequences().CountStepSent(item.sequence);
      break;
    case StepOutcome::kDeferred:
      ++stats.retried;
      break;
    case StepOutcome::kFailed:
      ++stats.failed;
      break;
    case StepOutcome::kSkipped:
      ++stats.skipped;
      break;
    case StepOutcome::kConfirmationSent:
      ++stats.sent;
      break;
    case StepOutcome::kExpired:
      if (counters_ != nullptr)
        counters_->sequences().CountExit(item.sequence, SequenceExitReason::kExpiry);
      ++stats.dropped;
      break;
    case StepOutcome::kExited:
      if (counters_ != nullptr)
        counters_->sequences().CountExit(item.sequence, SequenceExitReason::kNoEngagement);
      ++stats.dropped;
      break;
    case StepOutcome::kDropped:
      ++stats.dropped;
      break;
  }
  return Status::Ok();
}

Status Dispatcher::HandleReply(Sender& sender, const QueueItem& item, DispatchStats& stats) {
  SendResult result = sender.transport.Send(MailFor(item));
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
                    " attempts, older than max_age " + SecondsText(settings_.max_age) + ": " +
                    result.detail);
  } else {
    const TimePoint retry_at = now + Backoff(item.attempts);
    recorded = store_.MarkRetry(item.id, retry_at, result.detail);
    ++stats.retried;
    Count(ReplyOutcome::kDeferred);
    logger_.Info("deferred " + Describe(item) + " attempt=" + std::to_string(item.attempts + 1) +
                 " retry_at=" + FormatIsoUtc(retry_at) + ": " + result.detail);
  }
  if (!recorded.ok()) {
    // The item stays claimed and comes back after the lease: a sent
    // reply may then go out twice, which beats losing it.
    logger_.Error("cannot record outcome of " + Describe(item) + ": " + recorded.ToString());
  }
  return recorded;
}

Status Dispatcher::Handle(Sender& sender, const QueueItem& item,
                          std::optional<TimePoint> queued_due, DispatchStats& stats) {
  const TimePoint now = clock_.Now();
  const bool step = item.kind == QueueItemKind::kSequenceStep;

  // Catch-up: after downtime, what is long overdue is news no more.
  std::string skip_reason;
  if (settings_.catch_up_limit.count() > 0 && queued_due &&
      now - *queued_due > settings_.catch_up_limit) {
    skip_reason = "overdue by " + SecondsText(now - *queued_due) + ", more than catch_up_limit " +
                  SecondsText(settings_.catch_up_limit);
  }
  if (!skip_reason.empty() && !step) {
    Status failed = store_.MarkFailed(item.id, now, skip_reason);
    if (!failed.ok()) {
      logger_.Error("cannot record outcome of " + Describe(item) + ": " + failed.ToString());
      return failed;
    }
    ++stats.skipped;
    Count(ReplyOutcome::kFailed);
    logger_.Warning("skipped " + Describe(item) + ": " + skip_reason);
    return Status::Ok();
  }

  // The frequency cap: wait, never drop; attempts stay as they are.
  if (skip_reason.empty() && settings_.person_send_limit > 0) {
    const std::string person = PersonOf(item);
    size_t recent = 0;
    Result<std::optional<TimePoint>> until = CappedUntil(person, now, &recent);
    if (!until.ok()) {
      logger_.Error("cannot read recent sends to <" + person + ">: " + until.status().ToString());
      return until.status();
    }
    if (until->has_value()) {
      const std::string why = "frequency cap: " + std::to_string(recent) + " sends to <" + person +
                              "> within " + SecondsText(settings_.person_send_window) + ", limit " +
                              std::to_string(settings_.person_send_limit);
      Status deferred = store_.Defer(item.id, **until, "frequency cap");
      if (!deferred.ok()) {
        logger_.Error("cannot defer item=" + std::to_string(item.id) + ": " + deferred.ToString());
        return deferred;
      }
      ++stats.capped;
      logger_.Info("capped item=" + std::to_string(item.id) + " to=<" + person +
                   "> until=" + FormatIsoUtc(**until) + ": " + why);
      return Status::Ok();
    }
  }

  if (step) {
    Status handled = HandleStep(sender, item, skip_reason, stats);
    if (!handled.ok()) {
      logger_.Error("cannot handle step item=" + std::to_string(item.id) + ": " + handled.ToString());
    }
    return handled;
  }
  return HandleReply(sender, item, stats);
}

Status Dispatcher::Claim(Round& round) {
  const size_t batch_size = std::max<size_t>(settings_.batch_size, 1);
  for (;;) {
    const TimePoint now = clock_.Now();
    size_t claim = 0;
    {
      std::lock_guard<std::mutex> lock(round.mu);
      claim = round.claim;
    }
    std::map<uint64_t, TimePoint> queued_due;
    if (settings_.catch_up_limit.count() > 0) {
      // Claiming overwrites the due time, so read it first: the same items,
      // in the same order, unless another process claims in between (those
      // are then simply not judged overdue). A store without the listing
      // (a test double) just means no catch-up.
      Result<std::vector<QueueItem>> before =
          store_.sequences().ListDueBetween(FromUnixSeconds(0), now + Seconds(1), claim);
      if (before.ok())
        for (const QueueItem& item : *before) queued_due[item.id] = item.due;
    }
    // Claiming rewrites each item it claims. In a store that filled up,
    // only the reserve is left for that: claim fewer at a time until a
    // claim fits.
    Result<std::vector<QueueItem>> claimed = store_.ClaimDue(now, claim, settings_.lease);
    if (!claimed.ok() && claimed.status().code() == Status::Code::kFull && claim > 1) {
      // Once per round: the store is at its limit, which the operator should know.
      if (claim == batch_size) {
        logger_.Warning("a claim of " + std::to_string(claim) +
                        " items does not fit in the store, claiming fewer at a time: " +
                        claimed.status().ToString());
      }
      std::lock_guard<std::mutex> lock(round.mu);
      round.claim = std::max<size_t>(claim / 2, 1);
      continue;
    }
    if (!claimed.ok()) return claimed.status();

    std::lock_guard<std::mutex> lock(round.mu);
    bool repeated = false;
    std::map<std::string, size_t> group_of;  // person -> index in round.groups
    for (QueueItem& item : *claimed) {
      if (!round.seen.insert(item.id).second) {
        repeated = true;
        continue;  // still claimed; it comes back when the lease ends
      }
      std::string person = FoldSubAddress(PersonOf(item), settings_.recipient_delimiter);
      auto [at, fresh] = group_of.emplace(person, round.groups.size());
      if (fresh) round.groups.push_back(Round::Group{std::move(person), {}});
      auto due = queued_due.find(item.id);
      std::optional<TimePoint> queued =
          due == queued_due.end() ? std::nullopt : std::optional<TimePoint>(due->second);
      round.groups[at->second].items.emplace_back(std::move(item), queued);
    }
    if (claimed->size() < claim || repeated) round.exhausted = true;
    return Status::Ok();
  }
}

void Dispatcher::Work(Sender& sender, Round& round, DispatchStats& stats) {
  auto stopping = [this, &round] {
    return round.failed.load() || (stop_ != nullptr && stop_->load());
  };
  auto fail = [this, &round](const Status& status) {
    CountInternalError();
    std::lock_guard<std::mutex> lock(round.mu);
    if (!round.failed.exchange(true)) round.error = status;
    round.changed.notify_all();
  };
  for (;;) {
    Round::Group group;
    {
      std::unique_lock<std::mutex> lock(round.mu);
      for (;;) {
        // A stop or another sender's store error: take nothing more. What
        // is left stays claimed and comes back when its lease ends.
        if (stopping()) {
          round.changed.notify_all();
          return;
        }
        auto free = std::find_if(round.groups.begin(), round.groups.end(), [&](const auto& g) {
          return round.busy.count(g.person) == 0;
        });
        if (free != round.groups.end()) {
          group = std::move(*free);
          round.groups.erase(free);
          round.busy.insert(group.person);
          break;
        }
        if (!round.claiming && !round.exhausted) {
          // Nothing to take: claim the next batch while the others send.
          round.claiming = true;
          lock.unlock();
          Status claimed = Claim(round);
          lock.lock();
          round.claiming = false;
          round.changed.notify_all();
          if (!claimed.ok()) {
            lock.unlock();
            fail(claimed);
            return;
          }
          continue;
        }
        if (round.groups.empty() && !round.claiming) return;  // the round is over
        // Wait for a claim, or for a person still being sent to; a stop is
        // seen within the slice.
        round.changed.wait_for(lock, std::chrono::milliseconds(100));
      }
    }
    for (const auto& [item, queued_due] : group.items) {
      if (stopping()) break;
      Status handled = Handle(sender, item, queued_due, stats);
      if (!handled.ok()) {
        fail(handled);
        break;
      }
    }
    std::lock_guard<std::mutex> lock(round.mu);
    round.busy.erase(group.person);
    round.changed.notify_all();
  }
}

Result<DispatchStats> Dispatcher::RunOnce() {
  Round round;
  round.claim = std::max<size_t>(settings_.batch_size, 1);
  // The first batch says how many senders this round needs.
  Status first = Claim(round);
  if (!first.ok()) {
    CountInternalError();
    return first;
  }
  DispatchStats total;
  if (round.groups.empty()) return total;
  const size_t senders = EnsureSenders(round.groups.size());
  if (senders == 0) {
    CountInternalError();
    return Status::IoError("no transport to send with");
  }
  std::vector<DispatchStats> stats(senders);
  std::vector<std::thread> threads;
  for (size_t i = 1; i < senders; ++i) {
    threads.emplace_back([this, &round, &stats, i] { Work(*senders_[i], round, stats[i]); });
  }
  Work(*senders_[0], round, stats[0]);  // the calling thread is a sender too
  for (std::thread& thread : threads) thread.join();
  for (const DispatchStats& part : stats) total += part;
  if (round.failed.load()) return round.error;
  return total;
}

void Dispatcher::Run(const std::atomic<bool>& stop) {
  TimedWaiter waiter;
  Run(stop, waiter);
}

void Dispatcher::Run(const std::atomic<bool>& stop, QueueWaiter& waiter) {
  using std::chrono::milliseconds;
  const milliseconds poll = std::max(settings_.poll_interval, Seconds(1));
  stop_ = &stop;
  uint32_t failed_rounds = 0;  // in a row
  while (!stop.load()) {
    waiter.Forget();
    // The second the round looks at: what falls due after it was not there
    // to be claimed.
    const TimePoint looked_at = clock_.Now();
    Result<DispatchStats> stats = RunOnce();
    milliseconds wait = poll;
    Status failure = stats.status();
    Result<std::optional<TimePoint>> next = std::optional<TimePoint>();
    if (failure.ok()) {
      next = store_.NextDue();
      if (!next.ok()) {
        CountInternalError();
        failure = next.status();
      }
    }
    if (!failure.ok()) {
      // A store that fails keeps failing until someone repairs it: back
      // off instead of retrying at every wake-up, one line per try.
      const Seconds pause = StoreBackoff(++failed_rounds);
      logger_.Error("dispatch round failed: " + failure.ToString() + "; next try in " +
                    SecondsText(pause));
      if (stop.load()) break;
      waiter.Pause(pause, stop);
      continue;
    }
    if (failed_rounds > 0) logger_.Info("dispatch round succeeded again");
    failed_rounds = 0;
    if (next->has_value()) {
      // To the start of the due second, with the clock's sub-second part:
      // an item due at T is claimable from T.000 on.
      const milliseconds until = std::chrono::ceil<milliseconds>(**next - clock_.NowPrecise());
      wait = std::clamp(until, milliseconds(0), poll);
      // Due when the round looked, yet nothing claimed (another dispatcher
      // holds it): do not spin. An item that fell due only after the round
      // looked (the second turned while it ran) is no such case: look again
      // now, or it goes out a second late.
      if (wait == milliseconds(0) && **next <= looked_at &&
          stats->sent + stats->retried + stats->failed + stats->dropped + stats->skipped +
                  stats->capped ==
              0) {
        wait = Seconds(1);
      }
    }
    // A sweep under way goes on at once, a round of sends in between.
    if (!stop.load() && sweeper_.Continue(kSweepStepsPerRound)) wait = milliseconds(0);
    if (stop.load()) break;
    if (wait.count() > 0) waiter.Wait(wait, stop);
  }
  stop_ = nullptr;
}

}  // namespace ar
