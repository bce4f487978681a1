#include "ctl/coupon_command.h"

#include <ostream>

#include "core/strings.h"
#include "ctl/command_arguments.h"
#include "ctl/output_format.h"
#include "ctl/sequence_catalogue.h"
#include "sequence/tokens.h"

namespace ar {

namespace {

int Verify(const CommandContext& ctx, const std::vector<std::string>& args) {
  static const std::vector<ProgramFlag> kFlags = {
      {"person", "the address the coupon was made for", true, false},
      {"sequence", "the sequence", true, false},
      {"step", "the step (name or number)", true, false}};
  auto flags = ParseCommandArgs(args, kFlags, 1, "coupon verify", "one CODE");
  if (!flags.ok()) return FromStatus(ctx, flags.status());
  if (!flags->Has("person") || !flags->Has("sequence") || !flags->Has("step")) {
    return UsageError(ctx, "coupon verify needs --person, --sequence and --step");
  }
  auto person = ParsePersonAddress(flags->Flag("person"));
  if (!person.ok()) return FromStatus(ctx, person.status());
  const std::string name = flags->Flag("sequence");
  const std::string code(Trim(flags->positional[0]));
  if (ctx.config.sequences.secret_key.empty()) {
    return Failure(ctx, "no secret key is loaded (secret_key_file); cannot verify");
  }
  auto current = FindCurrentSequence(ctx.config, name);
  if (!current.ok()) return Failure(ctx, current.status().message());
  SequenceDefinition definition = current->definition;
  auto store = ctx.store();
  if (!store.ok()) return StoreFailure(ctx, store.status());
  SequenceStore& sequences = (*store)->sequences();
  auto enrolment = sequences.GetEnrolment(*person, name);
  if (!enrolment.ok()) return Failure(ctx, enrolment.status().ToString());
  if (enrolment->has_value() && (*enrolment)->version != definition.version) {
    auto entered = LoadStoredDefinition(sequences, name, (*enrolment)->version);
    if (!entered.ok()) return Failure(ctx, entered.status().message());
    definition = std::move(*entered);
  }
  auto step = FindStep(definition, flags->Flag("step"));
  if (!step.ok()) return FromStatus(ctx, step.status());
  const std::string& step_name = definition.steps[*step].name;
  if (VerifyCoupon(ctx.config.sequences.secret_key, code, *person, definition.name, step_name,
                   definition.coupon_format)) {
    ctx.out << "valid: " << PrintableLine(code) << " is " << *person << "'s coupon for "
            << definition.name << " step " << PrintableLine(step_name) << "\n";
    return kExitOk;
  }
  ctx.out << "not valid: " << PrintableLine(code) << " is not " << *person << "'s coupon for "
          << definition.name << " step " << PrintableLine(step_name) << "\n";
  return kExitFailure;
}

}  // namespace

int RunCouponCommand(const CommandContext& ctx, const std::vector<std::string>& args) {
  if (AsksForHelp(args)) {
    ctx.out << UsageText();
    return kExitOk;
  }
  if (args.empty()) return UsageError(ctx, "coupon needs a command: verify");
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (args[0] == "verify") return Verify(ctx, rest);
  return UsageError(ctx, "unknown command 'coupon " + PrintableLine(args[0]) + "'");
}

}  // namespace ar
