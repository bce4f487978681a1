#include "ctl/schedule_command.h"

#include <algorithm>
#include <map>
#include <optional>
#include <ostream>
#include <tuple>

#include "ctl/command_arguments.h"
#include "ctl/json_output.h"
#include "ctl/output_format.h"
#include "ctl/sequence_catalogue.h"
#include "ctl/sequence_commands.h"
#include "ctl/sequence_json.h"
#include "ctl/sequence_output.h"
#include "ctl/step_projection.h"
#include "ctl/when_parser.h"

namespace ar {

namespace {

constexpr size_t kMaxQueued = 1000000;

std::string FormatScheduleLine(const ScheduleEntry& entry, const std::string& zone_name) {
  const bool reply = entry.sequence.empty();
  return FormatCompactInZone(entry.due, zone_name) + "\t" + PrintableLine(entry.person) + "\t" +
         (reply ? "-" : PrintableLine(entry.sequence)) + "\t" + (reply ? "reply" : entry.step) +
         "\t" + (entry.projected ? "projected" : "queued") + "\n";
}

}  // namespace

int RunScheduleCommand(const CommandContext& ctx, const std::vector<std::string>& args) {
  if (AsksForHelp(args)) {
    ctx.out << UsageText();
    return kExitOk;
  }
  static const std::vector<ProgramFlag> kFlags = {
      {"from", "start of the span (WHEN)", true, false},
      {"to", "end of the span (WHEN; a date includes that day)", true, false},
      {"tz", "zone of WHEN and of the printed times (default UTC)", true, false},
      {kJsonFlag, "print JSON", false, false}};
  auto flags = ParseCommandArgs(args, kFlags, 0, "schedule", "");
  if (!flags.ok()) return FromStatus(ctx, flags.status());
  if (!flags->Has("from") || !flags->Has("to")) {
    return UsageError(ctx, "schedule needs --from WHEN and --to WHEN");
  }
  const std::string zone_name = flags->Has("tz") ? flags->Flag("tz") : "UTC";
  auto zone = LookupTimeZone(zone_name);
  if (!zone.ok()) return FromStatus(ctx, zone.status());
  auto from = ParseWhen(flags->Flag("from"), *zone, WhenRole::kStart);
  if (!from.ok()) return UsageError(ctx, "--from: " + from.status().message());
  auto to = ParseWhen(flags->Flag("to"), *zone, WhenRole::kEnd);
  if (!to.ok()) return UsageError(ctx, "--to: " + to.status().message());
  if (*to <= *from) return UsageError(ctx, "--to must be after --from");

  // Projections need the definitions; without a sequence_dir only the
  // queue is shown.
  std::vector<LoadedSequence> current;
  if (!ctx.config.sequences.directory.empty()) {
    auto loaded = LoadCurrentSequences(ctx.config);
    if (!loaded.ok()) return Failure(ctx, loaded.status().message());
    current = std::move(*loaded);
  }
  auto store = ctx.store();
  if (!store.ok()) return StoreFailure(ctx, store.status());
  SequenceStore& sequences = (*store)->sequences();

  std::vector<ScheduleEntry> lines;
  auto queued = sequences.ListDueBetween(*from, *to, kMaxQueued);
  if (!queued.ok()) return Failure(ctx, queued.status().ToString());
  // Step names come from each person's own version, read once per version.
  std::map<std::pair<std::string, std::string>, std::optional<SequenceDefinition>> versions;
  auto definition_of = [&](const std::string& sequence,
                           const std::string& version) -> const SequenceDefinition* {
    auto key = std::make_pair(sequence, version);
    auto it = versions.find(key);
    if (it == versions.end()) {
      auto loaded = LoadStoredDefinition(sequences, sequence, version);
      it = versions.emplace(key, loaded.ok() ? std::optional(*loaded) : std::nullopt).first;
    }
    return it->second ? &*it->second : nullptr;
  };
  for (const QueueItem& item : *queued) {
    ScheduleEntry line{item.due, item.envelope_recipient, "", "", item.id, false};
    if (item.kind == QueueItemKind::kSequenceStep) {
      line.sequence = item.sequence;
      line.step = item.step == kConfirmationStep ? std::string("(confirmation)")
                                                 : "#" + std::to_string(item.step + 1);
      auto enrolment = sequences.GetEnrolment(item.user, item.sequence);
      if (enrolment.ok() && enrolment->has_value()) {
        line.step = StepLabel(definition_of(item.sequence, (*enrolment)->version), item.step);
      }
    }
    lines.push_back(std::move(line));
  }
  for (const LoadedSequence& sequence : current) {
    auto members = sequences.ListMembers(sequence.definition.name, kMaxMembers);
    if (!members.ok()) return Failure(ctx, members.status().ToString());
    for (const Enrolment& enrolment : *members) {
      if (enrolment.state != EnrolmentState::kActive) continue;
      const SequenceDefinition* definition = definition_of(enrolment.sequence, enrolment.version);
      if (definition == nullptr) continue;
      for (const ProjectedStep& step : ProjectUpcomingSteps(*definition, enrolment)) {
        // The next step is in the queue and listed from there.
        if (step.queued || !step.due || *step.due < *from || *step.due >= *to) continue;
        lines.push_back(ScheduleEntry{*step.due, enrolment.person, enrolment.sequence,
                                      StepLabel(definition, static_cast<uint32_t>(step.step)),
                                      std::nullopt, true});
      }
    }
  }
  std::stable_sort(lines.begin(), lines.end(), [](const ScheduleEntry& a, const ScheduleEntry& b) {
    return std::tie(a.due, a.person, a.sequence) < std::tie(b.due, b.person, b.sequence);
  });
  if (flags->Has(kJsonFlag)) {
    Json list = Json::array();
    for (const ScheduleEntry& line : lines) list.push_back(ScheduleEntryJson(line));
    PrintJson(ctx.out, list);
    return kExitOk;
  }
  if (!lines.empty()) ctx.out << ScheduleHeader();
  for (const ScheduleEntry& line : lines) ctx.out << FormatScheduleLine(line, zone_name);
  return kExitOk;
}

}  // namespace ar
