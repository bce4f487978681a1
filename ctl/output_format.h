// What the CLI prints: rules in detail (`ooo show`), one line per rule
// (`ooo list`), one line per queued reply (`queue list`, `queue failed`).
// Pure formatting of values; the caller passes "now". Every string that came
// from the store or from mail is printed with control characters replaced,
// so a hostile recipient address cannot drive the operator's terminal.
// Thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/clock.h"
#include "policy/out_of_office_rule.h"
#include "store/store.h"

namespace ar {

// "7d", "12h", "90m", "45s": the largest unit that divides d exactly.
std::string FormatPeriod(Seconds d);

// Control characters (C0, DEL) become a space; tabs and newlines too.
std::string PrintableLine(std::string_view text);

// "2026-12-20 00:00:00 CET (+0100)" in the IANA zone (UTC when "" or not
// known to the database).
std::string FormatInZone(TimePoint t, const std::string& zone_name);

// "2026-12-20T00:00+01:00": compact, sortable within a zone, unambiguous.
std::string FormatCompactInZone(TimePoint t, const std::string& zone_name);

// "active now", or why not: "off", "not yet: starts ...", "over: ended ...".
std::string DescribeActivity(const OutOfOfficeRule& rule, TimePoint now);

// Every field of the rule, one "name: value" line each; the bodies follow
// indented. Times in UTC and in the rule's zone.
std::string FormatRuleDetails(const OutOfOfficeRule& rule, TimePoint now);

// ADDRESS TAB on|off TAB WINDOW TAB ALIASES, ending in a newline. WINDOW is
// "START..END" in the rule's zone (a bound left open is empty), or
// "always"; ALIASES is comma-separated, or "-".
std::string FormatRuleLine(const OutOfOfficeRule& rule);

// Every line of text, CRLF or LF ended, through PrintableLine, each ending
// in "\n".
std::string PrintableText(std::string_view text);

// The header line of `ooo list` (RuleListHeader), `queue list` and `queue
// failed`; printed before the first row, never for an empty table. Every
// header starts with an upper-case column name, so scripts skip it as the
// line whose first field is that name (or use --json).
std::string RuleListHeader();
std::string QueueListHeader();
std::string FailedListHeader();

// DUE TAB ID TAB RECIPIENT TAB USER TAB ATTEMPTS TAB STATE TAB ORIGIN TAB
// LAST_ERROR, ending in a newline; DUE in UTC. STATE is "waiting" or
// "held"; ORIGIN the MTA queue id of the mail that caused the item ("-"
// when none, as for sequence steps); LAST_ERROR "-" when none.
std::string FormatQueueLine(const QueueItem& item);

// `queue show`: one "name: value" line per field of the item (not the
// message), step_label naming a sequence step.
std::string FormatItemDetails(const QueueItem& item, const std::string& step_label);

// One item of the failed list: DUE TAB ID TAB KIND TAB RECIPIENT TAB WHAT
// TAB ATTEMPTS TAB REASON, ending in a newline. KIND is "reply" (WHAT: the
// user whose rule answered) or "step" (WHAT: "SEQUENCE/STEP", step_label
// naming the step, e.g. "coupon" or "#3"). REASON is the last error, or a
// skip ("skipped: ...") for a sequence step not sent; "-" when none.
std::string FormatFailedLine(const QueueItem& item, const std::string& step_label);

}  // namespace ar
