#include "tests/support/test_transport.h"

#include <string_view>
#include <utility>

#include "core/strings.h"

namespace ar::testing {

SendResult TestTransport::Answer(SendResult::Kind kind, std::string detail) {
  SendResult result;
  result.kind = kind;
  result.detail = std::move(detail);
  return result;
}

SendResult TestTransport::Send(const OutgoingMail& mail) {
  size_t number;
  {
    std::lock_guard<std::mutex> lock(mu_);
    sent.push_back(mail);
    results_.push_back(SendResult::Kind::kSent);
    number = sent.size();
  }
  std::optional<SendResult> hooked;
  if (on_send) hooked = on_send(mail);
  std::lock_guard<std::mutex> lock(mu_);
  SendResult result;
  if (hooked) {
    result = *hooked;
  } else if (fail_at != 0 && number == fail_at) {
    result = Answer(fail_kind, fail_kind == SendResult::Kind::kPermanent
                                   ? "550 5.1.1 injected permanent failure"
                                   : "451 4.3.0 injected temporary failure");
  } else if (!script.empty()) {
    result = script.front();
    if (script.size() > 1 || !repeat_last) script.pop_front();
  } else {
    result = otherwise;
  }
  results_[number - 1] = result.kind;
  return result;
}

std::vector<SendAttempt> TestTransport::attempts() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<SendAttempt> attempts;
  for (size_t i = 0; i < sent.size(); ++i) {
    SendAttempt attempt;
    attempt.message_id = HeaderValue(sent[i].message, "Message-ID");
    attempt.recipient = sent[i].recipient;
    attempt.from = HeaderValue(sent[i].message, "From");
    attempt.subject = HeaderValue(sent[i].message, "Subject");
    attempt.result = results_[i];
    attempts.push_back(std::move(attempt));
  }
  return attempts;
}

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

}  // namespace ar::testing
