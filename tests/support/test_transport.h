// TestTransport: the one Transport double of the tests. It keeps every mail
// it is handed (sent, in order) and answers each Send() with, in this order:
//   1. what on_send returns, when it is set and returns a result;
//   2. fail_kind, for the fail_at-th Send() (1-based; 0: none);
//   3. the next entry of script (the last one again when repeat_last);
//   4. otherwise (accepted, "250 2.0.0 Ok", unless a test changes it).
// on_send runs after the mail is kept, outside the lock, so it may block
// until other threads send (a test of concurrent sends) or stop the
// dispatcher.
//
// Send() is thread-safe; read sent and attempts() once the sends are over.
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "transport/transport.h"

namespace ar::testing {

// One Send() as a reader of the mail sees it.
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

class TestTransport final : public Transport {
 public:
  static SendResult Answer(SendResult::Kind kind, std::string detail);

  SendResult Send(const OutgoingMail& mail) override;

  // Each Send() with its answer, the header fields read from the message.
  std::vector<SendAttempt> attempts() const;

  std::function<std::optional<SendResult>(const OutgoingMail&)> on_send;
  size_t fail_at = 0;
  SendResult::Kind fail_kind = SendResult::Kind::kTemporary;
  std::deque<SendResult> script;
  bool repeat_last = false;
  SendResult otherwise = Answer(SendResult::Kind::kSent, "250 2.0.0 Ok");

  std::vector<OutgoingMail> sent;

 private:
  mutable std::mutex mu_;
  std::vector<SendResult::Kind> results_;  // one per entry of sent
};

// The unfolded value of the first header field called name in an RFC 5322
// message (CRLF or LF line ends), "" when absent.
std::string HeaderValue(const std::string& message, const std::string& name);

}  // namespace ar::testing
