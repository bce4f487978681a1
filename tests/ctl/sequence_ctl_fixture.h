// Shared set-up for the sequence command tests: a CtlSandbox with a secret
// key file and a sequence directory holding small sequences written by the
// test, and autoresponder-ctl run in-process (RunCtl) or as the real binary,
// both with --sequence_dir and --secret_key_file.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "ctl/command_dispatch.h"
#include "ctl_test_support.h"
#include "store/store.h"

namespace ar::testing {

// 2026-12-21T12:00:00Z, a Monday.
inline constexpr int64_t kSequenceNow = 1797854400;
inline constexpr char kSecretKey[] = "0123456789abcdef-test-key";

// welcome 1d after enrolment, then coupon 2d after welcome; UTC, no windows.
inline constexpr char kDripV1[] =
    "[sequence]\n"
    "name = drip\n"
    "from = Shop <shop@shop.example>\n"
    "coupon_format = DR-XXXX-XXXX\n"
    "[trigger]\n"
    "recipient = ^leads@shop\\.example$\n"
    "[step welcome]\n"
    "when = 1d after previous\n"
    "template = welcome.txt\n"
    "[step coupon]\n"
    "when = 2d after previous\n"
    "template = coupon.txt\n";

struct SequenceCtlRun {
  int code = -1;
  std::string out;
  std::string err;
};

class SequenceCtlTest : public ::testing::Test {
 protected:
  CtlSandbox sandbox_{kSequenceNow};
  std::filesystem::path dir_ = sandbox_.root / "sequences";
  std::string key_file_ = sandbox_.WriteFile("secret.key", std::string(kSecretKey) + "\n");

  void SetUp() override {
    // A key others could read is refused (secret_key_file).
    std::filesystem::permissions(key_file_, std::filesystem::perms::owner_read |
                                                std::filesystem::perms::owner_write);
    std::filesystem::create_directories(dir_);
    WriteSequence("drip", kDripV1);
    WriteTemplate("welcome.txt", "Subject: Welcome {{first_name}}\n\nHello {{name}}.\n");
    WriteTemplate("coupon.txt", "Subject: Your code\n\nCode {{coupon}} for {{email}}.\n");
  }

  void WriteSequence(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / (name + ".sequence"), std::ios::binary) << text;
  }
  void WriteTemplate(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name, std::ios::binary) << text;
  }

  std::vector<std::string> GlobalArgs() const {
    return {"--config",       sandbox_.config, "--store_path",
            sandbox_.store,   "--clock",       "file:" + sandbox_.clock_file,
            "--sequence_dir", dir_.string(),   "--secret_key_file",
            key_file_};
  }

  SequenceCtlRun Ctl(const std::vector<std::string>& args) {
    std::vector<std::string> full = {"autoresponder-ctl"};
    for (const std::string& a : GlobalArgs()) full.push_back(a);
    full.insert(full.end(), args.begin(), args.end());
    std::vector<const char*> argv;
    for (const std::string& a : full) argv.push_back(a.c_str());
    argv.push_back(nullptr);
    std::istringstream in;
    std::ostringstream out, err;
    SequenceCtlRun run;
    run.code = RunCtl(static_cast<int>(full.size()), argv.data(), in, out, err);
    run.out = out.str();
    run.err = err.str();
    return run;
  }

  // The real program, through a shell: what an operator sees.
  SequenceCtlRun Binary(const std::vector<std::string>& args) {
    auto quote = [](const std::string& s) {
      std::string q = "'";
      for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
      return q + "'";
    };
    std::string command = quote(AR_CTL_BINARY);
    for (const std::string& a : GlobalArgs()) command += " " + quote(a);
    for (const std::string& a : args) command += " " + quote(a);
    const std::string out = (sandbox_.root / "stdout").string();
    const std::string err = (sandbox_.root / "stderr").string();
    command += " </dev/null >" + quote(out) + " 2>" + quote(err);
    const int status = std::system(command.c_str());
    SequenceCtlRun run;
    run.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    auto read = [](const std::string& path) {
      std::ifstream in(path, std::ios::binary);
      std::stringstream s;
      s << in.rdbuf();
      return s.str();
    };
    run.out = read(out);
    run.err = read(err);
    return run;
  }

  // The store, opened while no command runs (one environment per process).
  std::unique_ptr<Store> OpenStore() {
    StoreOptions options;  // by member: GCC 12 warns on a partial aggregate
    options.path = sandbox_.store;
    auto store = Store::Open(options);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(*store) : nullptr;
  }

  std::vector<QueueItem> Queue() {
    auto store = OpenStore();
    if (!store) return {};
    auto items = store->ListQueue(1000);
    EXPECT_TRUE(items.ok());
    return items.ok() ? *items : std::vector<QueueItem>{};
  }

  // The dispatcher's part, for tests that need a step sent: records the
  // queued step of person as sent at `at` with the next step due at next_due.
  void RecordNextStepSent(const std::string& person, TimePoint at,
                          std::optional<TimePoint> next_due, const std::string& message_id) {
    auto store = OpenStore();
    ASSERT_TRUE(store);
    auto items = store->ListQueue(1000);
    ASSERT_TRUE(items.ok());
    for (const QueueItem& item : *items) {
      if (item.kind == QueueItemKind::kSequenceStep && item.user == person) {
        ASSERT_TRUE(store->sequences().RecordStepSent(item.id, message_id, at, next_due).ok());
        return;
      }
    }
    FAIL() << "no queued step for " << person;
  }
};

}  // namespace ar::testing
