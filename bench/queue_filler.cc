// queue_filler: fills a store with follow-ups for the benchmarks, through
// Store::Enqueue in batches (one durable write transaction per batch), as
// the milter would record them.
//
//   queue_filler --store DIR --count N [--batch B] [--map-size BYTES]
//                [--due-now N0] [--near N1 --near-start S --near-window W]
//
// The first N0 items are due one second ago; then come the far ones, due 30
// days and more ahead; the last N1 are due spread evenly over
// [t + S, t + S + W) seconds, t being when the first of them is written (so
// however long the far ones took, the near ones are still ahead). Every item has its own sender and
// recipient (so neither the response log's dedupe nor the per-person cap holds any back), and its
// message carries "X-Bench-Due: <unix seconds>", so a sink can tell how late
// it arrived. Prints one line of key=value figures: items, seconds, store
// bytes before and after (pages in use) and bytes per item.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "core/clock.h"
#include "store/store.h"

namespace {

struct Options {
  std::string store;
  uint64_t count = 0;
  uint64_t batch = 5000;
  uint64_t map_size = 8ull << 30;
  uint64_t due_now = 0;
  uint64_t near = 0;
  int64_t near_start = 10;
  int64_t near_window = 20;
};

bool ParseArgs(int argc, char** argv, Options& o) {
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string name = argv[i];
    const char* v = argv[i + 1];
    if (name == "--store")
      o.store = v;
    else if (name == "--count")
      o.count = std::strtoull(v, nullptr, 10);
    else if (name == "--batch")
      o.batch = std::strtoull(v, nullptr, 10);
    else if (name == "--map-size")
      o.map_size = std::strtoull(v, nullptr, 10);
    else if (name == "--due-now")
      o.due_now = std::strtoull(v, nullptr, 10);
    else if (name == "--near")
      o.near = std::strtoull(v, nullptr, 10);
    else if (name == "--near-start")
      o.near_start = std::strtoll(v, nullptr, 10);
    else if (name == "--near-window")
      o.near_window = std::strtoll(v, nullptr, 10);
    else
      return false;
  }
  return (argc % 2) == 1 && !o.store.empty() && o.count > 0 && o.batch > 0 &&
         o.due_now + o.near <= o.count && o.near_window > 0;
}

// A reply of typical out-of-office size (about 700 bytes), CRLF line ends.
std::string Message(uint64_t i, const std::string& from, const std::string& to, int64_t due) {
  std::string m;
  m.reserve(800);
  m += "From: Bench User " + std::to_string(i % 1000) + " <" + from + ">\r\n";
  m += "To: <" + to + ">\r\n";
  m += "Subject: Out of office: your message " + std::to_string(i) + "\r\n";
  m += "Date: Mon, 23 Nov 2026 10:00:00 +0000\r\n";
  m += "Message-ID: <bench." + std::to_string(i) + "@bench.test>\r\n";
  m += "Auto-Submitted: auto-replied\r\n";
  m += "X-Autoresponder-Milter: bench\r\n";
  m += "X-Bench-Due: " + std::to_string(due) + "\r\n";
  m += "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n";
  m += "Thank you for your message. I am out of the office until Monday and\r\n"
       "will read it when I am back. For urgent matters please write to the\r\n"
       "team address, which is read every day. Kind regards.\r\n";
  for (int line = 0; line < 4; ++line)
    m += "-- padding so the message has the size of a typical reply ---------\r\n";
  return m;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!ParseArgs(argc, argv, o)) {
    std::fprintf(stderr,
                 "usage: queue_filler --store DIR --count N [--batch B] [--map-size BYTES]\n"
                 "       [--due-now N0] [--near N1 --near-start S --near-window W]\n");
    return 2;
  }
  ar::StoreOptions options;
  options.path = o.store;
  options.map_size = o.map_size;
  auto opened = ar::Store::Open(options);
  if (!opened.ok()) {
    std::fprintf(stderr, "queue_filler: %s\n", opened.status().ToString().c_str());
    return 1;
  }
  ar::Store& store = *opened.value();
  auto before = store.Stats();
  const uint64_t bytes_before = before.ok() ? before.value().used_bytes : 0;

  ar::SystemClock clock;
  const ar::TimePoint start_now = clock.Now();
  const int64_t now = ar::ToUnixSeconds(start_now);
  const auto started = std::chrono::steady_clock::now();
  std::vector<ar::NewReply> batch;
  batch.reserve(o.batch);
  uint64_t queued = 0;
  int64_t near_base = now;
  for (uint64_t i = 0; i < o.count; ++i) {
    int64_t due;
    const uint64_t first_near = o.count - o.near;
    if (i < o.due_now) {
      due = now - 1;
    } else if (i < first_near) {
      due = now + 30 * 86400 + static_cast<int64_t>(i % (60 * 86400));
    } else {
      if (i == first_near) near_base = ar::ToUnixSeconds(clock.Now());
      const uint64_t k = i - first_near;
      due = near_base + o.near_start + static_cast<int64_t>(k * o.near_window / o.near);
    }
    ar::NewReply r;
    r.user = "user" + std::to_string(i % 5000) + "@bench.test";
    r.generation = 1;
    r.dedupe_sender = "sender" + std::to_string(i) + "@remote.test";
    r.period = ar::Seconds(7 * 86400);
    r.envelope_sender = "";
    r.envelope_recipient = r.dedupe_sender;
    r.message_id = "<bench." + std::to_string(i) + "@bench.test>";
    r.message = Message(i, r.user, r.envelope_recipient, due);
    r.due = ar::FromUnixSeconds(due);
    r.origin_queue_id = "BENCH" + std::to_string(i);
    batch.push_back(std::move(r));
    if (batch.size() == o.batch || i + 1 == o.count) {
      auto outcome = store.Enqueue(batch, start_now);
      if (!outcome.ok()) {
        std::fprintf(stderr, "queue_filler: after %llu items: %s\n",
                     static_cast<unsigned long long>(queued), outcome.status().ToString().c_str());
        return 1;
      }
      for (const auto& e : outcome.value()) queued += e.queued ? 1 : 0;
      batch.clear();
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  auto after = store.Stats();
  const uint64_t bytes_after = after.ok() ? after.value().used_bytes : 0;
  std::printf("items=%llu seconds=%.3f bytes_before=%llu bytes_after=%llu bytes_per_item=%.1f\n",
              static_cast<unsigned long long>(queued), seconds,
              static_cast<unsigned long long>(bytes_before),
              static_cast<unsigned long long>(bytes_after),
              queued > 0 ? static_cast<double>(bytes_after - bytes_before) / queued : 0.0);
  return queued == o.count ? 0 : 1;
}
