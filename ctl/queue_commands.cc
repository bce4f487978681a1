#include "ctl/queue_commands.h"

#include <charconv>
#include <map>
#include <optional>
#include <ostream>
#include <utility>

#include "compose/message_preview.h"
#include "config/options_table.h"
#include "ctl/json_output.h"
#include "ctl/output_format.h"
#include "ctl/sequence_catalogue.h"
#include "ctl/sequence_output.h"

namespace ar {

namespace {

constexpr size_t kDefaultLimit = 1000;

// The item id of "queue show/delete/retry/hold/release ID".
Result<uint64_t> ParseItemId(const std::string& text) {
  uint64_t id = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || id == 0) {
    return Status::InvalidArgument("'" + PrintableLine(text) +
                                   "' is not an item id (the ID column of queue list)");
  }
  return id;
}

// Step names come from the definition version the person is on, read once
// per version; "#N" when it cannot be found.
class StepLabels {
 public:
  explicit StepLabels(SequenceStore& sequences) : sequences_(sequences) {}
  std::string For(const QueueItem& item) {
    if (item.step == kConfirmationStep) return "(confirmation)";
    std::string label = "#" + std::to_string(static_cast<uint64_t>(item.step) + 1);
    if (item.kind != QueueItemKind::kSequenceStep) return label;
    auto enrolment = sequences_.GetEnrolment(item.user, item.sequence);
    if (!enrolment.ok() || !enrolment->has_value()) return label;
    auto key = std::make_pair(item.sequence, (*enrolment)->version);
    auto it = versions_.find(key);
    if (it == versions_.end()) {
      auto loaded = LoadStoredDefinition(sequences_, item.sequence, (*enrolment)->version);
      it = versions_.emplace(key, loaded.ok() ? std::optional(*loaded) : std::nullopt).first;
    }
    return StepLabel(it->second ? &*it->second : nullptr, item.step);
  }

 private:
  SequenceStore& sequences_;
  std::map<std::pair<std::string, std::string>, std::optional<SequenceDefinition>> versions_;
};

int ListItems(const CommandContext& ctx, const std::vector<std::string>& args, bool failed) {
  const std::string command = failed ? "queue failed" : "queue list";
  static const std::vector<ProgramFlag> flags = {
      {"limit", "print at most N items (default 1000)", true, false},
      {kJsonFlag, "print JSON", false, false}};
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
  StepLabels labels((*store)->sequences());
  if (parsed->Has(kJsonFlag)) {
    Json list = Json::array();
    for (const QueueItem& item : *items) list.push_back(QueueItemJson(item, labels.For(item)));
    PrintJson(ctx.out, list);
    return kExitOk;
  }
  if (items->empty()) return kExitOk;
  ctx.out << (failed ? FailedListHeader() : QueueListHeader());
  for (const QueueItem& item : *items) {
    ctx.out << (failed ? FormatFailedLine(item, labels.For(item)) : FormatQueueLine(item));
  }
  return kExitOk;
}

int ShowItem(const CommandContext& ctx, const std::vector<std::string>& args) {
  static const std::vector<ProgramFlag> flags = {{kJsonFlag, "print JSON", false, false},
                                                 {"raw", "print the message as stored", false,
                                                  false}};
  auto parsed = ParseFlags(args, flags);
  if (!parsed.ok()) return UsageError(ctx, "queue show: " + parsed.status().message());
  if (parsed->positional.size() != 1) return UsageError(ctx, "queue show needs exactly ID");
  auto id = ParseItemId(parsed->positional[0]);
  if (!id.ok()) return UsageError(ctx, id.status().message());
  auto store = ctx.store();
  if (!store.ok()) return StoreFailure(ctx, store.status());
  auto found = (*store)->FindQueueItem(*id);
  if (!found.ok()) return StoreFailure(ctx, found.status());
  if (!found->has_value()) {
    return Failure(ctx, "no item " + std::to_string(*id) + " in the queue or the failed list");
  }
  const QueueItem& item = **found;
  StepLabels labels((*store)->sequences());
  const std::string label = labels.For(item);
  if (parsed->Has(kJsonFlag)) {
    Json out = QueueItemJson(item, label);
    out["message"] = item.message.empty() ? Json(nullptr) : Json(item.message);
    PrintJson(ctx.out, out);
    return kExitOk;
  }
  ctx.out << FormatItemDetails(item, label);
  if (item.message.empty()) {
    ctx.out << "message: - (a sequence step is composed when it is sent; see sequence render)\n";
  } else if (parsed->Has("raw")) {
    ctx.out << "message:\n" << PrintableText(item.message);
  } else {
    ctx.out << "message (decoded):\n" << PrintableText(DecodedMessagePreview(item.message));
  }
  return kExitOk;
}

// delete, retry, hold, release: "ID" or the one "all" switch the command has.
int ControlItems(const CommandContext& ctx, const std::vector<std::string>& args,
                 const std::string& verb) {
  const std::string command = "queue " + verb;
  std::vector<ProgramFlag> flags;
  std::string all_flag;
  if (verb == "delete") all_flag = "all-failed";
  if (verb == "retry") all_flag = "all";
  if (!all_flag.empty()) flags.push_back({all_flag, "every item", false, false});
  auto parsed = ParseFlags(args, flags);
  if (!parsed.ok()) return UsageError(ctx, command + ": " + parsed.status().message());
  const bool all = !all_flag.empty() && parsed->Has(all_flag);
  if (all ? !parsed->positional.empty() : parsed->positional.size() != 1) {
    return UsageError(ctx, command + " needs exactly ID" +
                               (all_flag.empty() ? "" : " or --" + all_flag));
  }
  std::optional<uint64_t> id;
  if (!all) {
    auto parsed_id = ParseItemId(parsed->positional[0]);
    if (!parsed_id.ok()) return UsageError(ctx, parsed_id.status().message());
    id = *parsed_id;
  }
  auto store = ctx.store();
  if (!store.ok()) return StoreFailure(ctx, store.status());
  Store& s = **store;
  const TimePoint now = ctx.clock.Now();
  if (all) {
    auto count = verb == "delete" ? s.DeleteAllFailed() : s.RetryAllNow(now);
    if (!count.ok()) return StoreFailure(ctx, count.status());
    ctx.out << (verb == "delete" ? "deleted " : "due now: ") << *count << " item"
            << (*count == 1 ? "" : "s") << "\n";
    return kExitOk;
  }
  Status done = verb == "delete"  ? s.DeleteQueueItem(*id, now)
                : verb == "retry" ? s.RetryNow(*id, now)
                : verb == "hold"  ? s.Hold(*id)
                                  : s.Release(*id);
  // A held or claimed item for retry is a refusal, not a usage error.
  if (!done.ok()) return Failure(ctx, command + " " + std::to_string(*id) + ": " + done.message());
  const std::string what = verb == "delete"  ? "deleted"
                           : verb == "retry" ? "due now"
                           : verb == "hold"  ? "held"
                                             : "released";
  ctx.out << "item " << *id << ": " << what << "\n";
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
  if (args.empty()) {
    return UsageError(ctx,
                      "queue needs a command: list, failed, show, delete, retry, hold, release");
  }
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (args[0] == "list") return ListItems(ctx, rest, false);
  if (args[0] == "failed") return ListItems(ctx, rest, true);
  if (args[0] == "show") return ShowItem(ctx, rest);
  if (args[0] == "delete" || args[0] == "retry" || args[0] == "hold" || args[0] == "release") {
    return ControlItems(ctx, rest, args[0]);
  }
  return UsageError(ctx, "unknown command 'queue " + PrintableLine(args[0]) + "'");
}

}  // namespace ar
