// The per-connection state machine driven by byte strings, as an MTA would
// write them, against a recording handler (ProtocolConnectionTest).
#include "milter/engine/protocol_connection.h"

#include <gtest/gtest.h>
#include <libmilter/mfapi.h>
#include <libmilter/mfdef.h>

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "milter/engine/codec.h"
#include "tests/support/protocol_connection_fixture.h"

namespace ar::milter_engine {
namespace {

TEST_F(ProtocolConnectionTest, NoReplyStepsGetNoReplyAndEndOfMessageContinues) {
  Negotiated();
  EXPECT_EQ(Feed(Message("Q1")), Continue());
  EXPECT_EQ(calls_, (std::vector<std::string>{"mail <s@x> smtp", "rcpt <r@y>", "header Subject: hi",
                                              "eom Q1"}));
}

TEST_F(ProtocolConnectionTest, WithoutNoReplyEveryStepIsAnswered) {
  Negotiated(0x1ff, 0);
  EXPECT_EQ(Feed(Message("Q1")), Continue() + Continue() + Continue() + Continue());
}

TEST_F(ProtocolConnectionTest, MissingMailerMacroMeansLocalSubmission) {
  Negotiated();
  Feed(Packet(SMFIC_MAIL, Strings({"<s@x>"})));
  EXPECT_EQ(calls_.back(), "mail <s@x> local");
}

TEST_F(ProtocolConnectionTest, SeveralMessagesAndAbortBetween) {
  Negotiated();
  EXPECT_EQ(Feed(Message("Q1")), Continue());
  EXPECT_EQ(Feed(Packet(SMFIC_MAIL, Strings({"<t@x>"})) + Packet(SMFIC_ABORT)), "");
  // The queue id of the first message is not the second's.
  EXPECT_EQ(Feed(Packet(SMFIC_MAIL, Strings({"<u@x>"})) + Packet(SMFIC_BODYEOB)), Continue());
  EXPECT_EQ(calls_.back(), "eom ");
  EXPECT_EQ(Feed(Message("Q3")), Continue());
  EXPECT_EQ(calls_.back(), "eom Q3");
  EXPECT_NE(std::find(calls_.begin(), calls_.end(), "abort"), calls_.end());
}

TEST_F(ProtocolConnectionTest, DeleteRecipientThenContinue) {
  Negotiated();
  recorder_->result.remove_recipients = {"unsubscribe+t@y"};
  std::string expected;
  EncodeDeleteRecipient("<unsubscribe+t@y>", &expected);
  EXPECT_EQ(Feed(Message("Q1")), expected + Continue());
}

TEST_F(ProtocolConnectionTest, NoDeleteRecipientWhenTheMtaDidNotAllowIt) {
  Negotiated(/*actions=*/0);
  recorder_->result.remove_recipients = {"unsubscribe+t@y"};
  EXPECT_EQ(Feed(Message("Q1")), Continue());
}

TEST_F(ProtocolConnectionTest, DiscardAndTempfail) {
  Negotiated();
  recorder_->result.verdict = Verdict::kDiscard;
  EXPECT_EQ(Feed(Message("Q1")), Packet(SMFIR_DISCARD));
  recorder_->result.verdict = Verdict::kTempfail;
  EXPECT_EQ(Feed(Message("Q2")), Packet(SMFIR_TEMPFAIL));
}

TEST_F(ProtocolConnectionTest, BodyIsSkippedWhenNotWanted) {
  recorder_->reads_body = true;
  Negotiated();
  std::string out = Feed(Packet(SMFIC_MAIL, Strings({"<s@x>"})) + Packet(SMFIC_BODY, "abc"));
  EXPECT_EQ(out, Packet(SMFIR_SKIP));
  recorder_->wants_body = true;
  out = Feed(Packet(SMFIC_MAIL, Strings({"<s@x>"})) + Packet(SMFIC_BODY, "abc") +
             Packet(SMFIC_BODYEOB, "def"));
  EXPECT_EQ(out, Continue() + Continue());
  EXPECT_EQ(calls_[calls_.size() - 3], "body abc");
  EXPECT_EQ(calls_[calls_.size() - 2], "body def");
}

TEST_F(ProtocolConnectionTest, BodyWithoutSkipIsContinued) {
  recorder_->reads_body = true;
  Negotiated(0x1ff, SMFIP_NR_MAIL);  // no SMFIP_SKIP offered
  EXPECT_EQ(Feed(Packet(SMFIC_MAIL, Strings({"<s@x>"})) + Packet(SMFIC_BODY, "abc")), Continue());
}

TEST_F(ProtocolConnectionTest, QuitClosesAndQuitNcStartsOver) {
  Negotiated();
  ProtocolConnection::State state;
  Feed(Packet(SMFIC_MACRO, "M" + Strings({"{mail_mailer}", "smtp"})) +
           Packet(SMFIC_QUIT_NC) + Packet(SMFIC_MAIL, Strings({"<s@x>"})),
       &state);
  EXPECT_EQ(state, ProtocolConnection::State::kNeedInput);
  EXPECT_EQ(calls_.back(), "mail <s@x> local");  // the old connection's macros are gone
  EXPECT_EQ(Feed(Optneg()).substr(4, 1), "O");     // a new negotiation is fine too
  Feed(Packet(SMFIC_QUIT), &state);
  EXPECT_EQ(state, ProtocolConnection::State::kClose);
}

TEST_F(ProtocolConnectionTest, SkippedStepsSentAnywayAreContinued) {
  Negotiated();
  EXPECT_EQ(Feed(Packet(SMFIC_CONNECT, std::string("h\0U", 3)) + Packet(SMFIC_HELO, Strings({"h"})) +
                 Packet(SMFIC_DATA) + Packet(SMFIC_EOH) + Packet(SMFIC_UNKNOWN, Strings({"X"}))),
            Continue() + Continue() + Continue() + Continue() + Continue());
}

TEST_F(ProtocolConnectionTest, GarbageCloses) {
  Negotiated();
  ProtocolConnection::State state;
  Feed(Packet('z'), &state);
  EXPECT_EQ(state, ProtocolConnection::State::kClose);
}

TEST_F(ProtocolConnectionTest, MalformedHeaderCloses) {
  Negotiated();
  ProtocolConnection::State state;
  Feed(Packet(SMFIC_HEADER, "no-nul"), &state);
  EXPECT_EQ(state, ProtocolConnection::State::kClose);
}

TEST_F(ProtocolConnectionTest, ZeroLengthCloses) {
  ProtocolConnection::State state;
  Feed(Uint32(0), &state);
  EXPECT_EQ(state, ProtocolConnection::State::kClose);
}

TEST_F(ProtocolConnectionTest, ExceptionInTheMessageAnswersContinue) {
  Negotiated();
  recorder_->throw_on_header = true;
  recorder_->result.verdict = Verdict::kDiscard;
  EXPECT_EQ(Feed(Message("Q1")), Continue());
  // The end of message of the failed message is not asked; the next one is.
  EXPECT_EQ(std::count(calls_.begin(), calls_.end(), "eom Q1"), 0);
  recorder_->throw_on_header = false;
  recorder_->result.verdict = Verdict::kContinue;
  EXPECT_EQ(Feed(Message("Q2")), Continue());
  EXPECT_EQ(calls_.back(), "eom Q2");
}

TEST_F(ProtocolConnectionTest, RepliesOfSeveralPacketsInOneRead) {
  Negotiated(0x1ff, 0);
  // Everything in one read, and then split byte by byte: the same replies.
  const std::string all = Message("Q1") + Message("Q2");
  std::string whole = Feed(all);
  std::string pieces;
  for (char c : all) pieces += Feed(std::string(1, c));
  EXPECT_EQ(whole, pieces);
  EXPECT_EQ(whole.size(), 8u * 5u);
}

}  // namespace
}  // namespace ar::milter_engine
