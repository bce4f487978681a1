#include "ctl/sequence_output.h"

#include "ctl/enrolment_migration.h"
#include "ctl/output_format.h"
#include "ctl/sequence_catalogue.h"
#include "sequence/timeline.h"
#include "sequence/when_syntax.h"
#include "sequence/window_syntax.h"

namespace ar {

namespace {

std::string ReEntryName(const SequenceDefinition& definition) {
  switch (definition.re_entry) {
    case ReEntry::kIgnore:
      return "ignore";
    case ReEntry::kRestart:
      return "restart";
    case ReEntry::kAfter:
      return "after " + FormatSequenceDuration(definition.re_entry_after);
  }
  return "?";
}

std::string Conditions(const TriggerSpec& trigger, const std::string& indent) {
  std::string out;
  for (const MatchCondition& condition : trigger.conditions) {
    out +=
        indent + PrintableLine(condition.field) + " ~ " + PrintableLine(condition.pattern) + "\n";
  }
  return out;
}

}  // namespace

const char* DirectionName(Direction direction) {
  switch (direction) {
    case Direction::kSmtp:
      return "smtp";
    case Direction::kLocal:
      return "local";
    case Direction::kBoth:
      return "both";
  }
  return "?";
}

std::string PersonSourceName(const TriggerSpec& trigger) {
  switch (trigger.person) {
    case PersonSource::kEnvelopeSender:
      return "envelope-sender";
    case PersonSource::kEnvelopeRecipient:
      return "envelope-recipient";
    case PersonSource::kFrom:
      return "from";
    case PersonSource::kReplyTo:
      return "reply-to";
    case PersonSource::kHeader:
      return "header:" + PrintableLine(trigger.person_header);
  }
  return "?";
}

std::string SequenceListHeader() { return "NAME\tVERSION\tSTEPS\tACTIVE\n"; }

std::string SuppressionListHeader() { return "PERSON\tREASON\tSINCE\tSOFT_BOUNCES\n"; }

std::string ScheduleHeader() { return "DUE\tPERSON\tSEQUENCE\tSTEP\tSTATE\n"; }

std::string FormatSequenceLine(const SequenceDefinition& definition, size_t active) {
  return PrintableLine(definition.name) + "\t" + ShortVersion(definition.version) + "\t" +
         std::to_string(definition.steps.size()) + " steps\t" + std::to_string(active) +
         " active\n";
}

std::string FormatSequenceDetails(const SequenceDefinition& definition, size_t active) {
  std::string out;
  auto field = [&out](const std::string& name, const std::string& value) {
    out += name + ": " + value + "\n";
  };
  field("name", PrintableLine(definition.name));
  field("version", definition.version);
  field("file", PrintableLine(definition.file));
  field("description",
        definition.description.empty() ? "-" : PrintableLine(definition.description));
  std::string zone = PrintableLine(definition.time_zone);
  if (!definition.person_time_zone_variable.empty()) {
    zone += " (or the person's zone in {{" + PrintableLine(definition.person_time_zone_variable) +
            "}})";
  }
  field("time zone", zone);
  field("from", PrintableLine(definition.from));
  field("list id", PrintableLine(definition.list_id));
  field("re-entry", ReEntryName(definition));
  field("coupon format", PrintableLine(definition.coupon_format));
  field("active members", std::to_string(active));
  field("trigger", std::string("direction ") + DirectionName(definition.trigger.direction) +
                       ", person " + PersonSourceName(definition.trigger));
  out += Conditions(definition.trigger, "  ");
  for (size_t i = 0; i < definition.steps.size(); ++i) {
    const StepSpec& step = definition.steps[i];
    field("step " + std::to_string(i + 1) + " " + PrintableLine(step.name),
          PrintableLine(FormatStepWhen(step)) + "; template " + PrintableLine(step.template_name) +
              (step.window ? "; window " + FormatSendWindow(*step.window) : ""));
  }
  for (const ExitSpec& exit : definition.exits) {
    std::string on;
    switch (exit.on) {
      case ExitOn::kTrigger:
        on = "trigger, person " + PersonSourceName(exit.trigger);
        break;
      case ExitOn::kReply:
        on = "reply";
        break;
      case ExitOn::kNoEngagement:
        on = "no-engagement " + std::to_string(exit.steps);
        break;
    }
    field("exit " + PrintableLine(exit.name),
          "on " + on + "; " +
              (exit.move_to.empty() ? "leave" : "move to " + PrintableLine(exit.move_to)));
    if (exit.on == ExitOn::kTrigger) out += Conditions(exit.trigger, "  ");
  }
  return out;
}

std::string FormatTimeWithLocal(TimePoint t, const std::string& zone) {
  return FormatIsoUtc(t) + " (" + FormatCompactInZone(t, zone) + ")";
}

std::string StepLabel(const SequenceDefinition* definition, uint32_t step) {
  if (definition != nullptr && step < definition->steps.size()) {
    return PrintableLine(definition->steps[step].name);
  }
  if (step == kConfirmationStep) return "(confirmation)";
  return step == kStepNotInVersion ? "(a step of an earlier version)"
                                   : "#" + std::to_string(step + 1);
}

std::string FormatEnrolmentDetails(const Enrolment& enrolment, const SequenceDefinition* definition,
                                   const std::string& problem,
                                   const std::vector<ProjectedStep>& upcoming) {
  const std::string zone =
      definition != nullptr ? EffectiveTimeZone(*definition, enrolment) : std::string("UTC");
  std::string out;
  auto field = [&out](const std::string& name, const std::string& value) {
    out += "  " + name + ": " + value + "\n";
  };
  out += "sequence " + PrintableLine(enrolment.sequence) + "\n";
  field("version", ShortVersion(enrolment.version) +
                       (definition == nullptr ? " (" + PrintableLine(problem) + ")" : ""));
  field("state", EnrolmentStateName(enrolment.state));
  field("enrolled", FormatTimeWithLocal(enrolment.enrolled_at, zone));
  if (enrolment.state == EnrolmentState::kLeft) {
    field("left",
          PrintableLine(enrolment.left_reason.empty() ? "-" : enrolment.left_reason) +
              (enrolment.left_at ? " at " + FormatTimeWithLocal(*enrolment.left_at, zone) : ""));
  }
  field("name", enrolment.display_name.empty() ? "-" : PrintableLine(enrolment.display_name));
  if (!enrolment.trigger_message_id.empty()) {
    field("trigger", PrintableLine(enrolment.trigger_message_id));
  }
  field("steps without engagement", std::to_string(enrolment.steps_since_engagement));
  // The consent record: why they get this mail, and on what basis.
  const Consent& consent = enrolment.consent;
  field("consent", consent.trigger.empty()
                       ? std::string("- (enrolled before consent records)")
                       : PrintableLine(consent.trigger) + " at " +
                             FormatTimeWithLocal(enrolment.enrolled_at, zone) + ", source " +
                             (enrolment.trigger_message_id.empty()
                                  ? std::string("-")
                                  : PrintableLine(enrolment.trigger_message_id)));
  if (!consent.legal_basis.empty()) field("legal basis", PrintableLine(consent.legal_basis));
  if (consent.double_opt_in) {
    std::string confirmation;
    if (consent.confirmed_at) {
      confirmation = "confirmed " + FormatTimeWithLocal(*consent.confirmed_at, zone);
    } else {
      confirmation = consent.requested_at ? "requested " +
                                                FormatTimeWithLocal(*consent.requested_at, zone)
                                          : std::string("not requested yet");
      if (consent.expires_at)
        confirmation += ", expires " + FormatTimeWithLocal(*consent.expires_at, zone);
    }
    field("confirmation", "double opt-in, " + confirmation);
  }
  if (enrolment.variables.empty()) field("variables", "-");
  for (const auto& [name, value] : enrolment.variables) {
    field("variable " + PrintableLine(name), PrintableLine(value));
  }
  if (enrolment.history.empty()) field("sent", "-");
  for (const SentStep& sent : enrolment.history) {
    field("sent", FormatTimeWithLocal(sent.sent_at, zone) + "\t" +
                      StepLabel(definition, sent.step) + "\t" + PrintableLine(sent.message_id));
  }
  for (const ProjectedStep& step : upcoming) {
    const std::string when =
        step.due ? FormatTimeWithLocal(*step.due, zone) : "? (" + PrintableLine(step.problem) + ")";
    field(step.queued ? "next" : "then",
          when + "\t" + StepLabel(definition, static_cast<uint32_t>(step.step)));
  }
  return out;
}

std::string FormatSuppressionLine(const Suppression& suppression) {
  return PrintableLine(suppression.person) + "\t" + PrintableLine(suppression.reason) + "\t" +
         FormatIsoUtc(suppression.at) + "\t" + std::to_string(suppression.soft_bounces) +
         " soft bounces\n";
}

}  // namespace ar
