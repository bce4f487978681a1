// ScriptedTransport: the fault loop's Transport. It accepts every mail
// except the N-th Send(), which it answers with the failure kind it was
// given (temporary or permanent), and records every attempt with the
// Message-ID and Subject read from the message, so a test can count sends
// per Message-ID and compare runs by what went out.
//
// Thread-safe (a mutex), since the dispatcher may send from several threads.
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <vector>

#include "transport/transport.h"

namespace ar {

struct SendAttempt {
  std::string message_id;  // "<...>", "" when the message has none
  std::string recipient;
  std::string from;     // the raw From field value
  std::string subject;  // the raw Subject field value
  SendResult::Kind result = SendResult::Kind::kSent;
  // What a reader would call "the same mail" across runs: recipient, From
  // and subject (Message-IDs of replies differ between runs).
  std::string Key() const { return recipient + " | " + from + " | " + subject; }
};

class ScriptedTransport final : public Transport {
 public:
  // fail_at 0: accept every mail.
  ScriptedTransport(size_t fail_at, SendResult::Kind failure)
      : fail_at_(fail_at), failure_(failure) {}

  SendResult Send(const OutgoingMail& mail) override;

  std::vector<SendAttempt> attempts() const {
    std::lock_guard<std::mutex> lock(mu_);
    return attempts_;
  }

 private:
  mutable std::mutex mu_;
  const size_t fail_at_;
  const SendResult::Kind failure_;
  std::vector<SendAttempt> attempts_;
};

// The unfolded value of the first header field called name in an RFC 5322
// message (CRLF or LF line ends), "" when absent. Exposed for tests.
std::string HeaderValue(const std::string& message, const std::string& name);

}  // namespace ar
