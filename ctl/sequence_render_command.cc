// `sequence render NAME STEP ADDRESS [--name NAME] [--var K=V]...`: the
// message step STEP would be for ADDRESS, composed exactly as the dispatcher
// composes it (dispatch/step_variables.h, compose/sequence_composer.h) and
// printed; nothing is sent and the store is only read. An enrolled person's
// own version, variables and enrolment time are used; for anyone else the
// current version with the --name and --var given. Shown decoded, as a
// reader sees it (compose/readable_message.h); --raw prints the MIME message
// as it would go to the MTA.
#include <ostream>

#include "compose/readable_message.h"
#include "compose/sequence_composer.h"
#include "ctl/command_arguments.h"
#include "ctl/output_format.h"
#include "ctl/sequence_catalogue.h"
#include "ctl/sequence_commands.h"
#include "dispatch/step_variables.h"

namespace ar {

namespace {

// CRLF line ends become "\n" and every line goes through PrintableLine: the
// composed message is 7-bit, but its header text came from templates and
// captured variables.
std::string ForTerminal(const std::string& message) {
  std::string out;
  size_t start = 0;
  while (start < message.size()) {
    size_t end = message.find('\n', start);
    if (end == std::string::npos) end = message.size();
    std::string_view line(message.data() + start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    out += PrintableLine(line) + "\n";
    start = end + 1;
  }
  return out;
}

}  // namespace

int RunSequenceRender(const CommandContext& ctx, const std::vector<std::string>& args) {
  static const std::vector<ProgramFlag> kFlags = {
      {"name", "display name when the person is not enrolled", true, false},
      {"var", "a variable NAME=VALUE when the person is not enrolled", true, true},
      {"raw", "print the MIME message as sent, not the decoded text", false, false}};
  auto flags = ParseCommandArgs(args, kFlags, 3, "sequence render", "NAME STEP ADDRESS");
  if (!flags.ok()) return FromStatus(ctx, flags.status());
  const std::string& name = flags->positional[0];
  auto person = ParsePersonAddress(flags->positional[2]);
  if (!person.ok()) return FromStatus(ctx, person.status());
  std::vector<std::string> items;
  if (auto it = flags->flags.find("var"); it != flags->flags.end()) items = it->second;
  auto variables = ParseVariableAssignments(items);
  if (!variables.ok()) return FromStatus(ctx, variables.status());

  auto current = FindCurrentSequence(ctx.config, name);
  if (!current.ok()) return Failure(ctx, current.status().message());
  auto store = ctx.store();
  if (!store.ok()) return StoreFailure(ctx, store.status());
  SequenceStore& sequences = (*store)->sequences();
  auto enrolled = sequences.GetEnrolment(*person, name);
  if (!enrolled.ok()) return Failure(ctx, enrolled.status().ToString());

  const TimePoint now = ctx.clock.Now();
  Enrolment enrolment;
  SequenceSource source = current->source;
  if (enrolled->has_value()) {
    enrolment = **enrolled;
    if (flags->Has("name") || !items.empty()) {
      ctx.err << "autoresponder-ctl: note: " << *person
              << " is enrolled; their own name and variables are used\n";
    }
    if (enrolment.version != current->definition.version) {
      auto stored = sequences.GetSequenceVersion(name, enrolment.version);
      if (!stored.ok()) return Failure(ctx, stored.status().ToString());
      if (!stored->has_value()) {
        return Failure(ctx, "version " + ShortVersion(enrolment.version) + " of " + name +
                                " is not in the store");
      }
      source = **stored;
    }
  } else {
    enrolment.person = *person;
    enrolment.display_name = flags->Flag("name");
    enrolment.sequence = name;
    enrolment.version = current->definition.version;
    enrolment.variables = *variables;
    enrolment.enrolled_at = now;
  }
  auto definition = ParseSequence(source);
  if (!definition.ok()) return Failure(ctx, definition.status().message());
  auto step = FindStep(*definition, flags->positional[1]);
  if (!step.ok()) return FromStatus(ctx, step.status());
  auto step_template = ParseStepTemplate(definition->steps[*step].template_name, source);
  if (!step_template.ok()) return Failure(ctx, step_template.status().message());

  StepAddressSettings address_settings;
  address_settings.secret_key = ctx.config.sequences.secret_key;
  address_settings.bounce_local_part = ctx.config.sequences.bounce_local_part;
  address_settings.unsubscribe_local_part = ctx.config.sequences.unsubscribe_local_part;
  address_settings.unsubscribe_url = ctx.config.sequences.unsubscribe_url;
  auto addresses = MakeStepAddresses(*definition, *person, address_settings);
  if (!addresses.ok()) return Failure(ctx, addresses.status().message());

  StepMessageInput input;
  input.person = *person;
  input.display_name = enrolment.display_name;
  input.sequence = definition->name;
  input.version = enrolment.version;
  input.step = static_cast<uint32_t>(*step);
  input.list_id = definition->list_id;
  input.from = definition->from;
  input.step_template = std::move(*step_template);
  input.variables = MakeStepVariables(*definition, enrolment, *step, *addresses,
                                      ctx.config.sequences.secret_key, now);
  input.unsubscribe_mailto = addresses->unsubscribe_mailto;
  input.unsubscribe_url = addresses->unsubscribe_url;
  input.now = now;
  input.enrolled_at = enrolment.enrolled_at;
  auto composed = ComposeStepMessage(input, ctx.config.compose);
  if (!composed.ok()) return Failure(ctx, "cannot compose: " + composed.status().message());
  ctx.err << "autoresponder-ctl: not sent; envelope sender would be <"
          << PrintableLine(addresses->envelope_sender) << ">\n";
  if (flags->Has("raw")) {
    ctx.out << ForTerminal(composed->message);
    return kExitOk;
  }
  auto readable = ReadableMessage(composed->message);
  if (!readable.ok()) return Failure(ctx, readable.status().message());
  ctx.out << ForTerminal(*readable);
  return kExitOk;
}

}  // namespace ar
