// ProtocolConnectionTest: the per-connection state machine driven by byte
// strings, as an MTA would write them, against a recording handler.
#pragma once

#include <gtest/gtest.h>
#include <libmilter/mfapi.h>
#include <libmilter/mfdef.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/logger.h"
#include "milter/engine/codec.h"
#include "milter/engine/protocol_connection.h"
#include "tests/milter/engine/milter_bytes.h"

namespace ar::milter_engine {

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
           Packet(SMFIC_MAIL, Strings({"<s@x>", "SIZE=5"})) +
           Packet(SMFIC_RCPT, Strings({"<r@y>"})) +
           Packet(SMFIC_HEADER, Strings({"Subject", "hi"})) +
           Packet(SMFIC_MACRO, "E" + Strings({"i", queue_id})) + Packet(SMFIC_BODYEOB);
  }

  std::vector<std::string> calls_;
  Recorder* recorder_;
  CapturingLogger logger_;
  std::unique_ptr<ProtocolConnection> connection_;
};

}  // namespace ar::milter_engine
