// Rule editing: what `ooo set` does to a rule, as a pure function. Given the
// stored rule (or none) and the edits the operator asked for, it produces the
// rule to store, whether its generation moves on, and warnings for the
// operator. No I/O; thread-safe.
//
// Generation: a new rule starts at 1. An edit bumps it only when something a
// sender would see in the reply changes (text, HTML, internal text, subject,
// display name): a new generation is a new response, so everybody is
// answered again. Setting identical values, moving the window, or changing
// aliases, period or audience keeps the generation.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "policy/out_of_office_rule.h"
#include "policy/policy_settings.h"

namespace ar {

// Each member left empty keeps the stored value (or the default for a new
// rule).
struct RuleEdits {
  // Replaces the whole alias list (an empty list removes every alias).
  std::optional<std::vector<std::string>> aliases;
  std::optional<std::string> display_name;
  std::optional<std::string> subject;
  std::optional<std::string> text_body;
  std::optional<std::string> html_body;           // "" removes the HTML part
  std::optional<std::string> internal_text_body;  // "" removes the internal text
  std::optional<Seconds> period;
  // Window bounds: an outer value holding nullopt removes the bound.
  std::optional<std::optional<TimePoint>> start;
  std::optional<std::optional<TimePoint>> end;
  std::optional<std::string> time_zone;
  std::optional<bool> reply_to_external;
};

struct RuleEditOutcome {
  OutOfOfficeRule rule;
  bool created = false;               // there was no stored rule
  bool generation_bumped = false;     // an existing rule's response changed
  std::vector<std::string> warnings;  // e.g. the period was clamped
};

// Applies edits to existing (nullopt: create a rule for address). Addresses
// are normalised (lower case) and must be usable mail addresses; aliases are
// de-duplicated and never repeat the primary address. Texts must be valid
// UTF-8; subject and name must be one line. A new rule needs a text. The
// period (given, kept or default_period) is clamped to
// [min_period, max_period] with a warning. InvalidArgument on bad input;
// the result also passes policy's ValidateRule().
Result<RuleEditOutcome> ApplyRuleEdits(const std::optional<OutOfOfficeRule>& existing,
                                       const std::string& address, const RuleEdits& edits,
                                       const PolicySettings& policy);

// True when a and b would send different replies (text, HTML, internal text,
// subject or display name differ).
bool ResponseDiffers(const OutOfOfficeRule& a, const OutOfOfficeRule& b);

// Switches a rule on. Switching a rule that was off on bumps its generation
// (a new response); returns false when it was already on (nothing changes).
bool SwitchRuleOn(OutOfOfficeRule* rule);

}  // namespace ar
