// `sequence preview NAME --enrol-at WHEN [--tz ZONE] [--name NAME]
// [--var K=V]... [--person ADDRESS]`: the whole timeline a person enrolled
// at WHEN would get, if every step went out on time: each step's due time
// (timeline.h, the dispatcher's own arithmetic: windows, zones, DST) and its
// rendered subject. Writes nothing and never opens the store.
#include <ostream>

#include "compose/sequence_composer.h"
#include "core/strings.h"
#include "ctl/command_arguments.h"
#include "ctl/output_format.h"
#include "ctl/sequence_catalogue.h"
#include "ctl/sequence_commands.h"
#include "ctl/step_projection.h"
#include "ctl/when_parser.h"
#include "dispatch/step_variables.h"
#include "sequence/timeline.h"

namespace ar {

namespace {

// A person nobody is: previews must not look like someone's real mail.
constexpr char kPreviewPerson[] = "person@example.org";

std::string RenderSubject(const StepTemplate& step_template,
                          const std::map<std::string, std::string>& variables) {
  for (const auto& [field, value] : step_template.headers) {
    if (!EqualsIgnoreCase(field, "Subject")) continue;
    auto rendered = RenderTemplate(value, variables, false);
    return rendered.ok() ? *rendered : "(does not render: " + rendered.status().message() + ")";
  }
  return "(no Subject)";
}

}  // namespace

int RunSequencePreview(const CommandContext& ctx, const std::vector<std::string>& args) {
  static const std::vector<ProgramFlag> kFlags = {
      {"enrol-at", "when the person enrols (WHEN, in --tz)", true, false},
      {"tz", "zone for --enrol-at and the times shown (default: the sequence's)", true, false},
      {"name", "display name of the person", true, false},
      {"person", "the person's address (default person@example.org)", true, false},
      {"var", "a variable NAME=VALUE, as a trigger would capture it", true, true}};
  auto flags = ParseCommandArgs(args, kFlags, 1, "sequence preview", "NAME");
  if (!flags.ok()) return FromStatus(ctx, flags.status());
  if (!flags->Has("enrol-at"))
    return UsageError(ctx, "sequence preview: needs --enrol-at WHEN");
  std::vector<std::string> items;
  if (auto it = flags->flags.find("var"); it != flags->flags.end()) items = it->second;
  auto variables = ParseVariableAssignments(items);
  if (!variables.ok()) return FromStatus(ctx, variables.status());
  auto person = ParsePersonAddress(flags->Has("person") ? flags->Flag("person") : kPreviewPerson);
  if (!person.ok()) return FromStatus(ctx, person.status());

  auto current = FindCurrentSequence(ctx.config, flags->positional[0]);
  if (!current.ok()) return Failure(ctx, current.status().message());
  const SequenceDefinition& definition = current->definition;

  const std::string zone_name = flags->Has("tz") ? flags->Flag("tz") : definition.time_zone;
  auto zone = LookupTimeZone(zone_name);
  if (!zone.ok()) return FromStatus(ctx, zone.status());
  auto enrol_at = ParseWhen(flags->Flag("enrol-at"), *zone, WhenRole::kStart);
  if (!enrol_at.ok()) return FromStatus(ctx, enrol_at.status());

  Enrolment enrolment;
  enrolment.person = *person;
  enrolment.display_name = flags->Flag("name");
  enrolment.sequence = definition.name;
  enrolment.version = definition.version;
  enrolment.variables = *variables;
  enrolment.enrolled_at = *enrol_at;
  auto first = StepDueTime(definition, 0, enrolment);
  if (first.ok()) enrolment.next_due = *first;
  const std::string shown_zone = flags->Has("tz") ? zone_name : EffectiveTimeZone(definition, enrolment);

  // The addresses carry the person's token; without a key the subjects
  // still render, with empty unsubscribe variables.
  StepAddressSettings address_settings;
  address_settings.secret_key = ctx.config.sequences.secret_key;
  address_settings.unsubscribe_url = ctx.config.sequences.unsubscribe_url;
  auto addresses = MakeStepAddresses(definition, *person, address_settings);
  const StepAddresses no_addresses;

  ctx.out << definition.name << " (version " << ShortVersion(definition.version)
          << "), enrolled " << FormatInZone(*enrol_at, shown_zone) << "; nothing is written\n";
  ctx.out << "STEP\tDUE\tSUBJECT\n";
  for (const ProjectedStep& projected : ProjectUpcomingSteps(definition, enrolment)) {
    const StepSpec& step = definition.steps[projected.step];
    std::string due = projected.due ? FormatInZone(*projected.due, shown_zone)
                                    : "no due time: " + (projected.problem.empty()
                                                             ? first.status().message()
                                                             : projected.problem);
    std::string subject;
    auto step_template = ParseStepTemplate(step.template_name, current->source);
    if (!step_template.ok()) {
      subject = "(template does not parse)";
    } else {
      subject = RenderSubject(*step_template,
                              MakeStepVariables(definition, enrolment, projected.step,
                                                addresses.ok() ? *addresses : no_addresses,
                                                ctx.config.sequences.secret_key,
                                                projected.due.value_or(*enrol_at)));
    }
    ctx.out << (projected.step + 1) << " " << PrintableLine(step.name) << "\t"
            << PrintableLine(due) << "\t" << PrintableLine(subject) << "\n";
  }
  return kExitOk;
}

}  // namespace ar
