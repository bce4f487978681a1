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
#include <vector>

#include "message/message.h"
#include "milter/milter_service.h"

namespace ar {

enum class Verdict {
  kContinue,  // let the message through (remove_recipients, if any, first)
  kDiscard,   // every recipient was consumed control mail (unsubscribe, bounce)
  kTempfail,  // internal failure and the administrator asked for tempfail
};

// What the MTA says about the client at MAIL FROM, from its macros.
struct SmtpClient {
  // Postfix: no {mail_mailer} macro, i.e. pickup rather than smtpd.
  bool local_submission = false;
  std::string address;             // {client_addr}; "" when not given
  std::string authenticated_user;  // {auth_authen}; "" without SMTP AUTH
};

struct EndOfMessage {
  Verdict verdict = Verdict::kContinue;
  // Control addresses to take out of delivery; other recipients untouched.
  std::vector<std::string> remove_recipients;
};

class Session {
 public:
  // RCPTs kept per message; more are counted in Envelope::recipients_dropped.
  static constexpr size_t kMaxRecipients = 10000;

  explicit Session(MilterService& service) : service_(service) {}

  // sender as the MTA passes it, with or without angle brackets.
  // local_submission: the MTA says the message was submitted locally (for
  // Postfix: no {mail_mailer} macro, i.e. pickup rather than smtpd). A
  // Received: field is no evidence: mail relayed from another host's local
  // submission carries that host's trace.
  void OnMailFrom(std::string_view sender, bool local_submission);
  // The same with the client's address and SMTP AUTH login, which the
  // trigger conditions client and authenticated and the enrolment limits
  // per source read.
  void OnMailFrom(std::string_view sender, const SmtpClient& client);
  void OnRecipient(std::string_view recipient);
  void OnHeader(std::string_view name, std::string_view value);
  // True while more body is needed: for mail to a VERP bounce address,
  // whose RFC 3464 Status decides hard or soft bounce, and for every message
  // when a loaded sequence has a body condition (SequenceRuntime::reads_body).
  // False once BodyLimit() bytes are kept, so the adapters answer SKIP and
  // the MTA sends no more. Valid after RCPT.
  bool WantsBody() const;
  // Keeps at most BodyLimit() bytes of body, and only when WantsBody().
  void OnBodyChunk(std::string_view chunk);
  // Decides, records durably, and returns the answer for the MTA. When the
  // store cannot record the follow-ups, the message still goes on
  // (kTempfail only with tempfail_on_error); the failure is logged once,
  // counted (Counters::CountUnrecorded) and latched (StoreErrorLatch).
  EndOfMessage OnEndOfMessage(std::string_view queue_id);
  void OnAbort();

  const Message& message() const { return message_; }

 private:
  // Logs, counts and latches a message whose follow-ups the store could
  // not record, and tempfails it when so configured.
  void ReportUnrecorded(std::string_view queue_id, const std::string& what, const Status& error,
                        EndOfMessage* result);

  // How much raw body this message needs: trigger_body_limit for body
  // conditions, kMaxBodyBytes for a DSN, 0 for neither.
  size_t BodyLimit() const;

  MilterService& service_;
  static constexpr size_t kMaxBodyBytes = 256 * 1024;

  std::shared_ptr<const MessageSettings> settings_;
  Message message_;
  std::string body_;
  bool in_message_ = false;
};

// "<a@b>" -> "a@b"; "<>" -> "". Whitespace trimmed.
std::string StripAngleBrackets(std::string_view path);

// True when removed names every envelope recipient (any case) and no RCPT
// was dropped past the cap: only then may the message be discarded.
bool EveryRecipientRemoved(const Envelope& envelope, const std::vector<std::string>& removed);

}  // namespace ar
