#include "ctl/json_output.h"

#include <ostream>

#include "ctl/output_format.h"

namespace ar {

Json TimeJson(std::optional<TimePoint> t) {
  if (!t) return nullptr;
  return FormatIsoUtc(*t);
}

Json QueueItemJson(const QueueItem& item, const std::string& step_label) {
  const bool step = item.kind == QueueItemKind::kSequenceStep;
  Json out;
  out["id"] = item.id;
  out["kind"] = step ? "step" : "reply";
  out["state"] = item.failed ? "failed" : item.held ? "held" : "waiting";
  out["due"] = TimeJson(item.due);
  out["created"] = TimeJson(item.created);
  out["recipient"] = item.envelope_recipient;
  out["sender"] = item.envelope_sender;
  out["user"] = item.user;
  out["sequence"] = step ? Json(item.sequence) : Json(nullptr);
  out["step"] = step ? Json(step_label) : Json(nullptr);
  out["attempts"] = item.attempts;
  out["last_error"] = item.last_error.empty() ? Json(nullptr) : Json(item.last_error);
  out["origin_queue_id"] = item.origin_queue_id.empty() ? Json(nullptr) : Json(item.origin_queue_id);
  out["message_id"] = item.message_id.empty() ? Json(nullptr) : Json(item.message_id);
  return out;
}

Json RuleJson(const OutOfOfficeRule& rule, TimePoint now) {
  Json out;
  out["address"] = rule.address;
  out["aliases"] = rule.aliases;
  out["enabled"] = rule.enabled;
  const std::string activity = DescribeActivity(rule, now);
  out["active_now"] = activity.rfind("yes", 0) == 0;
  out["activity"] = activity;
  out["generation"] = rule.generation;
  out["name"] = rule.display_name;
  out["subject"] = rule.subject;
  out["period_seconds"] = rule.period.count();
  out["external_senders"] = rule.reply_to_external ? "all" : "none";
  out["time_zone"] = rule.time_zone.empty() ? "UTC" : rule.time_zone;
  out["start"] = TimeJson(rule.start);
  out["end"] = TimeJson(rule.end);
  out["text"] = rule.text_body;
  out["html"] = rule.html_body;
  out["internal_text"] = rule.internal_text_body;
  return out;
}

void PrintJson(std::ostream& out, const Json& document) {
  // replace: a hostile address or error text that is not UTF-8 must not
  // make the dump throw.
  out << document.dump(2, ' ', false, Json::error_handler_t::replace) << "\n";
}

}  // namespace ar
