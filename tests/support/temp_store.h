// TempStore: a real LMDB Store (64 MiB map) in a fresh directory under the
// test temp dir, named after the running test, removed at the end; and the
// rule and reply the tests around it put in.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "store/store.h"
#include "tests/support/test_dir.h"

namespace ar::testing {

inline OutOfOfficeRule AwayRule(const std::string& address) {
  OutOfOfficeRule rule;
  rule.address = address;
  rule.display_name = "Away User";
  rule.text_body = "I am away until Monday.";
  return rule;
}

// alice@example.org's reply to sender, due at due.
inline NewReply ReplyTo(const std::string& sender, TimePoint due) {
  NewReply reply;
  reply.user = "alice@example.org";
  reply.dedupe_sender = sender;
  reply.period = Seconds(86400);
  reply.envelope_recipient = sender;
  reply.message_id = "<r@example.org>";
  reply.message = "Subject: away\r\n\r\nbody\r\n";
  reply.due = due;
  return reply;
}

struct TempStore {
  std::filesystem::path dir = FreshTestDir("store");
  std::unique_ptr<Store> store;

  TempStore() {
    auto opened = OpenTestStore((dir / "store").string(), 64ull << 20);
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    if (opened.ok()) store = std::move(*opened);
  }
  ~TempStore() {
    store.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
};

}  // namespace ar::testing
