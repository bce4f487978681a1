#include "web/ooo_request.h"

#include <algorithm>
#include <set>

#include "config/options_table.h"
#include "ctl/output_format.h"
#include "ctl/utf8_validation.h"
#include "ctl/when_parser.h"
#include "web/html_policy.h"

namespace ar {

namespace {

using Json = nlohmann::json;

bool IsOneLine(const std::string& text) {
  return std::none_of(text.begin(), text.end(),
                      [](char c) { return c == '\r' || c == '\n' || c == '\0'; });
}

// A string member: absent -> nullopt; null -> "" when nullable.
std::variant<std::optional<std::string>, FieldError> TextField(const Json& body,
                                                              const std::string& name,
                                                              bool nullable, bool one_line,
                                                              size_t max_bytes) {
  auto it = body.find(name);
  if (it == body.end()) return std::optional<std::string>();
  if (it->is_null()) {
    if (!nullable) return FieldError{name, name + " cannot be removed"};
    return std::optional<std::string>(std::string());
  }
  if (!it->is_string()) return FieldError{name, name + " must be a string"};
  std::string text = it->get<std::string>();
  if (text.size() > max_bytes) {
    return FieldError{name, name + " is longer than " + std::to_string(max_bytes) + " bytes"};
  }
  if (!IsValidUtf8(text)) return FieldError{name, name + " is not valid UTF-8"};
  if (one_line && !IsOneLine(text)) return FieldError{name, name + " must be a single line"};
  return std::optional<std::string>(std::move(text));
}

std::optional<FieldError> ReadPeriod(const Json& body, const PolicySettings& policy,
                                     RuleEdits* edits) {
  const bool named = body.contains("period");
  const bool seconds = body.contains("period_seconds");
  if (!named && !seconds) return std::nullopt;
  const std::string field = named ? "period" : "period_seconds";
  const Json& value = body.at(field);
  Seconds period{0};
  if (value.is_number_integer()) {
    period = Seconds(value.get<int64_t>());
  } else if (value.is_string()) {
    auto parsed = ParseDuration(value.get<std::string>());
    if (!parsed.ok()) return FieldError{field, parsed.status().message()};
    period = *parsed;
  } else {
    return FieldError{field, field + " must be a duration such as \"7d\" or a number of seconds"};
  }
  if (period < policy.min_period || period > policy.max_period) {
    return FieldError{field, "the period must be between " + FormatPeriod(policy.min_period) +
                                 " and " + FormatPeriod(policy.max_period)};
  }
  edits->period = period;
  return std::nullopt;
}

std::optional<FieldError> ReadWindow(const Json& body, const std::optional<OutOfOfficeRule>& stored,
                                     RuleEdits* edits) {
  std::string zone_name = stored ? stored->time_zone : "";
  if (auto it = body.find("time_zone"); it != body.end()) {
    if (!it->is_string()) return FieldError{"time_zone", "time_zone must be a string"};
    zone_name = it->get<std::string>();
    if (zone_name == "UTC") zone_name.clear();
    edits->time_zone = zone_name;
  }
  auto zone = LookupTimeZone(zone_name);
  if (!zone.ok()) return FieldError{"time_zone", zone.status().message()};
  for (const auto& [name, role] : {std::pair{"start", WhenRole::kStart}, {"end", WhenRole::kEnd}}) {
    auto it = body.find(name);
    if (it == body.end()) continue;
    std::optional<std::optional<TimePoint>>& bound = role == WhenRole::kStart ? edits->start
                                                                              : edits->end;
    if (it->is_null() || (it->is_string() && it->get<std::string>().empty())) {
      bound = std::optional<TimePoint>();
      continue;
    }
    if (!it->is_string()) return FieldError{name, std::string(name) + " must be a string or null"};
    auto when = ParseWhen(it->get<std::string>(), *zone, role);
    if (!when.ok()) return FieldError{name, when.status().message()};
    bound = std::optional<TimePoint>(*when);
  }
  const std::optional<TimePoint> start = edits->start ? *edits->start
                                                      : (stored ? stored->start : std::nullopt);
  const std::optional<TimePoint> end = edits->end ? *edits->end
                                                  : (stored ? stored->end : std::nullopt);
  if (start && end && *end <= *start) return FieldError{"end", "the end must be after the start"};
  return std::nullopt;
}

// A member GET returns that cannot be changed here: accepted when unchanged.
std::optional<FieldError> CheckReadOnly(const Json& body,
                                        const std::optional<OutOfOfficeRule>& stored) {
  if (auto it = body.find("aliases"); it != body.end()) {
    const std::vector<std::string> none;
    const auto& current = stored ? stored->aliases : none;
    if (!it->is_array() || *it != Json(current)) {
      return FieldError{"aliases", "aliases are set by the mail administrator"};
    }
  }
  return std::nullopt;
}

}  // namespace

std::variant<OooRequest, FieldError> ParseOooRequest(const Json& body,
                                                     const std::optional<OutOfOfficeRule>& stored,
                                                     const PolicySettings& policy) {
  if (!body.is_object()) return FieldError{"", "the body must be a JSON object"};
  static const std::set<std::string> kKnown = {
      "text",   "html",           "internal_text",    "subject", "name",    "time_zone",
      "start",  "end",            "period",           "period_seconds", "external_senders",
      "enabled", "address",       "aliases",          "generation",     "active_now", "activity"};
  for (const auto& [key, value] : body.items()) {
    if (!kKnown.count(key)) return FieldError{key, "unknown field"};
  }
  if (body.contains("period") && body.contains("period_seconds")) {
    return FieldError{"period", "give period or period_seconds, not both"};
  }
  if (auto error = CheckReadOnly(body, stored)) return *error;

  OooRequest request;
  RuleEdits& edits = request.edits;
  struct TextSpec {
    const char* name;
    std::optional<std::string>* target;
    bool nullable;
    bool one_line;
    size_t max_bytes;
  };
  const TextSpec specs[] = {{"text", &edits.text_body, false, false, kMaxWebBodyBytes},
                            {"html", &edits.html_body, true, false, kMaxWebBodyBytes},
                            {"internal_text", &edits.internal_text_body, true, false,
                             kMaxWebBodyBytes},
                            {"subject", &edits.subject, true, true, 998},
                            {"name", &edits.display_name, true, true, 200}};
  for (const TextSpec& spec : specs) {
    auto value = TextField(body, spec.name, spec.nullable, spec.one_line, spec.max_bytes);
    if (auto* error = std::get_if<FieldError>(&value)) return *error;
    *spec.target = std::get<std::optional<std::string>>(value);
  }
  if (edits.text_body && edits.text_body->find_first_not_of(" \t\r\n") == std::string::npos) {
    return FieldError{"text", "the text must not be empty"};
  }
  if (!stored && !edits.text_body) return FieldError{"text", "a new reply needs a text"};
  if (edits.html_body) {
    if (auto found = FindActiveHtml(*edits.html_body)) {
      return FieldError{"html", "HTML with active content is refused: " + *found};
    }
  }
  if (auto error = ReadPeriod(body, policy, &edits)) return *error;
  if (auto error = ReadWindow(body, stored, &edits)) return *error;

  if (auto it = body.find("external_senders"); it != body.end()) {
    if (*it == "all") {
      edits.reply_to_external = true;
    } else if (*it == "none") {
      edits.reply_to_external = false;
    } else {
      return FieldError{"external_senders", "external_senders must be \"all\" or \"none\""};
    }
  }
  if (auto it = body.find("enabled"); it != body.end()) {
    if (!it->is_boolean()) return FieldError{"enabled", "enabled must be true or false"};
    request.enabled = it->get<bool>();
  }
  return request;
}

}  // namespace ar
