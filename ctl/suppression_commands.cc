#include "ctl/suppression_commands.h"

#include <charconv>
#include <ostream>

#include "ctl/command_arguments.h"
#include "ctl/json_output.h"
#include "ctl/output_format.h"
#include "ctl/sequence_output.h"

namespace ar {

namespace {

constexpr size_t kDefaultLimit = 1000;

int List(const CommandContext& ctx, const std::vector<std::string>& args) {
  static const std::vector<ProgramFlag> kFlags = {
      {"limit", "print at most N suppressions (default 1000)", true, false},
      {kJsonFlag, "print JSON", false, false}};
  auto flags = ParseCommandArgs(args, kFlags, 0, "suppression list", "");
  if (!flags.ok()) return FromStatus(ctx, flags.status());
  size_t limit = kDefaultLimit;
  if (flags->Has("limit")) {
    const std::string text = flags->Flag("limit");
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), limit);
    if (error != std::errc() || end != text.data() + text.size() || limit == 0) {
      return UsageError(ctx, "--limit must be a positive number");
    }
  }
  auto store = ctx.store();
  if (!store.ok()) return StoreFailure(ctx, store.status());
  auto suppressions = (*store)->sequences().ListSuppressions(limit);
  if (!suppressions.ok()) return Failure(ctx, suppressions.status().ToString());
  if (flags->Has(kJsonFlag)) {
    Json list = Json::array();
    for (const Suppression& s : *suppressions) {
      list.push_back({{"person", s.person},
                      {"reason", s.reason},
                      {"at", TimeJson(s.at)},
                      {"soft_bounces", s.soft_bounces}});
    }
    PrintJson(ctx.out, list);
    return kExitOk;
  }
  if (!suppressions->empty()) ctx.out << SuppressionListHeader();
  for (const Suppression& s : *suppressions) ctx.out << FormatSuppressionLine(s);
  return kExitOk;
}

int Add(const CommandContext& ctx, const std::vector<std::string>& args) {
  static const std::vector<ProgramFlag> kFlags = {
      {"reason", "why (default \"manual\")", true, false}};
  auto flags = ParseCommandArgs(args, kFlags, 1, "suppression add", "one ADDRESS");
  if (!flags.ok()) return FromStatus(ctx, flags.status());
  auto person = ParsePersonAddress(flags->positional[0]);
  if (!person.ok()) return FromStatus(ctx, person.status());
  std::string reason = flags->Has("reason") ? flags->Flag("reason") : "manual";
  if (reason.empty() || PrintableLine(reason) != reason) {
    return UsageError(ctx, "--reason must be non-empty text on one line");
  }
  auto store = ctx.store();
  if (!store.ok()) return StoreFailure(ctx, store.status());
  SequenceStore& sequences = (*store)->sequences();
  auto existing = sequences.GetSuppression(*person);
  if (!existing.ok()) return Failure(ctx, existing.status().ToString());
  if (existing->has_value()) {
    ctx.out << *person << " is already suppressed (" << PrintableLine((*existing)->reason)
            << " since " << FormatIsoUtc((*existing)->at) << ")\n";
    return kExitOk;
  }
  Status suppressed = sequences.Suppress(*person, reason, ctx.clock.Now());
  if (!suppressed.ok()) return Failure(ctx, suppressed.ToString());
  ctx.out << "suppressed " << *person << " (" << reason
          << "): no sequence mail goes to them, their enrolments ended\n";
  return kExitOk;
}

int Remove(const CommandContext& ctx, const std::vector<std::string>& args) {
  auto flags = ParseCommandArgs(args, {}, 1, "suppression remove", "one ADDRESS");
  if (!flags.ok()) return FromStatus(ctx, flags.status());
  auto person = ParsePersonAddress(flags->positional[0]);
  if (!person.ok()) return FromStatus(ctx, person.status());
  auto store = ctx.store();
  if (!store.ok()) return StoreFailure(ctx, store.status());
  Status removed = (*store)->sequences().Unsuppress(*person);
  if (removed.IsNotFound()) return Failure(ctx, *person + " is not suppressed");
  if (!removed.ok()) return Failure(ctx, removed.ToString());
  ctx.out << "removed " << *person << " from the suppression list (ended enrolments stay ended)\n";
  return kExitOk;
}

}  // namespace

int RunSuppressionCommand(const CommandContext& ctx, const std::vector<std::string>& args) {
  if (AsksForHelp(args)) {
    ctx.out << UsageText();
    return kExitOk;
  }
  if (args.empty()) return UsageError(ctx, "suppression needs a command: list, add, remove");
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (args[0] == "list") return List(ctx, rest);
  if (args[0] == "add") return Add(ctx, rest);
  if (args[0] == "remove") return Remove(ctx, rest);
  return UsageError(ctx, "unknown command 'suppression " + PrintableLine(args[0]) + "'");
}

}  // namespace ar
