// The per-connection state machine driven by byte strings, as an MTA would
// write them, against a recording handler.
#include "milter/engine/protocol_connection.h"

#include <gtest/gtest.h>
#include <libmilter/mfapi.h>
#include <libmilter/mfdef.h>

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "milter/engine/codec.h"
#include "milter_bytes.h"

namespace ar::milter_engine {
namespace {

using testing::Packet;
using testing::Strings;
using testing::Uint32;

struct Recorder final : MessageHandler {
  std::vector<std::string>* calls;
  bool reads_body = false;
  bool wants_body = false;
  bool throw_on_header = false;
  EndOfMessage result;

  bool ReadsBody() const override { return reads_body; }
  void OnMailFrom(std::string_view sender, const SmtpClient& client) override {
    calls->push_back(
        "mail " + std::string(sender) + (client.local_submission ? " local" : " smtp") +
        (client.address.empty() ? "" : " client " + client.address) +
        (client.authenticated_user.empty() ? "" : " auth " + client.authenticated_user));
  }
  void OnRecipient(std::string_view r) override { calls->push_back("rcpt " + std::string(r)); }
  void OnHeader(std::string_view n, std::string_view v) override {
    if (throw_on_header) throw std::runtime_error("boom");
    calls->push_back("header " + std::string(n) + ": " + std::string(v));
  }
  bool WantsBody() const override { return wants_body; }
  void OnBodyChunk(std::string_view c) override { calls->push_back("body " + std::string(c)); }
  EndOfMessage OnEndOfMessage(std::string_view q) override {
    calls->push_back("eom " + std::string(q));
    return result;
  }
  void OnAbort() override { calls->push_back("abort"); }
};

class ProtocolConnectionTest : public ::testing::Test {
 protected:
  ProtocolConnectionTest() {
    auto r = std::make_unique<Recorder>();
    r->calls = &calls_;
    recorder_ = r.get();
    connection_ = std::make_unique<ProtocolConnection>(std::move(r), logger_);
  }

  // Feeds bytes; runs ends of message inline; returns every reply byte.
  std::string Feed(const std::string& bytes, ProtocolConnection::State* last = nullptr) {
    connection_->Receive(bytes);
    std::string out;
    for (;;) {
      auto state = connection_->Process(&out);
      if (last != nullptr) *last = state;
      if (state != ProtocolConnection::State::kEndOfMessage) return out;
      connection_->RunEndOfMessage(&out);
    }
  }

  static std::string Optneg(uint32_t actions = 0x1ff, uint32_t steps = 0x1fffff) {
    return Packet(SMFIC_OPTNEG, Uint32(6) + Uint32(actions) + Uint32(steps));
  }
  static std::string Continue() { return Packet(SMFIR_CONTINUE); }
  // The negotiation reply, checked once; later tests look past it.
  std::string Negotiated(uint32_t actions = 0x1ff, uint32_t steps = 0x1fffff) {
    std::string out = Feed(Optneg(actions, steps));
    EXPECT_EQ(out[4], SMFIC_OPTNEG);
    return out;
  }
  static std::string Message(const std::string& queue_id) {
    return Packet(SMFIC_MACRO, "M" + Strings({"{mail_mailer}", "smtp"})) +
           Packet(SMFIC_MAIL, Strings({"<s@x>", "SIZE=5"})) + Packet(SMFIC_RCPT, Strings({"<r@y>"})) +
           Packet(SMFIC_HEADER, Strings({"Subject", "hi"})) +
           Packet(SMFIC_MACRO, "E" + Strings({"i", queue_id})) + Packet(SMFIC_BODYEOB);
  }

  std::vector<std::string> calls_;
  Recorder* recorder_;
  CapturingLogger logger_;
  std::unique_ptr<ProtocolConnection> connection_;
};

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

TEST_F(ProtocolConnectionTest, EveryChunkAfterSkipIsSkipped) {
  // An MTA may have sent several chunks before it reads the first skip;
  // libmilter answers each of them skip, and so do we.
  recorder_->reads_body = true;
  Negotiated();
  std::string out = Feed(Packet(SMFIC_MAIL, Strings({"<s@x>"})) + Packet(SMFIC_BODY, "a") +
                         Packet(SMFIC_BODY, "b") + Packet(SMFIC_BODY, "c"));
  EXPECT_EQ(out, Packet(SMFIR_SKIP) + Packet(SMFIR_SKIP) + Packet(SMFIR_SKIP));
  // The next message starts without the skip.
  recorder_->wants_body = true;
  out = Feed(Packet(SMFIC_MAIL, Strings({"<s@x>"})) + Packet(SMFIC_BODY, "d"));
  EXPECT_EQ(out, Continue());
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
