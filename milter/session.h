// Session: one milter connection's view of the message in progress, in our
// own terms. The libmilter callbacks (milter_callbacks.cc) only translate to
// these calls; everything here is testable without libmilter.
//
// Headers are only collected as they arrive: the decision waits for end of
// message, when the header set is complete. One Session serves the messages
// of one SMTP connection one after another; it is used by one thread at a time.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "message/message.h"
#include "milter/milter_service.h"

namespace ar {

enum class Verdict {
  kContinue,  // let the message through (the only answer on success)
  kTempfail,  // internal failure and the administrator asked for tempfail
};

class Session {
 public:
  explicit Session(MilterService& service) : service_(service) {}

  // sender as the MTA passes it, with or without angle brackets.
  void OnMailFrom(std::string_view sender, bool local_submission);
  void OnRecipient(std::string_view recipient);
  void OnHeader(std::string_view name, std::string_view value);
  // Decides, records durably, and returns the answer for the MTA.
  Verdict OnEndOfMessage(std::string_view queue_id);
  void OnAbort();

  const Message& message() const { return message_; }

 private:
  MilterService& service_;
  std::shared_ptr<const MessageSettings> settings_;
  Message message_;
  bool in_message_ = false;
};

// "<a@b>" -> "a@b"; "<>" -> "". Whitespace trimmed.
std::string StripAngleBrackets(std::string_view path);

}  // namespace ar
