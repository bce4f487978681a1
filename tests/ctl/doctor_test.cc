// `autoresponder-ctl doctor` against a Postfix configuration written by each
// test (read with the real postconf) and a real listening UNIX socket, laid
// out as the package does for Debian's chrooted smtpd:
//
//   ROOT/postfix/main.cf, master.cf   queue_directory = ROOT/spool
//   ROOT/spool/autoresponder/milter.sock
//
// The reachability checks run as the real postfix user, so these tests need
// root, the postfix user and postconf; they skip without them.
#include <fcntl.h>
#include <grp.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <pwd.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "ctl/command_dispatch.h"
#include "ctl/postfix_settings.h"
#include "ctl_test_support.h"

namespace ar {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kMasterCf[] =
    "smtp      inet  n       -       y       -       -       smtpd\n"
    "pickup    unix  n       -       y       60      1       pickup\n"
    "cleanup   unix  n       -       y       -       0       cleanup\n"
    "qmgr      unix  n       -       n       300     1       qmgr\n";

struct DoctorRun {
  int code = -1;
  std::string out;
  std::string err;
};

class Doctor : public ::testing::Test {
 protected:
  CtlSandbox sandbox_{1767225600};
  std::filesystem::path postfix_ = sandbox_.root / "postfix";
  std::filesystem::path spool_ = sandbox_.root / "spool";
  std::filesystem::path socket_dir_ = spool_ / "autoresponder";
  std::string socket_ = (socket_dir_ / "milter.sock").string();
  int listener_ = -1;
  int dispatcher_lock_ = -1;

  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "doctor checks as the postfix user need root";
    if (getpwnam("postfix") == nullptr) GTEST_SKIP() << "no postfix user";
    if (access("/usr/sbin/postconf", X_OK) != 0) GTEST_SKIP() << "no postconf";
    // The postfix user walks down to the socket, as a chrooted smtpd does.
    ASSERT_EQ(chmod(sandbox_.root.c_str(), 0755), 0);
    std::filesystem::create_directories(postfix_);
    std::filesystem::create_directories(socket_dir_);
    std::filesystem::create_directories(sandbox_.store);
    // The package's group access: the directory's group is one postfix is
    // in (here its own), and the socket inherits it (set-group-ID).
    ASSERT_EQ(chown(socket_dir_.c_str(), 0, getpwnam("postfix")->pw_gid), 0);
    ASSERT_EQ(chmod(socket_dir_.c_str(), 02750), 0);
    WriteMainCf("smtpd_milters = unix:/autoresponder/milter.sock\n"
                "non_smtpd_milters = $smtpd_milters\n"
                "milter_default_action = accept\n");
    std::ofstream(postfix_ / "master.cf") << kMasterCf;
  }
  void TearDown() override {
    if (listener_ >= 0) close(listener_);
    if (dispatcher_lock_ >= 0) close(dispatcher_lock_);
  }

  void WriteMainCf(const std::string& milter_lines) {
    std::ofstream(postfix_ / "main.cf") << "queue_directory = " << spool_.string() << "\n"
                                        << milter_lines;
  }

  void Listen(const std::string& path) {
    listener_ = socket(AF_UNIX, SOCK_STREAM, 0);
    ASSERT_GE(listener_, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path.c_str(), sizeof(address.sun_path) - 1);
    const mode_t old = umask(007);  // as the milter creates it
    ASSERT_EQ(bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0)
        << std::strerror(errno);
    umask(old);
    ASSERT_EQ(listen(listener_, 8), 0);
  }

  // A dispatcher holds an exclusive flock on <store>/dispatcher.lock.
  void HoldDispatcherLock() {
    const std::string lock = sandbox_.store + "/dispatcher.lock";
    dispatcher_lock_ = open(lock.c_str(), O_RDWR | O_CREAT, 0600);
    ASSERT_GE(dispatcher_lock_, 0);
    ASSERT_EQ(flock(dispatcher_lock_, LOCK_EX | LOCK_NB), 0);
  }

  DoctorRun Run(const std::string& socket, std::vector<std::string> extra = {}) {
    const std::string key = sandbox_.WriteFile("secret.key", "0123456789abcdef-test-key\n");
    chmod(key.c_str(), 0600);
    std::vector<std::string> args = {"autoresponder-ctl", "--config", sandbox_.config,
                                     "--store_path", sandbox_.store, "--clock",
                                     "file:" + sandbox_.clock_file, "--service_user", "root",
                                     "--secret_key_file", key, "--sendmail_path", "/bin/true",
                                     "doctor", "--postfix-config", postfix_.string(),
                                     "--socket", socket};
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<const char*> argv;
    for (const std::string& a : args) argv.push_back(a.c_str());
    argv.push_back(nullptr);
    std::istringstream in;
    std::ostringstream out, err;
    DoctorRun run;
    run.code = RunCtl(static_cast<int>(args.size()), argv.data(), in, out, err);
    run.out = out.str();
    run.err = err.str();
    return run;
  }
};

TEST_F(Doctor, PackagedLayoutWithChrootedSmtpdIsHealthy) {
  Listen(socket_);
  HoldDispatcherLock();
  const DoctorRun run = Run("unix:" + socket_);
  EXPECT_EQ(run.code, 0) << run.out << run.err;
  EXPECT_THAT(run.out, HasSubstr("ok      socket: " + socket_ +
                                 " is reachable by postfix inside the chroot " + spool_.string()));
  EXPECT_THAT(run.out, HasSubstr("smtpd_milters names the milter"));
  EXPECT_THAT(run.out, HasSubstr("non_smtpd_milters names the milter"));
  EXPECT_THAT(run.out, HasSubstr("ok      dispatcher: running"));
  EXPECT_THAT(run.out, HasSubstr("ok      store: "));
  EXPECT_THAT(run.out, HasSubstr("ok      key: "));
  EXPECT_THAT(run.out, HasSubstr("ok      reinjection: /bin/true is executable"));
  EXPECT_THAT(run.out, Not(HasSubstr("PROBLEM")));
}

TEST_F(Doctor, MissingSocketIsAProblemWithAFix) {
  HoldDispatcherLock();
  const DoctorRun run = Run("unix:" + socket_);
  EXPECT_EQ(run.code, 1);
  EXPECT_THAT(run.out, HasSubstr("PROBLEM socket: no socket at " + socket_));
  EXPECT_THAT(run.out, HasSubstr("fix: start the milter (systemctl start autoresponder-milter)"));
  EXPECT_THAT(run.err, HasSubstr("doctor found 1 problem"));
}

TEST_F(Doctor, SocketOutsideTheChrootIsUnreachable) {
  const std::filesystem::path run_dir = sandbox_.root / "run";
  std::filesystem::create_directories(run_dir);
  const std::string outside = (run_dir / "milter.sock").string();
  Listen(outside);
  HoldDispatcherLock();
  WriteMainCf("smtpd_milters = unix:" + outside + "\nnon_smtpd_milters = $smtpd_milters\n");
  const DoctorRun run = Run("unix:" + outside);
  EXPECT_EQ(run.code, 1);
  EXPECT_THAT(run.out, HasSubstr("PROBLEM socket: smtpd runs chrooted in " + spool_.string() +
                                 " and cannot see " + outside + " (outside it)"));
  EXPECT_THAT(run.out, HasSubstr("smtpd_milters = unix:/autoresponder/milter.sock"));
  // main.cf's absolute name is resolved inside the jail, so it misses too.
  EXPECT_THAT(run.out, HasSubstr("PROBLEM main.cf (" + postfix_.string() + "): smtpd_milters = unix:" +
                                 outside + " does not reach"));
}

TEST_F(Doctor, SocketThePostfixUserCannotOpenIsAProblem) {
  Listen(socket_);
  HoldDispatcherLock();
  ASSERT_EQ(chmod(socket_dir_.c_str(), 0700), 0);  // root only
  const DoctorRun run = Run("unix:" + socket_);
  EXPECT_EQ(run.code, 1);
  EXPECT_THAT(run.out, HasSubstr("PROBLEM socket: " + socket_ + " is not reachable by postfix"));
  EXPECT_THAT(run.out, HasSubstr("adduser postfix autoresponder"));
}

TEST_F(Doctor, MainCfWithoutTheMilterIsAProblem) {
  Listen(socket_);
  HoldDispatcherLock();
  WriteMainCf("smtpd_milters = inet:127.0.0.1:8891\nmilter_default_action = tempfail\n");
  const DoctorRun run = Run("unix:" + socket_);
  EXPECT_EQ(run.code, 1);
  EXPECT_THAT(run.out, HasSubstr("PROBLEM main.cf (" + postfix_.string() +
                                 "): smtpd_milters = inet:127.0.0.1:8891 does not reach unix:" +
                                 socket_ + "; fix: postconf -c " + postfix_.string() +
                                 " -e 'smtpd_milters = unix:/autoresponder/milter.sock'"));
  EXPECT_THAT(run.out, HasSubstr("warning main.cf (" + postfix_.string() +
                                 "): non_smtpd_milters = (empty) does not reach"));
  EXPECT_THAT(run.out, HasSubstr("warning main.cf (" + postfix_.string() +
                                 "): milter_default_action = tempfail"));
}

TEST_F(Doctor, UnreadablePostfixConfigAndStoppedDispatcherAreProblems) {
  Listen(socket_);
  std::filesystem::remove(postfix_ / "main.cf");
  const DoctorRun run = Run("unix:" + socket_);
  EXPECT_EQ(run.code, 1);
  EXPECT_THAT(run.out, HasSubstr("PROBLEM main.cf: cannot read Postfix's configuration"));
  EXPECT_THAT(run.out, HasSubstr("PROBLEM dispatcher: no dispatcher has run on this store"));
}

TEST(PostfixSettings, MilterListsAndNames) {
  EXPECT_EQ(SplitMilterList("unix:/a.sock, { inet:127.0.0.1:8891, default_action=accept } inet:h:2"),
            (std::vector<std::string>{"unix:/a.sock", "inet:127.0.0.1:8891", "inet:h:2"}));
  EXPECT_TRUE(PostfixNameReaches("inet:127.0.0.1:8894", "inet:8894@127.0.0.1", "/q", false));
  EXPECT_FALSE(PostfixNameReaches("inet:127.0.0.1:8895", "inet:8894@127.0.0.1", "/q", false));
  EXPECT_TRUE(PostfixNameReaches("unix:/a/m.sock", "unix:/q/a/m.sock", "/q", true));
  EXPECT_TRUE(PostfixNameReaches("unix:a/m.sock", "unix:/q/a/m.sock", "/q", false));
  EXPECT_FALSE(PostfixNameReaches("unix:/q/a/m.sock", "unix:/q/a/m.sock", "/q", true));
  EXPECT_TRUE(PostfixNameReaches("unix:/q/a/m.sock", "unix:/q/a/m.sock", "/q", false));
  EXPECT_EQ(PostfixNameFor("unix:/q/a/m.sock", "/q", true), "unix:/a/m.sock");
  EXPECT_EQ(PostfixNameFor("unix:/run/m.sock", "/q", true), "");
  EXPECT_EQ(PostfixNameFor("inet:8894@127.0.0.1", "/q", true), "inet:127.0.0.1:8894");
}

}  // namespace
}  // namespace ar
