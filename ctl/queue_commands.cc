#include "ctl/queue_commands.h"

#include <charconv>
#include <map>
#include <optional>
#include <ostream>
#include <utility>

#include "config/options_table.h"
#include "ctl/output_format.h"
#include "ctl/sequence_catalogue.h"
#include "ctl/sequence_output.h"

namespace ar {

namespace {

constexpr size_t kDefaultLimit = 1000;

int ListItems(const CommandContext& ctx, const std::vector<std::string>& args, bool failed) {
  const std::string command = failed ? "queue failed" : "queue list";
  static const std::vector<ProgramFlag> flags = {
      {"limit", "print at most N items (default 1000)", true, false}};
  auto parsed = ParseFlags(args, flags);
  if (!parsed.ok()) return UsageError(ctx, command + ": " + parsed.status().message());
  if (!parsed->positional.empty()) return UsageError(ctx, command + " takes no arguments");
  size_t limit = kDefaultLimit;
  if (parsed->Has("limit")) {
    const std::string text = parsed->Flag("limit");
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), limit);
    if (error != std::errc() || end != text.data() + text.size() || limit == 0) {
      return UsageError(ctx, "--limit must be a positive number");
    }
  }
  auto store = ctx.store();
  if (!store.ok()) return StoreFailure(ctx, store.status());
  auto items = failed ? (*store)->ListFailed(limit) : (*store)->ListQueue(limit);
  if (!items.ok()) return Failure(ctx, items.status().ToString());
  if (!failed) {
    for (const QueueItem& item : *items) ctx.out << FormatQueueLine(item);
    return kExitOk;
  }
  // Step names come from the definition version the person is on, read
  // once per version; "#N" when it cannot be found.
  SequenceStore& sequences = (*store)->sequences();
  std::map<std::pair<std::string, std::string>, std::optional<SequenceDefinition>> versions;
  for (const QueueItem& item : *items) {
    std::string label = item.step == kConfirmationStep
                            ? std::string("(confirmation)")
                            : "#" + std::to_string(static_cast<uint64_t>(item.step) + 1);
    if (item.kind == QueueItemKind::kSequenceStep) {
      auto enrolment = sequences.GetEnrolment(item.user, item.sequence);
      if (enrolment.ok() && enrolment->has_value()) {
        auto key = std::make_pair(item.sequence, (*enrolment)->version);
        auto it = versions.find(key);
        if (it == versions.end()) {
          auto loaded = LoadStoredDefinition(sequences, item.sequence, (*enrolment)->version);
          it = versions.emplace(key, loaded.ok() ? std::optional(*loaded) : std::nullopt).first;
        }
        label = StepLabel(it->second ? &*it->second : nullptr, item.step);
      }
    }
    ctx.out << FormatFailedLine(item, label);
  }
  return kExitOk;
}

}  // namespace

int RunQueueCommand(const CommandContext& ctx, const std::vector<std::string>& args) {
  for (const std::string& arg : args) {
    if (arg == "--") break;
    if (arg == "--help" || arg == "-h") {
      ctx.out << UsageText();
      return kExitOk;
    }
  }
  if (args.empty()) return UsageError(ctx, "queue needs a command: list, failed");
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (args[0] == "list") return ListItems(ctx, rest, false);
  if (args[0] == "failed") return ListItems(ctx, rest, true);
  return UsageError(ctx, "unknown command 'queue " + PrintableLine(args[0]) + "'");
}

}  // namespace ar
