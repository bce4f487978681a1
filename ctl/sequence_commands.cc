#include "ctl/sequence_commands.h"

#include <ostream>

#include "ctl/command_arguments.h"
#include "ctl/json_output.h"
#include "ctl/output_format.h"
#include "ctl/sequence_catalogue.h"
#include "ctl/sequence_json.h"
#include "ctl/sequence_output.h"
#include "sequence/sequence_decision.h"
#include "sequence/timeline.h"

namespace ar {

namespace {

// Status from loading definitions or the store: a missing sequence_dir or
// a sequence that is not there is the operator's to fix, but not a usage
// error, so it is a failure with the message alone.
int LoadFailure(const CommandContext& ctx, const Status& status) {
  if (status.code() == Status::Code::kInvalidArgument || status.IsNotFound()) {
    return Failure(ctx, status.message());
  }
  return Failure(ctx, status.ToString());
}

Result<size_t> CountActive(SequenceStore& store, const std::string& sequence) {
  auto members = store.ListMembers(sequence, kMaxMembers);
  if (!members.ok()) return members.status();
  size_t active = 0;
  for (const Enrolment& e : *members) active += e.state == EnrolmentState::kActive ? 1 : 0;
  return active;
}

int List(const CommandContext& ctx, const std::vector<std::string>& args) {
  static const std::vector<ProgramFlag> kFlags = {{kJsonFlag, "print JSON", false, false}};
  auto flags = ParseCommandArgs(args, kFlags, 0, "sequence list", "");
  if (!flags.ok()) return FromStatus(ctx, flags.status());
  auto sequences = LoadCurrentSequences(ctx.config);
  if (!sequences.ok()) return LoadFailure(ctx, sequences.status());
  auto store = ctx.store();
  if (!store.ok()) return StoreFailure(ctx, store.status());
  Json list = Json::array();
  std::string text;
  for (const LoadedSequence& sequence : *sequences) {
    auto active = CountActive((*store)->sequences(), sequence.definition.name);
    if (!active.ok()) return Failure(ctx, active.status().ToString());
    list.push_back(SequenceSummaryJson(sequence.definition, *active));
    text += FormatSequenceLine(sequence.definition, *active);
  }
  if (flags->Has(kJsonFlag)) {
    PrintJson(ctx.out, list);
  } else if (!text.empty()) {
    ctx.out << SequenceListHeader() << text;
  }
  return kExitOk;
}

int Show(const CommandContext& ctx, const std::vector<std::string>& args) {
  static const std::vector<ProgramFlag> kFlags = {{kJsonFlag, "print JSON", false, false}};
  auto flags = ParseCommandArgs(args, kFlags, 1, "sequence show", "one NAME");
  if (!flags.ok()) return FromStatus(ctx, flags.status());
  auto sequence = FindCurrentSequence(ctx.config, flags->positional[0]);
  if (!sequence.ok()) return LoadFailure(ctx, sequence.status());
  auto store = ctx.store();
  if (!store.ok()) return StoreFailure(ctx, store.status());
  auto active = CountActive((*store)->sequences(), sequence->definition.name);
  if (!active.ok()) return Failure(ctx, active.status().ToString());
  if (flags->Has(kJsonFlag)) {
    PrintJson(ctx.out, SequenceDetailsJson(sequence->definition, *active));
  } else {
    ctx.out << FormatSequenceDetails(sequence->definition, *active);
  }
  return kExitOk;
}

int Enrol(const CommandContext& ctx, const std::vector<std::string>& args) {
  static const std::vector<ProgramFlag> kFlags = {
      {"name", "the person's display name", true, false},
      {"var", "a variable NAME=VALUE, as a trigger would capture it", true, true}};
  auto flags = ParseCommandArgs(args, kFlags, 2, "sequence enrol", "NAME ADDRESS");
  if (!flags.ok()) return FromStatus(ctx, flags.status());
  auto person = ParsePersonAddress(flags->positional[1]);
  if (!person.ok()) return FromStatus(ctx, person.status());
  std::vector<std::string> items;
  if (auto it = flags->flags.find("var"); it != flags->flags.end()) items = it->second;
  auto variables = ParseVariableAssignments(items);
  if (!variables.ok()) return FromStatus(ctx, variables.status());

  auto sequence = FindCurrentSequence(ctx.config, flags->positional[0]);
  if (!sequence.ok()) return LoadFailure(ctx, sequence.status());
  const SequenceDefinition& definition = sequence->definition;
  // The token in the person's unsubscribe and VERP addresses is registered
  // at enrolment; without the key it would be one nobody can verify.
  if (ctx.config.sequences.secret_key.empty()) {
    return Failure(ctx, "no secret key is loaded (secret_key_file); cannot enrol");
  }

  auto store = ctx.store();
  if (!store.ok()) return StoreFailure(ctx, store.status());
  SequenceStore& sequences = (*store)->sequences();
  auto suppression = sequences.GetSuppression(*person);
  if (!suppression.ok()) return Failure(ctx, suppression.status().ToString());
  if (suppression->has_value()) {
    return Failure(ctx, *person + " is suppressed (" + PrintableLine((*suppression)->reason) +
                            "); 'suppression remove " + *person + "' first");
  }
  auto existing = sequences.GetEnrolment(*person, definition.name);
  if (!existing.ok()) return Failure(ctx, existing.status().ToString());
  if (existing->has_value() && (*existing)->state == EnrolmentState::kActive) {
    return Failure(ctx, *person + " is already active in " + definition.name +
                            "; 'sequence unenrol' first to start again");
  }

  const TimePoint now = ctx.clock.Now();
  EnrolAction enrol;
  enrol.sequence = definition.name;
  enrol.version = definition.version;
  enrol.person = *person;
  enrol.display_name = flags->Flag("name");
  enrol.variables = *variables;
  enrol.restart = existing->has_value();
  enrol.reason = "manual";
  // An operator's enrolment asks for the same consent as a trigger's.
  enrol.legal_basis = definition.legal_basis;
  if (definition.confirm == ConfirmMode::kDoubleOptIn) {
    enrol.double_opt_in = true;
    enrol.confirm_expires = now + definition.confirm_expiry;
  }
  Enrolment fresh;
  fresh.person = *person;
  fresh.display_name = enrol.display_name;
  fresh.sequence = definition.name;
  fresh.version = definition.version;
  fresh.variables = enrol.variables;
  fresh.enrolled_at = now;
  if (!definition.steps.empty()) {
    auto due = StepDueTime(definition, 0, fresh);
    // A step relative to a date the person does not have would never go
    // out: refuse rather than enrol someone who silently gets nothing.
    if (!due.ok()) return Failure(ctx, "first step has no due time: " + due.status().message());
    enrol.first_due = *due;
  }
  // The version is stored first: the dispatcher renders from the stored
  // version, never from the file.
  Status put = sequences.PutSequenceVersion(definition.name, definition.version, sequence->source);
  if (!put.ok()) return Failure(ctx, put.ToString());
  SequenceDecision decision;
  decision.enrols.push_back(enrol);
  Status applied = sequences.ApplySequenceDecision(decision, ctx.config.sequences.secret_key,
                                                   ctx.config.sequences.soft_bounce_limit, now);
  if (!applied.ok()) return Failure(ctx, applied.ToString());

  ctx.out << "enrolled " << *person << " in " << definition.name << " (version "
          << ShortVersion(definition.version) << ")";
  if (enrol.first_due) {
    ctx.out << "; step 1 " << PrintableLine(definition.steps[0].name) << " due "
            << FormatTimeWithLocal(*enrol.first_due, EffectiveTimeZone(definition, fresh));
  } else {
    ctx.out << "; it has no steps";
  }
  ctx.out << "\n";
  return kExitOk;
}

int Unenrol(const CommandContext& ctx, const std::vector<std::string>& args) {
  auto flags = ParseCommandArgs(args, {}, 2, "sequence unenrol", "NAME ADDRESS");
  if (!flags.ok()) return FromStatus(ctx, flags.status());
  auto person = ParsePersonAddress(flags->positional[1]);
  if (!person.ok()) return FromStatus(ctx, person.status());
  const std::string& name = flags->positional[0];
  auto store = ctx.store();
  if (!store.ok()) return StoreFailure(ctx, store.status());
  SequenceStore& sequences = (*store)->sequences();
  auto existing = sequences.GetEnrolment(*person, name);
  if (!existing.ok()) return Failure(ctx, existing.status().ToString());
  if (!existing->has_value() || (*existing)->state != EnrolmentState::kActive) {
    return Failure(ctx, *person + " is not active in " + PrintableLine(name));
  }
  SequenceDecision decision;
  decision.exits.push_back(ExitAction{name, *person, "manual"});
  Status applied =
      sequences.ApplySequenceDecision(decision, ctx.config.sequences.secret_key,
                                      ctx.config.sequences.soft_bounce_limit, ctx.clock.Now());
  if (!applied.ok()) return Failure(ctx, applied.ToString());
  ctx.out << "unenrolled " << *person << " from " << PrintableLine(name)
          << " (queued step removed)\n";
  return kExitOk;
}

}  // namespace

int RunSequenceCommand(const CommandContext& ctx, const std::vector<std::string>& args) {
  if (AsksForHelp(args)) {
    ctx.out << UsageText();
    return kExitOk;
  }
  if (args.empty()) {
    return UsageError(ctx, "sequence needs a command: list, show, enrol, unenrol, migrate, render");
  }
  const std::string& command = args[0];
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (command == "list") return List(ctx, rest);
  if (command == "show") return Show(ctx, rest);
  if (command == "enrol") return Enrol(ctx, rest);
  if (command == "unenrol") return Unenrol(ctx, rest);
  if (command == "migrate") return RunSequenceMigrate(ctx, rest);
  if (command == "render") return RunSequenceRender(ctx, rest);
  if (command == "preview") return RunSequencePreview(ctx, rest);
  return UsageError(ctx, "unknown command 'sequence " + PrintableLine(command) + "'");
}

}  // namespace ar
