// `sequence migrate NAME (--person ADDRESS | --all) [--restart-step STEP]`:
// moves active enrolments to the current version of NAME by step name
// (enrolment_migration.h). All-or-nothing for the people chosen: every
// migration is computed first, and if any is refused nothing is written.
#include <optional>
#include <ostream>

#include "ctl/command_arguments.h"
#include "ctl/enrolment_migration.h"
#include "ctl/output_format.h"
#include "ctl/sequence_catalogue.h"
#include "ctl/sequence_commands.h"
#include "ctl/sequence_output.h"
#include "sequence/timeline.h"

namespace ar {

int RunSequenceMigrate(const CommandContext& ctx, const std::vector<std::string>& args) {
  static const std::vector<ProgramFlag> kFlags = {
      {"person", "migrate this person", true, false},
      {"all", "migrate every active member", false, false},
      {"restart-step", "continue at this step (name or number) of the current version", true,
       false}};
  auto flags = ParseCommandArgs(args, kFlags, 1, "sequence migrate", "one NAME");
  if (!flags.ok()) return FromStatus(ctx, flags.status());
  if (flags->Has("person") == flags->Has("all")) {
    return UsageError(ctx, "sequence migrate needs either --person ADDRESS or --all");
  }
  std::optional<std::string> person;
  if (flags->Has("person")) {
    auto parsed = ParsePersonAddress(flags->Flag("person"));
    if (!parsed.ok()) return FromStatus(ctx, parsed.status());
    person = *parsed;
  }

  auto sequence = FindCurrentSequence(ctx.config, flags->positional[0]);
  if (!sequence.ok()) return Failure(ctx, sequence.status().message());
  const SequenceDefinition& current = sequence->definition;
  std::optional<size_t> continue_at;
  if (flags->Has("restart-step")) {
    auto step = FindStep(current, flags->Flag("restart-step"));
    if (!step.ok()) return FromStatus(ctx, step.status());
    continue_at = *step;
  }

  auto store = ctx.store();
  if (!store.ok()) return StoreFailure(ctx, store.status());
  SequenceStore& sequences = (*store)->sequences();
  std::vector<Enrolment> candidates;
  if (person) {
    auto enrolment = sequences.GetEnrolment(*person, current.name);
    if (!enrolment.ok()) return Failure(ctx, enrolment.status().ToString());
    if (!enrolment->has_value() || (*enrolment)->state != EnrolmentState::kActive) {
      return Failure(ctx, *person + " is not active in " + current.name);
    }
    candidates.push_back(**enrolment);
  } else {
    auto members = sequences.ListMembers(current.name, kMaxMembers);
    if (!members.ok()) return Failure(ctx, members.status().ToString());
    for (Enrolment& e : *members) {
      if (e.state == EnrolmentState::kActive) candidates.push_back(std::move(e));
    }
  }

  std::vector<Enrolment> migrated;
  std::vector<std::string> refusals;
  size_t already = 0;
  for (const Enrolment& enrolment : candidates) {
    if (enrolment.version == current.version) {
      ++already;
      continue;
    }
    auto from = LoadStoredDefinition(sequences, current.name, enrolment.version);
    if (!from.ok()) {
      refusals.push_back(enrolment.person + ": " + from.status().message());
      continue;
    }
    auto moved = MigrateEnrolment(enrolment, *from, current, continue_at);
    if (!moved.ok()) {
      refusals.push_back(moved.status().message());
      continue;
    }
    migrated.push_back(std::move(*moved));
  }
  if (!refusals.empty()) {
    for (const std::string& refusal : refusals) {
      ctx.err << "autoresponder-ctl: cannot migrate " << PrintableLine(refusal) << "\n";
    }
    return Failure(ctx, "nothing migrated");
  }
  if (person && already > 0) {
    ctx.out << *person << " is already on version " << ShortVersion(current.version) << "\n";
    return kExitOk;
  }

  if (!migrated.empty()) {
    Status put = sequences.PutSequenceVersion(current.name, current.version, sequence->source);
    if (!put.ok()) return Failure(ctx, put.ToString());
  }
  for (const Enrolment& enrolment : migrated) {
    Status replaced = sequences.ReplaceEnrolment(enrolment);
    if (!replaced.ok()) {
      return Failure(ctx, "migrating " + enrolment.person + ": " + replaced.ToString());
    }
    ctx.out << "migrated " << enrolment.person << " to version " << ShortVersion(current.version)
            << ": next step " << PrintableLine(current.steps[enrolment.next_step].name) << " due "
            << FormatTimeWithLocal(*enrolment.next_due, EffectiveTimeZone(current, enrolment))
            << "\n";
  }
  if (!person) {
    ctx.out << migrated.size() << " migrated, " << already << " already on version "
            << ShortVersion(current.version) << "\n";
  }
  return kExitOk;
}

}  // namespace ar
