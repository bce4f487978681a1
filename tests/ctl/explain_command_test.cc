// `autoresponder-ctl explain`: the milter's own decision for a stored
// message, against a real store opened read-only. Each case checks the
// trail, the decision, the mail that would be sent, the exit status, and
// that data.mdb is byte for byte what it was before.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "config/options_table.h"
#include "core/logger.h"
#include "message/message_text.h"
#include "responder/out_of_office_responder.h"
#include "sequence_ctl_fixture.h"

namespace ar::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kMailToAlice[] =
    "From: Bob Sender <bob@other.example>\r\n"
    "To: Alice <alice@example.org>\r\n"
    "Subject: =?UTF-8?Q?M=C3=B8te?= on Monday\r\n"
    "Message-ID: <m1@other.example>\r\n"
    "\r\n"
    "Can we meet?\r\n";

constexpr char kLead[] =
    "From: Ola Nordmann <ola@buyer.example>\n"
    "To: leads@shop.example\n"
    "Subject: Interested\n"
    "Message-ID: <lead1@buyer.example>\n"
    "\n"
    "Tell me more.\n";

class ExplainTest : public SequenceCtlTest {
 protected:
  void SetUp() override {
    SequenceCtlTest::SetUp();
    SequenceCtlRun set = Ctl({"ooo", "set", "alice@example.org", "--subject", "Away", "--text",
                              "Back on Monday.", "--period", "7d"});
    ASSERT_EQ(set.code, 0) << set.err;
    mail_to_alice_ = sandbox_.WriteFile("alice.eml", kMailToAlice);
    lead_ = sandbox_.WriteFile("lead.eml", kLead);
  }

  std::string DataFile() const {
    std::ifstream in(sandbox_.store + "/data.mdb", std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
  }

  // Runs explain and checks that the store did not change at all.
  SequenceCtlRun Explain(const std::vector<std::string>& args) {
    const std::string before = DataFile();
    EXPECT_FALSE(before.empty());
    std::vector<std::string> full = {"explain"};
    full.insert(full.end(), args.begin(), args.end());
    SequenceCtlRun run = Ctl(full);
    EXPECT_EQ(DataFile(), before) << "explain changed data.mdb";
    return run;
  }

  std::string mail_to_alice_;
  std::string lead_;
};

TEST_F(ExplainTest, OutOfOfficeReplyIsShownDecodedAndNothingIsQueued) {
  SequenceCtlRun run =
      Explain({"--from", "bob@other.example", "--to", "alice@example.org", mail_to_alice_});
  EXPECT_EQ(run.code, 0) << run.out << run.err;
  EXPECT_THAT(run.out, HasSubstr("alice@example.org: out-of-office rule: pass (found)"));
  EXPECT_THAT(run.out, HasSubstr("message: automatic signals: pass"));
  EXPECT_THAT(run.out, HasSubstr("alice@example.org: consulted"));
  EXPECT_THAT(run.out, HasSubstr("alice@example.org: window: pass"));
  EXPECT_THAT(run.out, HasSubstr("alice@example.org: history: pass (never answered)"));
  EXPECT_THAT(run.out, HasSubstr("reply to <bob@other.example> for alice@example.org"));
  EXPECT_THAT(run.out, HasSubstr("Subject: Away"));
  EXPECT_THAT(run.out, HasSubstr("Back on Monday."));
  EXPECT_THAT(run.out, HasSubstr("In-Reply-To: <m1@other.example>"));
  EXPECT_TRUE(Queue().empty());
}

TEST_F(ExplainTest, RecipientWithoutARuleIsNoAction) {
  SequenceCtlRun run =
      Explain({"--from", "bob@other.example", "--to", "carol@example.org", mail_to_alice_});
  EXPECT_EQ(run.code, 1) << run.out << run.err;
  EXPECT_THAT(run.out, HasSubstr("carol@example.org: out-of-office rule: stop (none)"));
  EXPECT_THAT(run.out, HasSubstr("sequence drip: trigger: stop (no match)"));
  EXPECT_THAT(run.out, HasSubstr("no action"));
  EXPECT_THAT(run.out, Not(HasSubstr("reply to")));
}

TEST_F(ExplainTest, ListMailShowsTheCheckThatStoppedIt) {
  const std::string list_mail = sandbox_.WriteFile(
      "list.eml", std::string("List-Id: <news.other.example>\r\n") + kMailToAlice);
  SequenceCtlRun run =
      Explain({"--from", "bob@other.example", "--to", "alice@example.org", list_mail});
  EXPECT_EQ(run.code, 1) << run.out << run.err;
  EXPECT_THAT(run.out, HasSubstr("message: automatic signals: stop (list-header"));
  EXPECT_THAT(run.out, HasSubstr("no reply for alice@example.org: list-header"));
}

TEST_F(ExplainTest, SequenceTriggerShowsTheEnrolmentAndItsFirstMail) {
  SequenceCtlRun run =
      Explain({"--from", "ola@buyer.example", "--to", "leads@shop.example", lead_});
  EXPECT_EQ(run.code, 0) << run.out << run.err;
  EXPECT_THAT(run.out, HasSubstr("sequence drip: trigger: pass (matched ola@buyer.example)"));
  EXPECT_THAT(run.out, HasSubstr("ola@buyer.example enrolled in drip (trigger)"));
  EXPECT_THAT(run.out, HasSubstr("first mail of drip to <ola@buyer.example>, due 2026-12-22"));
  EXPECT_THAT(run.out, HasSubstr("Subject: Welcome Ola"));
  EXPECT_THAT(run.out, HasSubstr("Hello Ola Nordmann."));
  auto store = OpenStore();
  ASSERT_TRUE(store);
  auto enrolment = store->sequences().GetEnrolment("ola@buyer.example", "drip");
  ASSERT_TRUE(enrolment.ok());
  EXPECT_FALSE(enrolment->has_value()) << "explain enrolled someone";
}

TEST_F(ExplainTest, AlreadyAnsweredSenderIsNoAction) {
  {
    // The milter's own responder answers bob once, as at end of message.
    auto store = OpenStore();
    ASSERT_TRUE(store);
    Envelope envelope;
    envelope.sender = "bob@other.example";
    envelope.recipients = {"alice@example.org"};
    auto parsed = ParseMessageText(kMailToAlice, envelope);
    ASSERT_TRUE(parsed.ok());
    CapturingLogger logger;
    OutOfOfficeResponder responder(*store, logger);
    // The defaults with this machine's hostname, as the milter starts.
    auto report = responder.Handle(parsed->message, ResponderSettingsFrom(DefaultConfig()),
                                   FromUnixSeconds(kSequenceNow - 3600));
    ASSERT_TRUE(report.ok());
    ASSERT_EQ(report->queued, 1u) << ::testing::PrintToString(logger.Lines());
  }
  SequenceCtlRun run =
      Explain({"--from", "bob@other.example", "--to", "alice@example.org", mail_to_alice_});
  EXPECT_EQ(run.code, 1) << run.out << run.err;
  EXPECT_THAT(run.out, HasSubstr("alice@example.org: history: stop (already-answered"));
  EXPECT_THAT(run.out, HasSubstr("no reply for alice@example.org: already-answered"));

  // --at past the period: the same message would be answered again.
  SequenceCtlRun later = Explain({"--from", "bob@other.example", "--to", "alice@example.org",
                                  "--at", "2026-12-29T12:00Z", mail_to_alice_});
  EXPECT_EQ(later.code, 0) << later.out << later.err;
  EXPECT_THAT(later.out, HasSubstr("history: pass (last answered 2026-12-21T11:00:00Z)"));
}

TEST_F(ExplainTest, MissingFlagsAndBadMessagesAreUsageErrors) {
  EXPECT_EQ(Ctl({"explain", "--to", "alice@example.org", mail_to_alice_}).code, 2);
  EXPECT_EQ(Ctl({"explain", "--from", "bob@other.example", mail_to_alice_}).code, 2);
  EXPECT_EQ(Ctl({"explain", "--from", "b@o.example", "--to", "a@e.org", "/nonexistent"}).code, 2);
  const std::string junk = sandbox_.WriteFile("junk.eml", "this is not a header\n\nbody\n");
  SequenceCtlRun run = Ctl({"explain", "--from", "b@o.example", "--to", "a@e.org", junk});
  EXPECT_EQ(run.code, 2);
  EXPECT_THAT(run.err, HasSubstr("line 1"));
}

TEST_F(ExplainTest, StoreThatCannotBeReadIsExitThree) {
  std::vector<std::string> args = {"autoresponder-ctl",
                                   "--config",
                                   sandbox_.config,
                                   "--store_path",
                                   (sandbox_.root / "nostore").string(),
                                   "--clock",
                                   "file:" + sandbox_.clock_file,
                                   "explain",
                                   "--from",
                                   "bob@other.example",
                                   "--to",
                                   "alice@example.org",
                                   mail_to_alice_};
  std::vector<const char*> argv;
  for (const std::string& a : args) argv.push_back(a.c_str());
  argv.push_back(nullptr);
  std::istringstream in;
  std::ostringstream out, err;
  EXPECT_EQ(RunCtl(static_cast<int>(args.size()), argv.data(), in, out, err), 3) << err.str();
  EXPECT_FALSE(std::filesystem::exists(sandbox_.root / "nostore")) << "explain created a store";
}

}  // namespace
}  // namespace ar::testing
