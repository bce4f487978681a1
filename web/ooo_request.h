// OooRequest: the body of PUT /api/v1/ooo (autoresponder-web(8), "JSON
// API") read into the CLI's RuleEdits, so the web and `autoresponder-ctl
// ooo set` change rules the same way (ctl/rule_editing.h). Every problem is
// a FieldError naming the JSON field, for the page to show next to it.
// Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <variant>

#include <nlohmann/json.hpp>

#include "ctl/rule_editing.h"
#include "policy/out_of_office_rule.h"
#include "policy/policy_settings.h"

namespace ar {

struct FieldError {
  std::string field;  // the JSON member, e.g. "start"; "" for the body as a whole
  std::string message;
};

struct OooRequest {
  RuleEdits edits;
  std::optional<bool> enabled;  // "enabled": switch the reply on or off
};

// The largest text, HTML or internal text accepted, in bytes.
inline constexpr size_t kMaxWebBodyBytes = 64 * 1024;

// body: a JSON object. Fields (each optional; absent keeps the stored value):
//   text, html, internal_text, subject, name: strings (null removes all but text)
//   time_zone: an IANA zone, start/end: WHEN strings in it (null removes)
//   period: a duration ("7d") or period_seconds: seconds, within
//     [period_min, period_max] (refused, not clamped: the user is told)
//   external_senders: "all" | "none";  enabled: true | false
// The read-only members of GET's answer (address, aliases, generation,
// active_now, activity) are ignored when unchanged, so a client may send
// back what it read; aliases are the administrator's and cannot change here.
std::variant<OooRequest, FieldError> ParseOooRequest(const nlohmann::json& body,
                                                     const std::optional<OutOfOfficeRule>& stored,
                                                     const PolicySettings& policy);

}  // namespace ar
