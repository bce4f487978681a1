// ProtocolConnection: one milter connection's protocol state, fed with the
// bytes read from the socket and answering with the bytes to write. It does
// no I/O itself, so tests drive it with byte strings.
//
// Behaves as libmilter does for our filter: macros kept per stage (the
// MAIL stage and later ones are forgotten with the message), any number of
// messages per connection, ABORT ends the message without reply, QUIT
// closes, QUIT_NC starts over for a new SMTP connection on the same socket,
// a step negotiated as SMFIP_NR_* gets no reply. Commands out of their usual
// order are answered with continue; bytes that are no milter packet close
// the connection. An exception from the handler never reaches the MTA: the
// step and the message are answered with continue and the failure logged.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/logger.h"
#include "milter/engine/message_handler.h"
#include "milter/engine/packet_reader.h"

namespace ar::milter_engine {

class ProtocolConnection {
 public:
  enum class State {
    kNeedInput,     // every complete packet handled
    kEndOfMessage,  // call RunEndOfMessage(), then Process() again
    kClose,         // close the connection (QUIT, or malformed input)
  };

  ProtocolConnection(std::unique_ptr<MessageHandler> handler, Logger& logger);

  void Receive(std::string_view bytes) { reader_.Append(bytes); }
  // Handles buffered packets, appending replies to *out, until input runs
  // out, the end of a message is reached, or the connection must close.
  State Process(std::string* out);
  // The blocking part of end of message; replies appended to *out. Safe to
  // call on another thread while nothing else touches this object.
  void RunEndOfMessage(std::string* out);

  size_t buffered() const { return reader_.buffered(); }

 private:
  // libmilter's macro stages (SMFIM_*), by the command that carries them.
  static constexpr size_t kStages = 7;
  static int StageOf(char command);
  std::string Macro(std::string_view name) const;
  void ForgetMessageMacros();
  // Calls body on the handler; an exception is logged and ends the message.
  template <typename Body>
  void Guarded(const char* step, Body&& body);
  void Reply(char code, std::string* out);
  void StepReply(uint32_t noreply_flag, std::string* out);

  std::unique_ptr<MessageHandler> handler_;
  Logger& logger_;
  PacketReader reader_;
  uint32_t steps_ = 0;    // negotiated SMFIP_* bits
  uint32_t actions_ = 0;  // negotiated SMFIF_* bits
  std::array<std::vector<std::pair<std::string, std::string>>, kStages> macros_;
  bool failed_ = false;  // the handler threw during this message
  bool skipped_body_ = false;
};

}  // namespace ar::milter_engine
