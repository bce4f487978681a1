// SessionHandler: a MessageHandler that is one Session of the service.
#pragma once

#include "milter/engine/message_handler.h"
#include "milter/milter_service.h"
#include "milter/session.h"

namespace ar::milter_engine {

class SessionHandler final : public MessageHandler {
 public:
  explicit SessionHandler(MilterService& service) : service_(service), session_(service) {}

  bool ReadsBody() const override { return service_.Snapshot()->sequences->enabled(); }
  void OnMailFrom(std::string_view sender, const SmtpClient& client) override {
    session_.OnMailFrom(sender, client);
  }
  void OnRecipient(std::string_view recipient) override { session_.OnRecipient(recipient); }
  void OnHeader(std::string_view name, std::string_view value) override {
    session_.OnHeader(name, value);
  }
  bool WantsBody() const override { return session_.WantsBody(); }
  void OnBodyChunk(std::string_view chunk) override { session_.OnBodyChunk(chunk); }
  EndOfMessage OnEndOfMessage(std::string_view queue_id) override {
    return session_.OnEndOfMessage(queue_id);
  }
  void OnAbort() override { session_.OnAbort(); }

 private:
  MilterService& service_;
  Session session_;
};

}  // namespace ar::milter_engine
