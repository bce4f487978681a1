// MessageHandler: what the protocol state machine drives, one per
// connection. SessionHandler (session_handler.h) is the real one; tests
// substitute their own.
#pragma once

#include <string_view>

#include "milter/session.h"

namespace ar::milter_engine {

class MessageHandler {
 public:
  virtual ~MessageHandler() = default;
  // At option negotiation: whether bodies may be needed at all.
  virtual bool ReadsBody() const = 0;
  virtual void OnMailFrom(std::string_view sender, const SmtpClient& client) = 0;
  virtual void OnRecipient(std::string_view recipient) = 0;
  virtual void OnHeader(std::string_view name, std::string_view value) = 0;
  virtual bool WantsBody() const = 0;
  virtual void OnBodyChunk(std::string_view chunk) = 0;
  // May block (the store's group commit): never called on the event thread.
  virtual EndOfMessage OnEndOfMessage(std::string_view queue_id) = 0;
  virtual void OnAbort() = 0;
};

}  // namespace ar::milter_engine
