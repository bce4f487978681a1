// Fuzzes the milter protocol engine's input side (milter/engine): the bytes
// an MTA (or anything else that reaches the socket) writes, cut into reads
// of a size chosen by the first input byte, through the packet reader and
// the per-connection state machine. Properties: every reply is a
// well-formed packet with a code we may send, the buffer stays bounded, and
// nothing is handled after the connection was to be closed.
#include <libmilter/mfdef.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/logger.h"
#include "milter/engine/message_handler.h"
#include "milter/engine/packet_reader.h"
#include "milter/engine/protocol_connection.h"
#include "tests/fuzz/fuzz_property.h"

namespace ar {
namespace {

using fuzz::Require;

// Accepts everything; at end of message removes the first recipient so the
// DELRCPT encoder runs too.
class Handler final : public milter_engine::MessageHandler {
 public:
  bool ReadsBody() const override { return true; }
  void OnMailFrom(std::string_view, const SmtpClient&) override { first_rcpt_.clear(); }
  void OnRecipient(std::string_view r) override {
    if (first_rcpt_.empty()) first_rcpt_ = std::string(r.substr(0, 64));
  }
  void OnHeader(std::string_view, std::string_view) override {}
  bool WantsBody() const override { return first_rcpt_.size() % 2 == 0; }
  void OnBodyChunk(std::string_view) override {}
  EndOfMessage OnEndOfMessage(std::string_view) override {
    EndOfMessage result;
    if (!first_rcpt_.empty()) result.remove_recipients.push_back(first_rcpt_);
    return result;
  }
  void OnAbort() override { first_rcpt_.clear(); }

 private:
  std::string first_rcpt_;
};

bool IsReplyCode(char code) {
  switch (code) {
    case SMFIC_OPTNEG:
    case SMFIR_CONTINUE:
    case SMFIR_SKIP:
    case SMFIR_DELRCPT:
    case SMFIR_DISCARD:
    case SMFIR_TEMPFAIL:
      return true;
    default:
      return false;
  }
}

void CheckReplies(std::string_view out) {
  while (!out.empty()) {
    Require(out.size() >= 5, "a reply has a length and a code");
    const auto* p = reinterpret_cast<const unsigned char*>(out.data());
    const size_t length = (size_t{p[0]} << 24) | (size_t{p[1]} << 16) | (size_t{p[2]} << 8) | p[3];
    Require(length >= 1 && length + 4 <= out.size(), "a reply's length fits its bytes");
    Require(IsReplyCode(out[4]), "a reply has a code we may send");
    out.remove_prefix(4 + length);
  }
}

}  // namespace
}  // namespace ar

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ar;
  if (size == 0) return 0;
  const size_t chunk = 1 + data[0] % 64;
  std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  CapturingLogger logger(LogLevel::kError);
  milter_engine::ProtocolConnection connection(std::make_unique<Handler>(), logger);
  bool closed = false;
  while (!input.empty() && !closed) {
    std::string_view piece = input.substr(0, chunk);
    input.remove_prefix(piece.size());
    connection.Receive(piece);
    std::string out;
    for (;;) {
      auto state = connection.Process(&out);
      if (state == milter_engine::ProtocolConnection::State::kEndOfMessage) {
        connection.RunEndOfMessage(&out);
        continue;
      }
      closed = state == milter_engine::ProtocolConnection::State::kClose;
      break;
    }
    CheckReplies(out);
    Require(closed || connection.buffered() < milter_engine::PacketReader::kMaxPacketLength + 4,
            "an open connection buffers at most one incomplete packet");
  }
  return 0;
}
