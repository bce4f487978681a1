// Reloading the configuration (SIGHUP) and the pieces around it: the
// milter's settings swap, proven through the Session API against a real
// store; the dispatcher's transport swap; the signal flags; pid files.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "config/options_table.h"
#include "core/clock.h"
#include "core/logger.h"
#include "daemon/config_changes.h"
#include "daemon/pid_file.h"
#include "dispatcher/settings_reload.h"
#include "dispatcher/stop_signal.h"
#include "milter/session.h"
#include "milter/settings_reload.h"
#include "store/store.h"

namespace ar {
namespace {

std::filesystem::path TestDir() {
  auto dir =
      std::filesystem::path(::testing::TempDir()) /
      ("reload_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

void WriteFile(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
}

// Loads the config file the way the programs do: "PROGRAM --config FILE".
ConfigLoader LoaderFor(const std::filesystem::path& file) {
  return [file]() -> Result<Config> {
    std::string path = file.string();
    const char* argv[] = {"autoresponder-milter", "--config", path.c_str()};
    auto parsed = ParseCommandLine(3, argv, {}, "/nonexistent/default.conf");
    if (!parsed.ok()) return parsed.status();
    return parsed->config;
  };
}

class MilterReload : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = TestDir();
    config_file_ = dir_ / "autoresponder-milter.conf";
    WriteConfig("ignored_sender = bob\n");
    auto config = LoaderFor(config_file_)();
    ASSERT_TRUE(config.ok()) << config.status().ToString();
    running_ = *config;

    auto store = Store::Open(running_.store);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    OutOfOfficeRule rule;
    rule.address = "alice@example.org";
    rule.text_body = "I am away until Monday.";
    ASSERT_TRUE(store_->PutRule(rule).ok());

    auto settings = LoadMessageSettings(running_, *store_);
    ASSERT_TRUE(settings.ok()) << settings.status().ToString();
    service_ = std::make_unique<MilterService>(
        std::make_shared<const MessageSettings>(std::move(*settings)), *store_, clock_, logger_);
  }

  void WriteConfig(const std::string& options) {
    WriteFile(config_file_, "store_path = " + (dir_ / "store").string() +
                                "\nhostname = mx.example.org\nsequence_dir =\n" + options);
  }

  // Messages from bob@example.net to alice; returns how many replies were queued.
  size_t RepliesQueuedFor(Session& session, const std::string& queue_id) {
    session.OnEndOfMessage(queue_id);
    auto items = store_->ListQueue(100);
    return items.ok() ? items->size() : 0;
  }

  static void Begin(Session& session) {
    session.OnMailFrom("<bob@example.net>", false);
    session.OnRecipient("<alice@example.org>");
    session.OnHeader("From", "Bob <bob@example.net>");
    session.OnHeader("To", "alice@example.org");
    session.OnHeader("Subject", "Lunch?");
    session.OnHeader("Message-ID", "<m1@example.net>");
  }

  std::filesystem::path dir_;
  std::filesystem::path config_file_;
  Config running_;
  std::unique_ptr<Store> store_;
  ManualClock clock_{FromUnixSeconds(1767225600)};
  CapturingLogger logger_{LogLevel::kInfo};
  std::unique_ptr<MilterService> service_;
};

TEST_F(MilterReload, NewIgnoredSenderListAppliesToTheNextMessage) {
  Session before(*service_);
  Begin(before);
  EXPECT_EQ(RepliesQueuedFor(before, "Q1"), 0u) << "bob is ignored at start";

  WriteConfig("ignored_sender = carol\n");
  auto reloaded = ReloadMilterSettings(LoaderFor(config_file_), running_, *service_);
  ASSERT_TRUE(reloaded.ok()) << reloaded.status().ToString();
  EXPECT_TRUE(logger_.Contains("configuration reloaded from " + config_file_.string()));

  Session after(*service_);
  Begin(after);
  EXPECT_EQ(RepliesQueuedFor(after, "Q2"), 1u) << "bob is no longer ignored";
}

TEST_F(MilterReload, MessageInFlightKeepsTheSettingsOfItsMailFrom) {
  WriteConfig("ignored_sender = carol\n");
  Session in_flight(*service_);
  Begin(in_flight);  // MAIL FROM under the old list, which ignores bob
  ASSERT_TRUE(ReloadMilterSettings(LoaderFor(config_file_), running_, *service_).ok());
  EXPECT_EQ(RepliesQueuedFor(in_flight, "Q1"), 0u);
}

TEST_F(MilterReload, BrokenConfigurationIsLoggedAndTheOldOneStays) {
  auto old_snapshot = service_->Snapshot();
  WriteConfig("ignored_sender = carol\nperiod_default = forever\n");
  auto reloaded = ReloadMilterSettings(LoaderFor(config_file_), running_, *service_);
  EXPECT_FALSE(reloaded.ok());
  EXPECT_EQ(service_->Snapshot(), old_snapshot);
  EXPECT_TRUE(logger_.Contains("reload failed, keeping the running configuration"));

  Session session(*service_);
  Begin(session);
  EXPECT_EQ(RepliesQueuedFor(session, "Q1"), 0u) << "bob still ignored";
}

TEST_F(MilterReload, MissingConfigFileKeepsTheOldOne) {
  std::filesystem::remove(config_file_);
  auto old_snapshot = service_->Snapshot();
  EXPECT_FALSE(ReloadMilterSettings(LoaderFor(config_file_), running_, *service_).ok());
  EXPECT_EQ(service_->Snapshot(), old_snapshot);
  EXPECT_TRUE(logger_.Contains("reload failed"));
}

TEST_F(MilterReload, WarnsAboutOptionsThatNeedARestart) {
  WriteConfig("ignored_sender = bob\nmilter_socket = unix:/tmp/other.sock\n");
  ASSERT_TRUE(ReloadMilterSettings(LoaderFor(config_file_), running_, *service_).ok());
  EXPECT_TRUE(logger_.Contains("changed but only applied at restart: milter_socket"));
}

// log_level is applied by the reload itself: the next message logs its
// decision trail, and back at info it does not.
TEST_F(MilterReload, LogLevelDebugAppliesAtReloadAndLogsTheTrail) {
  auto trail_lines = [this](const std::string& queue_id) {
    size_t n = 0;
    for (const std::string& line : logger_.Lines())
      n += line.find(queue_id + ": trail: ") != std::string::npos ? 1 : 0;
    return n;
  };
  WriteConfig("ignored_sender = carol\n");
  ASSERT_TRUE(ReloadMilterSettings(LoaderFor(config_file_), running_, *service_).ok());
  Session at_info(*service_);
  Begin(at_info);
  EXPECT_EQ(RepliesQueuedFor(at_info, "Q1"), 1u);
  EXPECT_EQ(trail_lines("Q1"), 0u);

  WriteConfig("ignored_sender = carol\nlog_level = debug\n");
  auto reloaded = ReloadMilterSettings(LoaderFor(config_file_), running_, *service_);
  ASSERT_TRUE(reloaded.ok());
  EXPECT_FALSE(logger_.Contains("only applied at restart: log_level"));
  running_ = *reloaded;
  Session at_debug(*service_);
  Begin(at_debug);
  at_debug.OnEndOfMessage("Q2");
  EXPECT_GT(trail_lines("Q2"), 0u);
  EXPECT_TRUE(logger_.Contains("Q2: trail: alice@example.org: window: pass"));
  EXPECT_TRUE(logger_.Contains("Q2: trail: alice@example.org: history: stop (already-answered"));

  WriteConfig("ignored_sender = carol\nlog_level = info\n");
  ASSERT_TRUE(ReloadMilterSettings(LoaderFor(config_file_), running_, *service_).ok());
  Session back_at_info(*service_);
  Begin(back_at_info);
  back_at_info.OnEndOfMessage("Q3");
  EXPECT_EQ(trail_lines("Q3"), 0u);
}

// info: a line for a message that reaches a rule, none for one that does not.
TEST_F(MilterReload, InfoLogsNothingForMailToNobodyWithARule) {
  WriteConfig("ignored_sender = carol\n");
  ASSERT_TRUE(ReloadMilterSettings(LoaderFor(config_file_), running_, *service_).ok());
  Session to_nobody(*service_);
  to_nobody.OnMailFrom("<bob@example.net>", false);
  to_nobody.OnRecipient("<dave@example.org>");
  to_nobody.OnHeader("To", "dave@example.org");
  to_nobody.OnEndOfMessage("Q4");
  Session to_alice(*service_);
  Begin(to_alice);
  to_alice.OnEndOfMessage("Q5");
  size_t q4 = 0, q5 = 0;
  for (const std::string& line : logger_.Lines()) {
    q4 += line.find("Q4: ") != std::string::npos ? 1 : 0;
    q5 += line.find("Q5: ") != std::string::npos ? 1 : 0;
  }
  EXPECT_EQ(q4, 0u);
  EXPECT_EQ(q5, 1u);
}

TEST(ConfigChanges, NamesExactlyTheOptionsThatDiffer) {
  Config a = DefaultConfig();
  Config b = a;
  EXPECT_TRUE(ChangedOptions(a, b).empty());
  b.milter_socket = "unix:/run/x.sock";
  b.policy.ignored_sender_patterns.push_back("zed");
  EXPECT_EQ(ChangedOptions(a, b), (std::vector<std::string>{"milter_socket", "ignored_sender"}));
  EXPECT_EQ(ChangesNeedingRestart(a, b, MilterRestartOnlyOptions()),
            std::vector<std::string>{"milter_socket"});
}

TEST(DispatcherReload, SwapsTransportAndSettingsOrKeepsBothOnError) {
  auto dir = TestDir();
  auto file = dir / "autoresponder-milter.conf";
  WriteFile(file, "transport = sendmail\ndispatch_batch_size = 10\n");
  auto initial = LoaderFor(file)();
  ASSERT_TRUE(initial.ok()) << initial.status().ToString();
  Config running = *initial;
  auto made = MakeTransport(running.transport);
  ASSERT_TRUE(made.ok());
  std::unique_ptr<Transport> transport = std::move(*made);
  Transport* first = transport.get();
  CapturingLogger logger(LogLevel::kInfo);

  WriteFile(file, "transport = smtp\ndispatch_batch_size = 20\n");
  ASSERT_TRUE(ReloadDispatcherSettings(LoaderFor(file), running, transport, logger).ok());
  EXPECT_NE(transport.get(), first);
  EXPECT_EQ(running.transport.kind, "smtp");
  EXPECT_EQ(running.dispatch.batch_size, 20u);
  EXPECT_TRUE(logger.Contains("transport smtp"));

  Transport* second = transport.get();
  WriteFile(file, "transport = pigeon\n");
  EXPECT_FALSE(ReloadDispatcherSettings(LoaderFor(file), running, transport, logger).ok());
  EXPECT_EQ(transport.get(), second);
  EXPECT_EQ(running.transport.kind, "smtp");
  EXPECT_TRUE(logger.Contains("reload failed, keeping the running configuration"));
}

// The flags are process-wide, so one test walks through the whole sequence.
TEST(DispatcherSignals, HangupInterruptsRunForAReloadAndTermForAStop) {
  const std::atomic<bool>& interrupted = InstallStopSignals();
  EXPECT_FALSE(interrupted.load());
  ASSERT_EQ(raise(SIGHUP), 0);
  EXPECT_TRUE(interrupted.load());
  EXPECT_FALSE(StopRequested());
  EXPECT_TRUE(TakeReloadRequest());
  EXPECT_FALSE(TakeReloadRequest()) << "one SIGHUP, one reload";
  ResumeAfterReload();
  EXPECT_FALSE(interrupted.load());

  ASSERT_EQ(raise(SIGHUP), 0);
  ASSERT_TRUE(TakeReloadRequest());
  ASSERT_EQ(raise(SIGHUP), 0);  // arrives while the first reload runs
  ResumeAfterReload();
  EXPECT_TRUE(interrupted.load()) << "the second SIGHUP must not be lost";
  EXPECT_TRUE(TakeReloadRequest());
  ResumeAfterReload();

  ASSERT_EQ(raise(SIGTERM), 0);
  EXPECT_TRUE(StopRequested());
  ResumeAfterReload();
  EXPECT_TRUE(interrupted.load()) << "a stop is never cleared";
}

TEST(PidFile, WritesReadsAndRemovesOnlyItsOwn) {
  auto dir = TestDir();
  std::string path = (dir / "d.pid").string();
  ASSERT_TRUE(WritePidFile(path).ok());
  auto pid = ReadPidFile(path);
  ASSERT_TRUE(pid.ok()) << pid.status().ToString();
  EXPECT_EQ(*pid, getpid());
  RemovePidFile(path);
  EXPECT_FALSE(std::filesystem::exists(path));

  WriteFile(path, "4194304\n");  // another process's
  RemovePidFile(path);
  EXPECT_TRUE(std::filesystem::exists(path));
}

TEST(PidFile, IsReadableByAllWhateverTheUmask) {
  // The units run with UMask=0027; autoresponder-ctl reload run by another
  // user and monitoring must still read it.
  auto dir = TestDir();
  std::string path = (dir / "m.pid").string();
  const mode_t old_umask = umask(077);
  Status written = WritePidFile(path);
  umask(old_umask);
  ASSERT_TRUE(written.ok()) << written.ToString();
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0644u);
  RemovePidFile(path);
}

TEST(PidFile, RejectsWhatIsNotAProcessId) {
  auto dir = TestDir();
  std::string path = (dir / "x.pid").string();
  EXPECT_EQ(ReadPidFile(path).status().code(), Status::Code::kNotFound);
  for (const char* text : {"", "0\n", "1\n", "-5\n", "12ab\n", "99999999999\n", "12 13\n"}) {
    WriteFile(path, text);
    EXPECT_EQ(ReadPidFile(path).status().code(), Status::Code::kInvalidArgument) << text;
  }
  WriteFile(path, "  4242 \n");
  ASSERT_TRUE(ReadPidFile(path).ok());
  EXPECT_EQ(*ReadPidFile(path), 4242);
}

TEST(PidFile, UnwritableDirectoryIsAnError) {
  EXPECT_FALSE(WritePidFile("/nonexistent/dir/x.pid").ok());
}

}  // namespace
}  // namespace ar
