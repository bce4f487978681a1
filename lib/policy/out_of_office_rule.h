// OutOfOfficeRule: one user's vacation responder, as the CLI stores it and the
// decision step reads it. A plain value; no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"

namespace ar {

struct OutOfOfficeRule {
  // The user's primary address, normalised (lower case). The rule's key.
  std::string address;
  // The user's other addresses (normalised). Mail to any of them is the
  // user's mail; a reply comes From the one that matched.
  std::vector<std::string> aliases;
  // Display name for the reply's From, e.g. "Ole Hansen". May be "".
  std::string display_name;
  // Reply subject. "" means "Auto: <original subject>" (RFC 5230 section 4.3).
  std::string subject;
  // UTF-8 text body; required for an enabled rule.
  std::string text_body;
  // Optional HTML body; when set the reply is multipart/alternative.
  std::string html_body;
  // Optional text for senders in the user's own domains (internal); "" means
  // internal senders get text_body/html_body like everyone else.
  std::string internal_text_body;
  // false: senders outside the user's own domains get no reply
  // (Exchange's "reply to external senders: none").
  bool reply_to_external = true;
  // How long a sender stays answered. Clamped by the policy to
  // [min_period, max_period] (RFC 5230 section 4.1, RFC 6131).
  Seconds period = Seconds(7 * 86400);
  // Optional window; outside it the rule is inactive. end is exclusive: the
  // CLI turns a date-only end into the first second of the next day in the
  // rule's time zone.
  std::optional<TimePoint> start;
  std::optional<TimePoint> end;
  // IANA zone the user gave start/end in; only for display.
  std::string time_zone;
  bool enabled = true;
  // Bumped by every edit and by switching the rule back on: a new
  // generation is a new response, so everyone is answered again (as Gmail and
  // Exchange behave).
  uint64_t generation = 1;

  // address followed by aliases.
  std::vector<std::string> AllAddresses() const;
};

}  // namespace ar
