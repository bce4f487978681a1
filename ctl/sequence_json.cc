#include "ctl/sequence_json.h"

#include "ctl/enrolment_migration.h"
#include "ctl/sequence_output.h"
#include "sequence/client_network.h"
#include "sequence/timeline.h"
#include "sequence/when_syntax.h"
#include "sequence/window_syntax.h"

namespace ar {

namespace {

Json TextOrNull(const std::string& text) { return text.empty() ? Json(nullptr) : Json(text); }

Json TriggerJson(const TriggerSpec& trigger) {
  Json conditions = Json::array();
  for (const MatchCondition& condition : trigger.conditions) {
    conditions.push_back({{"field", condition.field}, {"pattern", condition.pattern}});
  }
  Json clients = Json::array();
  for (const IpNetwork& network : trigger.clients) clients.push_back(FormatIpNetwork(network));
  Json out;
  out["direction"] = DirectionName(trigger.direction);
  out["person"] = PersonSourceName(trigger);
  out["conditions"] = conditions;
  out["clients"] = clients;
  out["authenticated"] = trigger.require_authenticated;
  return out;
}

const char* ExitOnName(ExitOn on) {
  switch (on) {
    case ExitOn::kTrigger:
      return "trigger";
    case ExitOn::kReply:
      return "reply";
    case ExitOn::kNoEngagement:
      return "no-engagement";
  }
  return "?";
}

const char* ReEntryKind(ReEntry re_entry) {
  switch (re_entry) {
    case ReEntry::kIgnore:
      return "ignore";
    case ReEntry::kRestart:
      return "restart";
    case ReEntry::kAfter:
      return "after";
  }
  return "?";
}

// A step as `person show` names it: its name, or null for one the person's
// version does not have (the text shows "#3" or "(confirmation)").
Json StepNameJson(const SequenceDefinition* definition, uint32_t step) {
  if (definition != nullptr && step < definition->steps.size()) {
    return definition->steps[step].name;
  }
  return nullptr;
}

// The step's number from 1, or null for a confirmation mail or a step of
// an earlier version.
Json StepNumberJson(uint32_t step) {
  if (step == kConfirmationStep || step == kStepNotInVersion) return nullptr;
  return step + 1;
}

const char* ConsentState(const Enrolment& enrolment) {
  const Consent& consent = enrolment.consent;
  if (consent.trigger.empty()) return "unrecorded";
  if (!consent.double_opt_in) return "by-trigger";
  if (consent.confirmed_at) return "confirmed";
  if (enrolment.state != EnrolmentState::kActive) return "unconfirmed";
  return consent.requested_at ? "requested" : "awaiting-request";
}

}  // namespace

Json SequenceSummaryJson(const SequenceDefinition& definition, size_t active) {
  Json out;
  out["name"] = definition.name;
  out["version"] = definition.version;
  out["file"] = definition.file;
  out["description"] = TextOrNull(definition.description);
  out["step_count"] = definition.steps.size();
  out["active"] = active;
  return out;
}

Json SequenceDetailsJson(const SequenceDefinition& definition, size_t active) {
  Json out = SequenceSummaryJson(definition, active);
  out.erase("step_count");
  out["time_zone"] = definition.time_zone;
  out["person_time_zone_variable"] = TextOrNull(definition.person_time_zone_variable);
  out["from"] = definition.from;
  out["list_id"] = definition.list_id;
  out["re_entry"] = ReEntryKind(definition.re_entry);
  out["re_entry_after_seconds"] = definition.re_entry == ReEntry::kAfter
                                      ? Json(definition.re_entry_after.count())
                                      : Json(nullptr);
  out["coupon_format"] = definition.coupon_format;
  const bool double_opt_in = definition.confirm == ConfirmMode::kDoubleOptIn;
  out["confirm"] = double_opt_in ? "double-opt-in" : "none";
  out["confirm_template"] = double_opt_in ? TextOrNull(definition.confirm_template) : Json(nullptr);
  out["confirm_expiry_seconds"] =
      double_opt_in ? Json(definition.confirm_expiry.count()) : Json(nullptr);
  out["legal_basis"] = TextOrNull(definition.legal_basis);
  out["trigger"] = TriggerJson(definition.trigger);
  Json steps = Json::array();
  for (size_t i = 0; i < definition.steps.size(); ++i) {
    const StepSpec& step = definition.steps[i];
    steps.push_back(
        {{"number", i + 1},
         {"name", step.name},
         {"when", FormatStepWhen(step)},
         {"template", step.template_name},
         {"window", step.window ? Json(FormatSendWindow(*step.window)) : Json(nullptr)}});
  }
  out["steps"] = steps;
  Json exits = Json::array();
  for (const ExitSpec& exit : definition.exits) {
    Json item;
    item["name"] = exit.name;
    item["on"] = ExitOnName(exit.on);
    item["trigger"] = exit.on == ExitOn::kTrigger ? TriggerJson(exit.trigger) : Json(nullptr);
    item["steps"] = exit.on == ExitOn::kNoEngagement ? Json(exit.steps) : Json(nullptr);
    item["move_to"] = TextOrNull(exit.move_to);
    exits.push_back(item);
  }
  out["exits"] = exits;
  return out;
}

Json ConsentJson(const Enrolment& enrolment) {
  const Consent& consent = enrolment.consent;
  const bool recorded = !consent.trigger.empty();
  Json out;
  out["state"] = ConsentState(enrolment);
  out["trigger"] = TextOrNull(consent.trigger);
  out["source_message_id"] = recorded ? TextOrNull(enrolment.trigger_message_id) : Json(nullptr);
  out["at"] = recorded ? TimeJson(enrolment.enrolled_at) : Json(nullptr);
  out["legal_basis"] = TextOrNull(consent.legal_basis);
  out["double_opt_in"] = consent.double_opt_in;
  out["requested_at"] = TimeJson(consent.requested_at);
  out["confirmed_at"] = TimeJson(consent.confirmed_at);
  out["expires_at"] = TimeJson(consent.expires_at);
  return out;
}

Json EnrolmentJson(const Enrolment& enrolment, const SequenceDefinition* definition,
                   const std::string& problem, const std::vector<ProjectedStep>& upcoming) {
  Json out;
  out["sequence"] = enrolment.sequence;
  out["version"] = enrolment.version;
  out["version_problem"] = definition == nullptr ? Json(problem) : Json(nullptr);
  out["time_zone"] =
      definition != nullptr ? Json(EffectiveTimeZone(*definition, enrolment)) : Json(nullptr);
  out["state"] = EnrolmentStateName(enrolment.state);
  out["enrolled"] = TimeJson(enrolment.enrolled_at);
  out["left_reason"] =
      enrolment.state == EnrolmentState::kLeft ? TextOrNull(enrolment.left_reason) : Json(nullptr);
  out["left_at"] = TimeJson(enrolment.left_at);
  out["name"] = TextOrNull(enrolment.display_name);
  out["variables"] = Json::object();
  for (const auto& [name, value] : enrolment.variables) out["variables"][name] = value;
  out["trigger_message_id"] = TextOrNull(enrolment.trigger_message_id);
  out["steps_without_engagement"] = enrolment.steps_since_engagement;
  out["last_engagement"] = TimeJson(enrolment.last_engagement);
  out["consent"] = ConsentJson(enrolment);
  Json sent = Json::array();
  for (const SentStep& step : enrolment.history) {
    sent.push_back({{"at", TimeJson(step.sent_at)},
                    {"number", StepNumberJson(step.step)},
                    {"step", StepNameJson(definition, step.step)},
                    {"message_id", TextOrNull(step.message_id)},
                    {"skipped", step.skipped}});
  }
  out["sent"] = sent;
  Json next = Json::array();
  for (const ProjectedStep& step : upcoming) {
    const auto index = static_cast<uint32_t>(step.step);
    next.push_back({{"due", TimeJson(step.due)},
                    {"number", StepNumberJson(index)},
                    {"step", StepNameJson(definition, index)},
                    {"queued", step.queued},
                    {"problem", TextOrNull(step.problem)}});
  }
  out["upcoming"] = next;
  return out;
}

Json PersonJson(const std::string& person, const std::optional<Suppression>& suppression,
                const Json& enrolments) {
  Json out;
  out["person"] = person;
  if (suppression) {
    out["suppression"] = {{"reason", suppression->reason},
                          {"at", TimeJson(suppression->at)},
                          {"soft_bounces", suppression->soft_bounces}};
  } else {
    out["suppression"] = nullptr;
  }
  out["enrolments"] = enrolments;
  return out;
}

Json ScheduleEntryJson(const ScheduleEntry& entry) {
  const bool reply = entry.sequence.empty();
  Json out;
  out["due"] = TimeJson(entry.due);
  out["kind"] = reply ? "reply" : "step";
  out["person"] = entry.person;
  out["sequence"] = reply ? Json(nullptr) : Json(entry.sequence);
  out["step"] = reply ? Json(nullptr) : Json(entry.step);
  out["state"] = entry.projected ? "projected" : "queued";
  out["item"] = entry.item ? Json(*entry.item) : Json(nullptr);
  return out;
}

}  // namespace ar
