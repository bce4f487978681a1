// A store that filled up while the dispatcher was stopped: the milter's
// writes were refused at the reserve, and the dispatcher then sends every
// reply that was recorded, within store_map_size (claiming fewer at a time
// when a claim of a whole batch does not fit).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "core/logger.h"
#include "dispatch/dispatcher.h"
#include "tests/support/test_dir.h"
#include "tests/support/test_transport.h"

namespace ar {
namespace {

const TimePoint kStart = FromUnixSeconds(1767225600);  // 2026-01-01T00:00:00Z
constexpr uint64_t kMap = 2ull << 20;

TEST(FullStoreDrain, DispatcherSendsEveryRecordedReplyWithinTheMap) {
  const std::string dir = testing::FreshTestDir("full_store_drain");
  StoreOptions options;
  options.path = dir;
  options.map_size = kMap;
  options.initial_map_size = 256ull << 10;
  options.reserve_percent = 20;
  auto opened = Store::Open(options);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  std::unique_ptr<Store> store = std::move(*opened);

  // The milter, with the dispatcher stopped: queue until refused.
  std::vector<std::string> recorded;
  for (int i = 0; i < 5000; ++i) {
    NewReply reply;
    reply.user = "alice@example.com";
    reply.generation = 1;
    reply.dedupe_sender = "s" + std::to_string(i) + "@example.org";
    reply.period = Seconds(7 * 86400);
    reply.envelope_recipient = reply.dedupe_sender;
    reply.message_id = "<r" + std::to_string(i) + "@example.com>";
    reply.message = std::string(3000, 'x');
    reply.due = kStart;
    auto out = store->Enqueue({reply}, kStart);
    if (!out.ok()) {
      ASSERT_EQ(out.status().code(), Status::Code::kFull) << out.status().ToString();
      break;
    }
    recorded.push_back(reply.envelope_recipient);
  }
  ASSERT_GT(recorded.size(), 100u);

  ManualClock clock(kStart);
  CapturingLogger logger;
  testing::TestTransport transport;
  DispatchSettings settings;
  settings.batch_size = 1000;  // more than fits in the reserve at once
  settings.catch_up_limit = Seconds(0);
  settings.person_send_limit = 0;
  Dispatcher dispatcher(*store, transport, clock, logger, settings);
  auto stats = dispatcher.RunOnce();
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->sent, recorded.size());
  EXPECT_TRUE(logger.Contains("does not fit in the store, claiming fewer at a time"));
  std::sort(recorded.begin(), recorded.end());
  std::vector<std::string> recipients;
  for (const OutgoingMail& mail : transport.sent) recipients.push_back(mail.recipient);
  std::sort(recipients.begin(), recipients.end());
  EXPECT_EQ(recipients, recorded);
  auto left = store->ListQueue(100000);
  ASSERT_TRUE(left.ok());
  EXPECT_TRUE(left->empty());
  auto store_stats = store->Stats();
  ASSERT_TRUE(store_stats.ok());
  EXPECT_LE(store_stats->map_size, kMap);
  EXPECT_LE(std::filesystem::file_size(dir + "/data.mdb"), kMap);

  store.reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace ar
