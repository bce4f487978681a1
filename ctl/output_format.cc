#include "ctl/output_format.h"

#include <date/tz.h>

#include <sstream>

#include "ctl/when_parser.h"

namespace ar {

namespace {

const date::time_zone* ZoneOrUtc(const std::string& name) {
  auto zone = LookupTimeZone(name);
  if (zone.ok()) return *zone;
  auto utc = LookupTimeZone("UTC");
  return utc.ok() ? *utc : nullptr;
}

std::string ZoneLabel(const std::string& name) { return name.empty() ? "UTC" : name; }

std::string Indented(const std::string& body) {
  std::string out;
  std::istringstream in(body);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    out += line.empty() ? "\n" : "    " + PrintableLine(line) + "\n";
  }
  return out;
}

std::string WhenLine(const char* label, const std::optional<TimePoint>& t, const std::string& zone,
                     const char* open) {
  std::string line = std::string(label) + ": ";
  if (!t) return line + open + "\n";
  return line + FormatIsoUtc(*t) + "  (" + FormatInZone(*t, zone) + ", " + ZoneLabel(zone) + ")\n";
}

}  // namespace

std::string FormatPeriod(Seconds d) {
  const int64_t s = d.count();
  struct Unit {
    int64_t seconds;
    char suffix;
  };
  for (Unit unit : {Unit{7 * 86400, 'w'}, Unit{86400, 'd'}, Unit{3600, 'h'}, Unit{60, 'm'}}) {
    if (s != 0 && s % unit.seconds == 0) return std::to_string(s / unit.seconds) + unit.suffix;
  }
  return std::to_string(s) + "s";
}

std::string PrintableLine(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) c = ' ';
  }
  return out;
}

std::string FormatInZone(TimePoint t, const std::string& zone_name) {
  const date::time_zone* zone = ZoneOrUtc(zone_name);
  if (zone == nullptr) return FormatIsoUtc(t);
  return date::format("%Y-%m-%d %H:%M:%S %Z (%z)", date::zoned_time<Seconds>(zone, t));
}

std::string FormatCompactInZone(TimePoint t, const std::string& zone_name) {
  const date::time_zone* zone = ZoneOrUtc(zone_name);
  if (zone == nullptr) return FormatIsoUtc(t);
  date::zoned_time<Seconds> zoned(zone, t);
  std::string text = date::format("%Y-%m-%dT%H:%M", zoned);
  if (zoned.get_time_zone()->get_info(t).offset == Seconds(0)) return text + "Z";
  std::string offset = date::format("%z", zoned);  // "+0100"
  return text + offset.substr(0, 3) + ":" + offset.substr(3);
}

std::string DescribeActivity(const OutOfOfficeRule& rule, TimePoint now) {
  if (!rule.enabled) return "no: the rule is off";
  if (rule.start && now < *rule.start) {
    return "no: starts " + FormatInZone(*rule.start, rule.time_zone);
  }
  if (rule.end && now >= *rule.end) return "no: ended " + FormatInZone(*rule.end, rule.time_zone);
  if (rule.text_body.empty()) return "no: the rule has no text";
  if (rule.end) return "yes: until " + FormatInZone(*rule.end, rule.time_zone);
  return "yes";
}

std::string FormatRuleDetails(const OutOfOfficeRule& rule, TimePoint now) {
  std::string out;
  auto field = [&out](const char* name, const std::string& value) {
    out += std::string(name) + ": " + value + "\n";
  };
  field("address", PrintableLine(rule.address));
  std::string aliases;
  for (const std::string& alias : rule.aliases) {
    aliases += (aliases.empty() ? "" : ", ") + PrintableLine(alias);
  }
  field("aliases", aliases.empty() ? "-" : aliases);
  field("state", rule.enabled ? "on" : "off");
  field("active now", DescribeActivity(rule, now));
  field("generation", std::to_string(rule.generation));
  field("name", rule.display_name.empty() ? "-" : PrintableLine(rule.display_name));
  field("subject", rule.subject.empty() ? "Auto: <original subject>" : PrintableLine(rule.subject));
  field("period", FormatPeriod(rule.period));
  field("external senders", rule.reply_to_external ? "all" : "none");
  field("time zone", ZoneLabel(rule.time_zone));
  out += WhenLine("start", rule.start, rule.time_zone, "- (no start)");
  out += WhenLine("end", rule.end, rule.time_zone, "- (no end)");
  out += "text:\n" + Indented(rule.text_body);
  out += rule.html_body.empty() ? "html: -\n" : "html:\n" + Indented(rule.html_body);
  out += rule.internal_text_body.empty() ? "internal text: - (internal senders get the text)\n"
                                         : "internal text:\n" + Indented(rule.internal_text_body);
  return out;
}

std::string FormatRuleLine(const OutOfOfficeRule& rule) {
  std::string window;
  if (!rule.start && !rule.end) {
    window = "always";
  } else {
    if (rule.start) window += FormatCompactInZone(*rule.start, rule.time_zone);
    window += "..";
    if (rule.end) window += FormatCompactInZone(*rule.end, rule.time_zone);
  }
  std::string aliases;
  for (const std::string& alias : rule.aliases) {
    aliases += (aliases.empty() ? "" : ",") + PrintableLine(alias);
  }
  return PrintableLine(rule.address) + "\t" + (rule.enabled ? "on" : "off") + "\t" + window + "\t" +
         (aliases.empty() ? "-" : aliases) + "\n";
}

std::string PrintableText(std::string_view text) {
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    out += PrintableLine(line) + "\n";
    start = end + 1;
  }
  return out;
}

std::string RuleListHeader() { return "ADDRESS\tSTATE\tWINDOW\tALIASES\n"; }

std::string QueueListHeader() {
  return "DUE\tID\tRECIPIENT\tUSER\tATTEMPTS\tSTATE\tORIGIN\tLAST_ERROR\n";
}

std::string FailedListHeader() {
  return "DUE\tID\tKIND\tRECIPIENT\tWHAT\tATTEMPTS\tREASON\n";
}

std::string FormatQueueLine(const QueueItem& item) {
  return FormatIsoUtc(item.due) + "\t" + std::to_string(item.id) + "\t" +
         PrintableLine(item.envelope_recipient) + "\t" + PrintableLine(item.user) + "\t" +
         std::to_string(item.attempts) + "\t" + (item.held ? "held" : "waiting") + "\t" +
         (item.origin_queue_id.empty() ? "-" : PrintableLine(item.origin_queue_id)) + "\t" +
         (item.last_error.empty() ? "-" : PrintableLine(item.last_error)) + "\n";
}

std::string FormatItemDetails(const QueueItem& item, const std::string& step_label) {
  const bool step = item.kind == QueueItemKind::kSequenceStep;
  std::string out;
  auto field = [&out](const char* name, const std::string& value) {
    out += std::string(name) + ": " + (value.empty() ? "-" : PrintableLine(value)) + "\n";
  };
  field("id", std::to_string(item.id));
  field("kind", step ? "sequence step" : "out-of-office reply");
  field("state", item.failed ? "failed" : item.held ? "held" : "waiting");
  field("due", FormatIsoUtc(item.due));
  field("created", FormatIsoUtc(item.created));
  field("envelope sender", item.envelope_sender.empty() ? "<>" : item.envelope_sender);
  field("envelope recipient", item.envelope_recipient);
  if (step) {
    field("sequence", item.sequence);
    field("step", step_label);
  } else {
    field("user", item.user);
    field("answering", item.dedupe_sender);
  }
  field("origin queue id", item.origin_queue_id);
  field("message id", item.message_id);
  field("attempts", std::to_string(item.attempts));
  field("last error", item.last_error);
  return out;
}

std::string FormatFailedLine(const QueueItem& item, const std::string& step_label) {
  const bool step = item.kind == QueueItemKind::kSequenceStep;
  const std::string what = step ? item.sequence + "/" + step_label : item.user;
  return FormatIsoUtc(item.due) + "\t" + std::to_string(item.id) + "\t" +
         (step ? "step" : "reply") + "\t" + PrintableLine(item.envelope_recipient) + "\t" +
         PrintableLine(what) + "\t" + std::to_string(item.attempts) + "\t" +
         (item.last_error.empty() ? "-" : PrintableLine(item.last_error)) + "\n";
}

}  // namespace ar
