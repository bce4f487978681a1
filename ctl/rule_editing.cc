#include "ctl/rule_editing.h"

#include <algorithm>

#include "core/strings.h"
#include "ctl/output_format.h"
#include "ctl/utf8_validation.h"
#include "message/address.h"
#include "policy/rule_validation.h"

namespace ar {

namespace {

Result<std::string> NormalizedUsableAddress(const std::string& raw, const char* what) {
  std::string address = NormalizeAddress(Trim(raw));
  if (!IsSafeAddress(address) || address.front() == '@' || address.back() == '@') {
    return Status::InvalidArgument(std::string(what) + " '" + raw +
                                   "' is not a usable mail address (local@domain)");
  }
  return address;
}

// Subject and display name end up in header fields of every reply; a line
// break there would let an operator's typo inject headers.
bool IsOneLine(const std::string& text) {
  return std::none_of(text.begin(), text.end(),
                      [](char c) { return c == '\r' || c == '\n' || c == '\0'; });
}

Status CheckText(const std::optional<std::string>& text, const char* what, bool one_line) {
  if (!text) return Status::Ok();
  if (!IsValidUtf8(*text)) {
    return Status::InvalidArgument(std::string(what) + " is not valid UTF-8");
  }
  if (one_line && !IsOneLine(*text)) {
    return Status::InvalidArgument(std::string(what) + " must be a single line");
  }
  return Status::Ok();
}

Seconds ClampPeriod(Seconds period, const PolicySettings& policy,
                    std::vector<std::string>* warnings) {
  if (period < policy.min_period) {
    warnings->push_back("period " + FormatPeriod(period) + " is below period_min; using " +
                        FormatPeriod(policy.min_period));
    return policy.min_period;
  }
  if (period > policy.max_period) {
    warnings->push_back("period " + FormatPeriod(period) + " is above period_max; using " +
                        FormatPeriod(policy.max_period));
    return policy.max_period;
  }
  return period;
}

}  // namespace

bool ResponseDiffers(const OutOfOfficeRule& a, const OutOfOfficeRule& b) {
  return a.text_body != b.text_body || a.html_body != b.html_body ||
         a.internal_text_body != b.internal_text_body || a.subject != b.subject ||
         a.display_name != b.display_name;
}

bool SwitchRuleOn(OutOfOfficeRule* rule) {
  if (rule->enabled) return false;
  rule->enabled = true;
  ++rule->generation;
  return true;
}

Result<RuleEditOutcome> ApplyRuleEdits(const std::optional<OutOfOfficeRule>& existing,
                                       const std::string& address, const RuleEdits& edits,
                                       const PolicySettings& policy) {
  auto primary = NormalizedUsableAddress(address, "address");
  if (!primary.ok()) return primary.status();

  for (const auto& [text, what, one_line] : {std::tuple{&edits.text_body, "text", false},
                                             {&edits.html_body, "HTML", false},
                                             {&edits.internal_text_body, "internal text", false},
                                             {&edits.subject, "subject", true},
                                             {&edits.display_name, "name", true}}) {
    Status s = CheckText(*text, what, one_line);
    if (!s.ok()) return s;
  }
  if (edits.text_body && edits.text_body->empty()) {
    return Status::InvalidArgument("text must not be empty");
  }

  RuleEditOutcome outcome;
  outcome.created = !existing.has_value();
  OutOfOfficeRule& rule = outcome.rule;
  if (existing) {
    rule = *existing;
  } else {
    if (!edits.text_body) {
      return Status::InvalidArgument("a new rule needs --text or --text-file");
    }
    rule = OutOfOfficeRule{};
    rule.generation = 1;
    rule.enabled = true;
    rule.period = policy.default_period;
  }
  rule.address = *primary;

  if (edits.aliases) {
    rule.aliases.clear();
    for (const std::string& raw : *edits.aliases) {
      auto alias = NormalizedUsableAddress(raw, "alias");
      if (!alias.ok()) return alias.status();
      if (*alias == rule.address) continue;
      if (std::find(rule.aliases.begin(), rule.aliases.end(), *alias) != rule.aliases.end()) {
        continue;
      }
      rule.aliases.push_back(*alias);
    }
  }
  if (edits.display_name) rule.display_name = std::string(Trim(*edits.display_name));
  if (edits.subject) rule.subject = std::string(Trim(*edits.subject));
  if (edits.text_body) rule.text_body = *edits.text_body;
  if (edits.html_body) rule.html_body = *edits.html_body;
  if (edits.internal_text_body) rule.internal_text_body = *edits.internal_text_body;
  if (edits.start) rule.start = *edits.start;
  if (edits.end) rule.end = *edits.end;
  if (edits.time_zone) rule.time_zone = *edits.time_zone;
  if (edits.reply_to_external) rule.reply_to_external = *edits.reply_to_external;

  // A stored period is left alone unless given again: the milter clamps to
  // the bounds in force anyway, and the operator is told here only about
  // what they typed (or the default they got).
  if (edits.period || outcome.created) {
    rule.period = ClampPeriod(edits.period.value_or(rule.period), policy, &outcome.warnings);
  }

  if (rule.start && rule.end && *rule.end <= *rule.start) {
    return Status::InvalidArgument("the end (" + FormatIsoUtc(*rule.end) +
                                   ") must be after the start (" + FormatIsoUtc(*rule.start) + ")");
  }

  if (existing && ResponseDiffers(*existing, rule)) {
    ++rule.generation;
    outcome.generation_bumped = true;
  }

  Status valid = ValidateRule(rule);
  if (!valid.ok()) return Status::InvalidArgument(valid.message());
  return outcome;
}

}  // namespace ar
