#include "milter/session.h"

#include "core/strings.h"

namespace ar {

std::string StripAngleBrackets(std::string_view path) {
  path = Trim(path);
  if (path.size() >= 2 && path.front() == '<' && path.back() == '>')
    path = path.substr(1, path.size() - 2);
  return std::string(Trim(path));
}

void Session::OnMailFrom(std::string_view sender, bool local_submission) {
  settings_ = service_.Snapshot();
  Envelope envelope;
  envelope.sender = StripAngleBrackets(sender);
  envelope.local_submission = local_submission;
  message_ = Message(std::move(envelope));
  in_message_ = true;
}

void Session::OnRecipient(std::string_view recipient) {
  if (!in_message_) return;
  // Bounded like the headers: an envelope with more recipients than any
  // MTA allows is hostile; the extra ones are ignored, not answered.
  constexpr size_t kMaxRecipients = 10000;
  auto& recipients = message_.mutable_envelope().recipients;
  if (recipients.size() < kMaxRecipients) recipients.push_back(StripAngleBrackets(recipient));
}

void Session::OnHeader(std::string_view name, std::string_view value) {
  if (in_message_) message_.AddHeader(name, value);
}

Verdict Session::OnEndOfMessage(std::string_view queue_id) {
  if (!in_message_ || !settings_) return Verdict::kContinue;
  in_message_ = false;
  message_.mutable_envelope().queue_id = std::string(queue_id);
  Result<ResponderReport> report = service_.responder().Handle(
      message_, settings_->responder, service_.clock().Now());
  if (report.ok()) return Verdict::kContinue;
  // Never harm mail flow: the message goes through unless the administrator
  // chose tempfail, and the failure is logged with the queue id.
  service_.logger().Error((queue_id.empty() ? std::string("NOQUEUE") : std::string(queue_id)) +
                          ": cannot record decision, message accepted without reply: " +
                          report.status().ToString());
  return settings_->tempfail_on_error ? Verdict::kTempfail : Verdict::kContinue;
}

void Session::OnAbort() {
  in_message_ = false;
  message_ = Message();
}

}  // namespace ar
