// Shared scenario for the policy tests: Ole (ole@example.org, alias
// o.hansen@example.org) is away; Bob (bob@example.com) writes to him. Each
// test starts from this ordinary, answerable message and changes one thing.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "message/message.h"
#include "policy/decision.h"
#include "policy/out_of_office_rule.h"
#include "policy/policy_settings.h"

namespace ar::testing {

using Headers = std::vector<std::pair<std::string, std::string>>;

inline constexpr char kUser[] = "ole@example.org";
inline constexpr char kAlias[] = "o.hansen@example.org";
inline constexpr char kSender[] = "bob@example.com";

// 2026-07-01T00:00:00Z, inside the default rule's window.
inline TimePoint Now() { return FromUnixSeconds(1782864000); }

inline OutOfOfficeRule OleRule() {
  OutOfOfficeRule rule;
  rule.address = kUser;
  rule.aliases = {kAlias};
  rule.display_name = "Ole Hansen";
  rule.text_body = "I am away until August.";
  rule.generation = 3;
  rule.start = Now() - Seconds(86400);
  rule.end = Now() + Seconds(86400);
  return rule;
}

inline Headers OrdinaryHeaders() {
  return {{"Received", "from mx.example.com by mx.example.org"},
          {"From", "Bob Smith <bob@example.com>"},
          {"To", "Ole Hansen <ole@example.org>"},
          {"Subject", "Lunch on Friday?"},
          {"Message-ID", "<1234@mx.example.com>"},
          {"Date", "Wed, 1 Jul 2026 00:00:00 +0000"}};
}

inline Message MakeMessage(const std::string& sender, const Headers& headers) {
  Envelope envelope;
  envelope.sender = sender;
  envelope.recipients = {kUser};
  envelope.queue_id = "4F2A1";
  Message message(std::move(envelope));
  for (const auto& [name, value] : headers) message.AddHeader(name, value);
  return message;
}

// The ordinary message with extra fields appended.
inline Message OrdinaryMessageWith(const Headers& extra, const std::string& sender = kSender) {
  Headers headers = OrdinaryHeaders();
  headers.insert(headers.end(), extra.begin(), extra.end());
  return MakeMessage(sender, headers);
}

// The ordinary message with every field named `name` replaced by `values`.
inline Message OrdinaryMessageReplacing(const std::string& name,
                                        const std::vector<std::string>& values,
                                        const std::string& sender = kSender) {
  Headers headers;
  for (const auto& field : OrdinaryHeaders()) {
    if (field.first != name) headers.push_back(field);
  }
  for (const std::string& value : values) headers.emplace_back(name, value);
  return MakeMessage(sender, headers);
}

inline ResponseHistory NoHistory() {
  return [](const std::string&, uint64_t, const std::string&) -> std::optional<TimePoint> {
    return std::nullopt;
  };
}

inline Decision DecideForOle(const Message& message, const PolicySettings& settings = {},
                             const OutOfOfficeRule& rule = OleRule(),
                             const ResponseHistory& history = NoHistory(), TimePoint now = Now()) {
  return DecideOutOfOffice(message, {rule}, history, settings, now);
}

}  // namespace ar::testing
