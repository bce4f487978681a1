#include "tests/fault/scripted_transport.h"

#include "core/strings.h"

namespace ar {

std::string HeaderValue(const std::string& message, const std::string& name) {
  size_t pos = 0;
  std::string value;
  bool in_field = false;
  while (pos < message.size()) {
    size_t end = message.find('\n', pos);
    if (end == std::string::npos) end = message.size();
    std::string_view line(message.data() + pos, end - pos);
    pos = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) break;  // end of the header section
    if (line.front() == ' ' || line.front() == '\t') {
      if (in_field) value += std::string(line);
      continue;
    }
    if (in_field) return std::string(Trim(value));
    const size_t colon = line.find(':');
    if (colon != std::string_view::npos && EqualsIgnoreCase(line.substr(0, colon), name)) {
      in_field = true;
      value = std::string(line.substr(colon + 1));
    }
  }
  return in_field ? std::string(Trim(value)) : std::string();
}

SendResult ScriptedTransport::Send(const OutgoingMail& mail) {
  std::lock_guard<std::mutex> lock(mu_);
  SendAttempt attempt;
  attempt.message_id = HeaderValue(mail.message, "Message-ID");
  attempt.recipient = mail.recipient;
  attempt.from = HeaderValue(mail.message, "From");
  attempt.subject = HeaderValue(mail.message, "Subject");
  attempt.result = attempts_.size() + 1 == fail_at_ ? failure_ : SendResult::Kind::kSent;
  attempts_.push_back(attempt);
  SendResult result;
  result.kind = attempt.result;
  switch (attempt.result) {
    case SendResult::Kind::kSent:
      result.detail = "250 2.0.0 Ok: queued";
      break;
    case SendResult::Kind::kTemporary:
      result.detail = "451 4.3.0 injected temporary failure";
      break;
    case SendResult::Kind::kPermanent:
      result.detail = "550 5.1.1 injected permanent failure";
      break;
  }
  return result;
}

}  // namespace ar
