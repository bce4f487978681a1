// `--json` output of the read commands: one JSON document on stdout, with
// the field names documented in autoresponder-ctl(8) ("JSON OUTPUT"), which
// scripts may rely on: fields are only ever added, never renamed. Times are
// ISO 8601 strings in UTC ("2026-12-20T08:30:00Z"), absent values null.
// Bytes that are not UTF-8 are replaced (U+FFFD) rather than refused.
// Pure; thread-safe.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "policy/out_of_office_rule.h"
#include "store/store.h"

namespace ar {

using Json = nlohmann::json;

// The "--json" switch, for a command's flag list (config/options_table.h).
inline constexpr const char* kJsonFlag = "json";

// An ISO time, or null.
Json TimeJson(std::optional<TimePoint> t);

// id, kind ("reply"|"step"), state ("waiting"|"held"|"failed"), due,
// created, recipient, sender, user, sequence, step, attempts, last_error,
// origin_queue_id, message_id. step_label names the step ("coupon", "#3")
// for steps; null for replies.
Json QueueItemJson(const QueueItem& item, const std::string& step_label);

// address, aliases, enabled, active_now, activity, generation, name,
// subject, period_seconds, external_senders ("all"|"none"), time_zone,
// start, end, text, html, internal_text.
Json RuleJson(const OutOfOfficeRule& rule, TimePoint now);

// Writes the document, indented, and a newline.
void PrintJson(std::ostream& out, const Json& document);

}  // namespace ar
