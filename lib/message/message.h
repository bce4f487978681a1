// Message: a bounded, read-only view of one message as the milter saw it at
// end of message: the envelope plus the header fields in arrival order. The
// raw body is never kept (the original is never quoted in a reply); only
// its decoded text (body_text.h), and only when a sequence condition reads
// it (body = REGEX).
//
// Header values are stored unfolded (CRLF/LF followed by WSP replaced by the
// WSP) but otherwise raw: RFC 2047 encoded words are still encoded. Use
// DecodeHeaderText() (rfc2047.h) for display text such as Subject.
//
// Limits protect the milter from hostile input: at most kMaxHeaders fields and
// kMaxHeaderValueBytes per value are kept; the rest is dropped and counted.
// A value cut to the limit is counted in truncated_headers().
//
// Not thread-safe for mutation; concurrent const access is fine. Values
// returned as string_view point into the Message and live as long as it does
// (or until the next AddHeader).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/strings.h"

namespace ar {

struct HeaderField {
  std::string name;   // as received, e.g. "List-Id"
  std::string value;  // unfolded, leading whitespace removed, raw otherwise
};

struct Envelope {
  // Reverse-path without angle brackets; "" for the null sender <>.
  std::string sender;
  // Forward-paths without angle brackets, in RCPT order, as received.
  std::vector<std::string> recipients;
  // RCPTs the receiver saw but did not keep (its cap on recipients was
  // reached). Nonzero means `recipients` is not the whole envelope: nothing
  // may be decided that needs every recipient (a discard, an away reply).
  size_t recipients_dropped = 0;
  // The MTA's queue id (Postfix/Sendmail macro "i"); "" when unknown. Used in logs.
  std::string queue_id;
  // True when the message was submitted locally (sendmail/pickup) rather
  // than received over SMTP.
  bool local_submission = false;
  // The MTA's {client_addr} macro at MAIL FROM ("192.0.2.7", "2001:db8::7";
  // Sendmail may write "IPv6:2001:db8::7"); "" when the MTA gave none.
  std::string client_address;
  // The MTA's {auth_authen} macro: the SMTP AUTH login of the client; ""
  // when the message was not submitted with authentication.
  std::string authenticated_user;
};

class Message {
 public:
  static constexpr size_t kMaxHeaders = 1000;
  static constexpr size_t kMaxHeaderValueBytes = 64 * 1024;

  Message() = default;
  explicit Message(Envelope envelope) : envelope_(std::move(envelope)) {}

  // Adds one field. Unfolds the value; truncates or drops per the limits above.
  void AddHeader(std::string_view name, std::string_view value);

  const Envelope& envelope() const { return envelope_; }
  Envelope& mutable_envelope() { return envelope_; }
  const std::vector<HeaderField>& headers() const { return headers_; }
  size_t dropped_headers() const { return dropped_headers_; }
  size_t truncated_headers() const { return truncated_headers_; }

  // Case-insensitive name lookup.
  bool Has(std::string_view name) const;
  std::optional<std::string_view> First(std::string_view name) const;
  std::vector<std::string_view> All(std::string_view name) const;

  // The decoded text of the body (ExtractBodyText), set at end of message by
  // the reader of the body; "" when no condition reads the body.
  const std::string& body_text() const { return body_text_; }
  void set_body_text(std::string text) { body_text_ = std::move(text); }

 private:
  Envelope envelope_;
  std::vector<HeaderField> headers_;
  size_t dropped_headers_ = 0;
  size_t truncated_headers_ = 0;
  std::string body_text_;
};

}  // namespace ar
