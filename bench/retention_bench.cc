// retention_bench: does the store stop growing? Simulates days of traffic on
// a store with a manual clock -- out-of-office replies to distinct senders,
// and enrolments that each send one sequence step and complete -- through
// the Store as the milter and the dispatcher use it, and with --sweep runs
// the dispatcher's retention sweep (StoreSweeper, default retention) every
// --sweep-hours simulated hours.
//
//   retention_bench --store DIR --senders N --enrolments M [--days D]
//                   [--sweep 0|1] [--sweep-hours H] [--map-size BYTES]
//
// Each simulated hour: that hour's share of the replies is queued (20
// users, period 7 days; every sender distinct) and that hour's share of the
// enrolments is applied (each with its own trigger Message-ID and person);
// then everything due is claimed and completed: replies marked sent (1 in
// 100 failed), steps recorded as sent with nothing after them (the
// enrolment completes). Prints one line of key=value figures per simulated
// day (live bytes: pages the databases hold; used bytes: the data file's
// high-water mark; file bytes: data.mdb's size) and a last summary line.
#include <sys/stat.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/logger.h"
#include "dispatch/dispatcher.h"
#include "dispatch/store_sweeper.h"
#include "store/store.h"

namespace {

constexpr int64_t kDay = 86400;
constexpr int kUsers = 20;

struct Options {
  std::string store;
  uint64_t senders = 0;
  uint64_t enrolments = 0;
  int days = 90;
  bool sweep = true;
  int sweep_hours = 24;
  uint64_t map_size = 8ull << 30;
};

bool ParseArgs(int argc, char** argv, Options& o) {
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string name = argv[i];
    const char* v = argv[i + 1];
    if (name == "--store")
      o.store = v;
    else if (name == "--senders")
      o.senders = std::strtoull(v, nullptr, 10);
    else if (name == "--enrolments")
      o.enrolments = std::strtoull(v, nullptr, 10);
    else if (name == "--days")
      o.days = std::atoi(v);
    else if (name == "--sweep")
      o.sweep = std::atoi(v) != 0;
    else if (name == "--sweep-hours")
      o.sweep_hours = std::atoi(v);
    else if (name == "--map-size")
      o.map_size = std::strtoull(v, nullptr, 10);
    else
      return false;
  }
  return !o.store.empty() && o.days > 0 && o.sweep_hours > 0 && (argc % 2) == 1;
}

bool Check(const ar::Status& s, const char* what) {
  if (s.ok()) return true;
  std::fprintf(stderr, "retention_bench: %s: %s\n", what, s.ToString().c_str());
  return false;
}

std::string User(uint64_t i) { return "user" + std::to_string(i % kUsers) + "@example.com"; }

// The share of `total` that falls in hour `hour` of `hours`, so the sum
// over all hours is exactly total.
uint64_t Share(uint64_t total, uint64_t hour, uint64_t hours) {
  return total * (hour + 1) / hours - total * hour / hours;
}

ar::NewReply Reply(uint64_t i, ar::TimePoint now) {
  ar::NewReply reply;
  reply.user = User(i);
  reply.generation = 1;
  reply.dedupe_sender = "s" + std::to_string(i) + "@example.org";
  reply.period = ar::Seconds(7 * kDay);
  reply.envelope_recipient = reply.dedupe_sender;
  reply.message_id = "<r" + std::to_string(i) + "@mx.bench.test>";
  reply.message = "From: " + reply.user + "\r\nTo: " + reply.dedupe_sender +
                  "\r\nSubject: Out of office\r\nAuto-Submitted: auto-replied\r\n\r\n" +
                  std::string(400, 'x') + "\r\n";
  reply.due = now;
  return reply;
}

ar::EnrolAction Enrol(uint64_t j, ar::TimePoint now) {
  ar::EnrolAction enrol;
  enrol.sequence = "welcome";
  enrol.version = "v1";
  enrol.person = "p" + std::to_string(j) + "@example.net";
  enrol.display_name = "Person " + std::to_string(j);
  enrol.variables = {{"order", std::to_string(j)}};
  enrol.trigger_message_id = "<t" + std::to_string(j) + "@shop.bench.test>";
  enrol.first_due = now;
  enrol.reason = "trigger";
  return enrol;
}

// Claims and completes everything due at now.
bool CompleteDue(ar::Store& store, ar::TimePoint now, uint64_t* sent) {
  for (;;) {
    auto claimed = store.ClaimDue(now, 1000, ar::Seconds(300));
    if (!Check(claimed.status(), "ClaimDue")) return false;
    if (claimed->empty()) return true;
    for (const ar::QueueItem& item : *claimed) {
      ar::Status s;
      if (item.kind == ar::QueueItemKind::kSequenceStep) {
        s = store.sequences().RecordStepSent(
            item.id, "<step" + std::to_string(item.id) + "@mx.bench.test>", now, std::nullopt);
      } else if (item.id % 100 == 99) {
        s = store.MarkFailed(item.id, now, "550 5.1.1 no such user");
      } else {
        s = store.MarkSent(item.id, now);
      }
      if (!Check(s, "completing an item")) return false;
      ++*sent;
    }
  }
}

uint64_t FileBytes(const std::string& dir) {
  struct stat st {};
  if (::stat((dir + "/data.mdb").c_str(), &st) != 0) return 0;
  return static_cast<uint64_t>(st.st_size);
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!ParseArgs(argc, argv, o)) {
    std::fprintf(stderr,
                 "usage: retention_bench --store DIR --senders N --enrolments M [--days D] "
                 "[--sweep 0|1] [--sweep-hours H] [--map-size BYTES]\n");
    return 2;
  }
  ar::StoreOptions options;
  options.path = o.store;
  options.map_size = o.map_size;
  auto opened = ar::Store::Open(options);
  if (!Check(opened.status(), "open")) return 1;
  ar::Store& store = **opened;

  const ar::TimePoint start = ar::FromUnixSeconds(1767225600);  // 2026-01-01T00:00:00Z
  ar::ManualClock clock(start);
  ar::CapturingLogger logger(ar::LogLevel::kWarning);
  ar::RetentionSettings retention;  // the defaults, as the dispatcher has them
  retention.policy.person_sends = ar::DispatchSettings{}.person_send_window;
  ar::StoreSweeper sweeper(store, clock, logger, retention);

  for (int k = 0; k < kUsers; ++k) {
    ar::OutOfOfficeRule rule;
    rule.address = User(k);
    rule.text_body = "I am away.";
    rule.period = ar::Seconds(7 * kDay);
    rule.generation = 1;
    if (!Check(store.PutRule(rule), "PutRule")) return 1;
  }

  const auto began = std::chrono::steady_clock::now();
  const uint64_t hours = static_cast<uint64_t>(o.days) * 24;
  uint64_t next_sender = 0, next_person = 0, sent = 0, swept = 0, sweeps = 0;
  double sweep_seconds = 0;
  for (uint64_t hour = 0; hour < hours; ++hour) {
    const ar::TimePoint now = start + ar::Seconds(static_cast<int64_t>(hour) * 3600);
    clock.Set(now);
    std::vector<ar::NewReply> replies;
    for (uint64_t n = Share(o.senders, hour, hours); n > 0; --n) {
      replies.push_back(Reply(next_sender++, now));
      if (replies.size() == 500 || n == 1) {
        if (!Check(store.Enqueue(replies, now).status(), "Enqueue")) return 1;
        replies.clear();
      }
    }
    ar::SequenceDecision decision;
    for (uint64_t n = Share(o.enrolments, hour, hours); n > 0; --n) {
      decision.enrols.push_back(Enrol(next_person++, now));
      if (decision.enrols.size() == 100 || n == 1) {
        if (!Check(store.sequences().ApplySequenceDecision(decision, "bench-token-key", 3, now),
                   "ApplySequenceDecision"))
          return 1;
        decision.enrols.clear();
      }
    }
    if (!CompleteDue(store, now, &sent)) return 1;

    if (o.sweep && (hour + 1) % static_cast<uint64_t>(o.sweep_hours) == 0) {
      clock.Set(now + ar::Seconds(3599));
      const auto sweep_began = std::chrono::steady_clock::now();
      auto totals = sweeper.SweepAll();
      if (!Check(totals.status(), "sweep")) return 1;
      sweep_seconds +=
          std::chrono::duration<double>(std::chrono::steady_clock::now() - sweep_began).count();
      swept += totals->total_removed();
      ++sweeps;
    }
    if ((hour + 1) % 24 == 0) {
      auto stats = store.Stats();
      if (!Check(stats.status(), "Stats")) return 1;
      std::printf(
          "day=%llu live_bytes=%llu used_bytes=%llu file_bytes=%llu senders=%llu "
          "enrolments=%llu swept=%llu\n",
          static_cast<unsigned long long>((hour + 1) / 24),
          static_cast<unsigned long long>(stats->live_bytes),
          static_cast<unsigned long long>(stats->used_bytes),
          static_cast<unsigned long long>(FileBytes(o.store)),
          static_cast<unsigned long long>(next_sender),
          static_cast<unsigned long long>(next_person), static_cast<unsigned long long>(swept));
      std::fflush(stdout);
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  std::printf(
      "summary sweep=%d days=%d senders=%llu enrolments=%llu completed=%llu swept=%llu "
      "sweeps=%llu sweep_seconds=%.2f seconds=%.2f\n",
      o.sweep ? 1 : 0, o.days, static_cast<unsigned long long>(next_sender),
      static_cast<unsigned long long>(next_person), static_cast<unsigned long long>(sent),
      static_cast<unsigned long long>(swept), static_cast<unsigned long long>(sweeps),
      sweep_seconds, seconds);
  return 0;
}
