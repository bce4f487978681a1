#include "ctl/person_commands.h"

#include <ostream>

#include "ctl/command_arguments.h"
#include "ctl/json_output.h"
#include "ctl/output_format.h"
#include "ctl/sequence_catalogue.h"
#include "ctl/sequence_json.h"
#include "ctl/sequence_output.h"
#include "ctl/step_projection.h"

namespace ar {

namespace {

int Show(const CommandContext& ctx, const std::vector<std::string>& args) {
  static const std::vector<ProgramFlag> kFlags = {{kJsonFlag, "print JSON", false, false}};
  auto flags = ParseCommandArgs(args, kFlags, 1, "person show", "one ADDRESS");
  if (!flags.ok()) return FromStatus(ctx, flags.status());
  auto person = ParsePersonAddress(flags->positional[0]);
  if (!person.ok()) return FromStatus(ctx, person.status());
  auto store = ctx.store();
  if (!store.ok()) return StoreFailure(ctx, store.status());
  SequenceStore& sequences = (*store)->sequences();

  auto suppression = sequences.GetSuppression(*person);
  if (!suppression.ok()) return Failure(ctx, suppression.status().ToString());
  auto enrolments = sequences.ListEnrolments(*person);
  if (!enrolments.ok()) return Failure(ctx, enrolments.status().ToString());

  const bool json = flags->Has(kJsonFlag);
  Json enrolment_list = Json::array();
  if (!json) {
    ctx.out << "person: " << *person << "\n";
    if (suppression->has_value()) {
      const Suppression& s = **suppression;
      ctx.out << "suppressed: yes, " << PrintableLine(s.reason) << " since " << FormatIsoUtc(s.at)
              << "\n";
    } else {
      ctx.out << "suppressed: no\n";
    }
    if (enrolments->empty()) ctx.out << "enrolments: none\n";
  }
  for (const Enrolment& enrolment : *enrolments) {
    auto definition = LoadStoredDefinition(sequences, enrolment.sequence, enrolment.version);
    std::vector<ProjectedStep> upcoming;
    if (definition.ok()) upcoming = ProjectUpcomingSteps(*definition, enrolment);
    const SequenceDefinition* entered = definition.ok() ? &*definition : nullptr;
    const std::string problem = definition.ok() ? "" : definition.status().message();
    if (json) {
      enrolment_list.push_back(EnrolmentJson(enrolment, entered, problem, upcoming));
    } else {
      ctx.out << FormatEnrolmentDetails(enrolment, entered, problem, upcoming);
    }
  }
  if (json) PrintJson(ctx.out, PersonJson(*person, *suppression, enrolment_list));
  return kExitOk;
}

}  // namespace

int RunPersonCommand(const CommandContext& ctx, const std::vector<std::string>& args) {
  if (AsksForHelp(args)) {
    ctx.out << UsageText();
    return kExitOk;
  }
  if (args.empty()) return UsageError(ctx, "person needs a command: show");
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (args[0] == "show") return Show(ctx, rest);
  return UsageError(ctx, "unknown command 'person " + PrintableLine(args[0]) + "'");
}

}  // namespace ar
