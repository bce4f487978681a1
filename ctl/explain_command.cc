#include "ctl/explain_command.h"

#include <fstream>
#include <iterator>
#include <ostream>
#include <sstream>

#include "compose/sequence_composer.h"
#include "ctl/command_arguments.h"
#include "ctl/output_format.h"
#include "ctl/sequence_catalogue.h"
#include "ctl/store_owner.h"
#include "ctl/when_parser.h"
#include "dispatch/step_variables.h"
#include "message/body_text.h"
#include "message/message_text.h"
#include "responder/out_of_office_responder.h"
#include "responder/sequence_responder.h"
#include "sequence/control_mail.h"

namespace ar {

namespace {

int ExplainUsage(const CommandContext& ctx, const std::string& message) {
  ctx.err << "autoresponder-ctl: explain: " << message << "\n"
          << "usage: autoresponder-ctl explain --from SENDER --to RCPT [--to RCPT]... "
             "[--at WHEN] [--queue-id ID] MESSAGE_FILE\n";
  return kExplainUsage;
}

Result<std::string> ReadMessageFile(const CommandContext& ctx, const std::string& path) {
  if (path == "-") {
    return std::string(std::istreambuf_iterator<char>(ctx.in), std::istreambuf_iterator<char>());
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) return Status::InvalidArgument("cannot read " + path);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

// Body text as a terminal shows it: every line printable, LF line ends.
void PrintText(std::ostream& out, const std::string& text) {
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    out << "  " << PrintableLine(line) << "\n";
    start = end + 1;
  }
}

// "Name <address>", decoded (the composer encodes it for the wire).
std::string DecodedMailbox(const std::string& display_name, const std::string& address) {
  return display_name.empty() ? "<" + address + ">" : display_name + " <" + address + ">";
}

void PrintReply(std::ostream& out, const ReplyPlan& plan, const NewReply& reply) {
  out << "reply from " << PrintableLine(plan.user) << " to <"
      << PrintableLine(reply.envelope_recipient) << ">, envelope sender <"
      << PrintableLine(reply.envelope_sender) << ">:\n";
  out << "  From: " << PrintableLine(DecodedMailbox(plan.from_display_name, plan.from_address))
      << "\n";
  out << "  To: " << PrintableLine(DecodedMailbox(plan.to_display_name, plan.envelope_recipient))
      << "\n";
  out << "  Subject: " << PrintableLine(plan.subject) << "\n";
  out << "  Message-ID: " << PrintableLine(reply.message_id) << "\n";
  if (!plan.original_message_id.empty())
    out << "  In-Reply-To: " << PrintableLine(plan.original_message_id) << "\n";
  out << "\n";
  PrintText(out, plan.text_body);
  if (!plan.html_body.empty())
    out << "  (and an HTML part of " << plan.html_body.size() << " bytes)\n";
}

std::string HeaderTemplate(const StepTemplate& step_template, const std::string& name) {
  for (const auto& [field, text] : step_template.headers) {
    if (EqualsIgnoreCase(field, name)) return text;
  }
  return "";
}

// The first step of an enrolment as the dispatcher would render it when it
// falls due (dispatch/step_variables.h): subject and text, decoded.
void PrintFirstStep(const CommandContext& ctx, const EnrolAction& enrol, TimePoint now) {
  std::ostream& out = ctx.out;
  auto loaded = FindCurrentSequence(ctx.config, enrol.sequence);
  if (!loaded.ok() || loaded->definition.steps.empty()) return;
  const SequenceDefinition& definition = loaded->definition;
  auto step_template = ParseStepTemplate(definition.steps[0].template_name, loaded->source);
  if (!step_template.ok()) {
    out << "  (first step cannot be rendered: " << PrintableLine(step_template.status().message())
        << ")\n";
    return;
  }
  StepAddressSettings address_settings;
  address_settings.secret_key = ctx.config.sequences.secret_key;
  address_settings.bounce_local_part = ctx.config.sequences.bounce_local_part;
  address_settings.unsubscribe_local_part = ctx.config.sequences.unsubscribe_local_part;
  address_settings.unsubscribe_url = ctx.config.sequences.unsubscribe_url;
  auto addresses = MakeStepAddresses(definition, enrol.person, address_settings);
  if (!addresses.ok()) {
    out << "  (first step cannot be rendered: " << PrintableLine(addresses.status().message())
        << ")\n";
    return;
  }
  Enrolment enrolment;
  enrolment.person = enrol.person;
  enrolment.display_name = enrol.display_name;
  enrolment.sequence = enrol.sequence;
  enrolment.version = enrol.version;
  enrolment.variables = enrol.variables;
  enrolment.enrolled_at = now;
  enrolment.trigger_message_id = enrol.trigger_message_id;
  const TimePoint due = enrol.first_due.value_or(now);
  const std::map<std::string, std::string> variables =
      MakeStepVariables(definition, enrolment, 0, *addresses, ctx.config.sequences.secret_key, due);
  auto subject = RenderTemplate(HeaderTemplate(*step_template, "Subject"), variables, false);
  auto text = RenderTemplate(step_template->text_body, variables, false);
  out << "first mail of " << PrintableLine(enrol.sequence) << " to <" << PrintableLine(enrol.person)
      << ">, due "
      << (enrol.first_due ? FormatIsoUtc(*enrol.first_due) : std::string("(not scheduled)"))
      << ", envelope sender <" << PrintableLine(addresses->envelope_sender) << ">:\n";
  out << "  Subject: " << PrintableLine(subject.ok() ? *subject : subject.status().message())
      << "\n\n";
  if (text.ok()) PrintText(out, *text);
}

void PrintSequenceDecision(const CommandContext& ctx, const SequenceDecision& decision,
                           TimePoint now) {
  std::ostream& out = ctx.out;
  for (const ExitAction& exit : decision.exits) {
    out << "sequence: " << PrintableLine(exit.person) << " leaves " << PrintableLine(exit.sequence)
        << " (" << PrintableLine(exit.reason) << ")\n";
  }
  for (const auto& [person, reason] : decision.suppressions) {
    out << "sequence: " << PrintableLine(person) << " suppressed (" << PrintableLine(reason)
        << ")\n";
  }
  for (const std::string& person : decision.soft_bounces)
    out << "sequence: soft bounce counted for " << PrintableLine(person) << "\n";
  for (const auto& [person, sequence] : decision.engagements) {
    out << "sequence: engagement of " << PrintableLine(person) << " in " << PrintableLine(sequence)
        << "\n";
  }
  for (const std::string& rcpt : decision.consume_recipients)
    out << "sequence: recipient <" << PrintableLine(rcpt) << "> taken out of delivery\n";
  for (const EnrolAction& enrol : decision.enrols) {
    out << "sequence: " << PrintableLine(enrol.person) << " enrolled in "
        << PrintableLine(enrol.sequence) << " (" << PrintableLine(enrol.reason)
        << (enrol.restart ? ", restart" : "") << ")\n";
    PrintFirstStep(ctx, enrol, now);
  }
}

}  // namespace

int RunExplainCommand(const CommandContext& ctx, const std::vector<std::string>& args) {
  static const std::vector<ProgramFlag> kFlags = {
      {"from", "the envelope sender (MAIL FROM); \"\" or <> for the null sender", true, false},
      {"to", "an envelope recipient (RCPT TO); repeat for several", true, true},
      {"at", "decide as at this time (default: now)", true, false},
      {"tz", "the zone of --at (default UTC)", true, false},
      {"queue-id", "the MTA queue id to show in the trail", true, false}};
  if (AsksForHelp(args)) {
    ctx.out << "usage: autoresponder-ctl explain --from SENDER --to RCPT [--to RCPT]... "
               "[--at WHEN] [--tz ZONE] [--queue-id ID] MESSAGE_FILE\n";
    return kExitOk;
  }
  auto flags = ParseCommandArgs(args, kFlags, 1, "explain", "MESSAGE_FILE");
  if (!flags.ok()) return ExplainUsage(ctx, flags.status().message());
  if (!flags->Has("from")) return ExplainUsage(ctx, "--from is required");
  if (!flags->Has("to")) return ExplainUsage(ctx, "--to is required");

  TimePoint now = ctx.clock.Now();
  if (flags->Has("at")) {
    auto zone = LookupTimeZone(flags->Flag("tz"));
    if (!zone.ok()) return ExplainUsage(ctx, zone.status().message());
    auto at = ParseWhen(flags->Flag("at"), *zone, WhenRole::kStart);
    if (!at.ok()) return ExplainUsage(ctx, "--at: " + at.status().message());
    now = *at;
  }
  auto text = ReadMessageFile(ctx, flags->positional[0]);
  if (!text.ok()) return ExplainUsage(ctx, text.status().message());

  // The envelope as the milter's Session builds it (milter/session.cc).
  Envelope envelope;
  std::string sender = flags->Flag("from");
  if (sender == "<>") sender.clear();
  envelope.sender = sender;
  for (const std::string& rcpt : flags->flags.at("to")) {
    std::string_view bare = Trim(rcpt);
    if (bare.size() >= 2 && bare.front() == '<' && bare.back() == '>')
      bare = bare.substr(1, bare.size() - 2);
    envelope.recipients.emplace_back(bare);
  }
  envelope.queue_id = flags->Flag("queue-id");
  auto parsed = ParseMessageText(*text, std::move(envelope));
  if (!parsed.ok()) {
    return ExplainUsage(ctx, flags->positional[0] + ": " + parsed.status().message());
  }
  // What the milter's Session drops (a forged DSN verdict) and adds.
  Message message(parsed->message.envelope());
  for (const HeaderField& field : parsed->message.headers()) {
    if (!EqualsIgnoreCase(field.name, kDsnStatusHeader)) message.AddHeader(field.name, field.value);
  }

  auto runtime = CompileSequenceRuntime(ctx.config.sequences);
  if (!runtime.ok()) return ExplainUsage(ctx, runtime.status().message());
  SetLoopMarker(ctx.config, *runtime);
  if (HasBounceRecipient(message.envelope(), *runtime)) {
    if (auto status = ParseDsnStatus(parsed->body)) message.AddHeader(kDsnStatusHeader, *status);
  }
  // Body conditions read the decoded text, as the milter's Session gives it.
  if (runtime->reads_body) {
    message.set_body_text(ExtractBodyText(message, parsed->body, runtime->body_limit));
  }

  // Read-only: LMDB's MDB_RDONLY, so the store cannot change, whatever runs.
  if (Status owner = BecomeStoreOwner(ctx.config.store.path); !owner.ok()) {
    ctx.err << "autoresponder-ctl: " << owner.message() << "\n";
    return kExplainStoreFailure;
  }
  StoreOptions options = ctx.config.store;
  options.read_only = true;
  auto store = Store::Open(options);
  if (!store.ok()) {
    ctx.err << "autoresponder-ctl: cannot read store " << options.path << ": "
            << store.status().ToString() << "\n";
    return kExplainStoreFailure;
  }

  std::ostream& out = ctx.out;
  out << "message from <" << PrintableLine(message.envelope().sender) << "> to";
  for (const std::string& rcpt : message.envelope().recipients)
    out << " <" << PrintableLine(rcpt) << ">";
  out << " at " << FormatIsoUtc(now) << "\n";

  RecordedTrail trail;
  // The responder logs nothing in Plan(); the logger is never written.
  CapturingLogger unused_logger;
  OutOfOfficeResponder responder(**store, unused_logger);
  auto plan = responder.Plan(message, ResponderSettingsFrom(ctx.config), now, &trail);
  if (!plan.ok()) {
    ctx.err << "autoresponder-ctl: cannot read store: " << plan.status().ToString() << "\n";
    return kExplainStoreFailure;
  }
  SequenceDecision sequences;
  if (runtime->enabled()) {
    sequences = DecideSequences(message, runtime->sequences, StoreStateView((*store)->sequences()),
                                runtime->settings, now, &trail);
  }

  out << "trail:\n";
  for (const std::string& line : trail.Lines()) out << "  " << PrintableLine(line) << "\n";

  out << "decision:\n";
  for (const Skip& skip : plan->skips) {
    out << "  no reply for " << PrintableLine(skip.user) << ": " << SkipReasonName(skip.reason)
        << (skip.detail.empty() ? "" : " " + PrintableLine(skip.detail)) << "\n";
  }
  for (const std::string& failure : plan->compose_failures)
    out << "  " << PrintableLine(failure) << "\n";
  for (const NewReply& reply : plan->replies) {
    out << "  reply to <" << PrintableLine(reply.envelope_recipient) << "> for "
        << PrintableLine(reply.user) << "\n";
  }
  const size_t sequence_actions = sequences.exits.size() + sequences.enrols.size() +
                                  sequences.engagements.size() + sequences.suppressions.size() +
                                  sequences.soft_bounces.size() +
                                  sequences.consume_recipients.size();
  const bool acts = !plan->replies.empty() || sequence_actions > 0;
  if (!acts) out << "  no action\n";

  for (size_t i = 0; i < plan->replies.size() && i < plan->plans.size(); ++i) {
    out << "\n";
    PrintReply(out, plan->plans[i], plan->replies[i]);
  }
  if (sequence_actions > 0) {
    out << "\n";
    PrintSequenceDecision(ctx, sequences, now);
  }
  return acts ? kExplainWouldAct : kExplainNoAction;
}

}  // namespace ar
