#include "ctl/stats_command.h"

#include <algorithm>
#include <cstdio>
#include <ostream>

#include "config/options_table.h"
#include "ctl/json_output.h"
#include "ctl/output_format.h"
#include "ctl/store_error_command.h"
#include "metrics/exposition.h"
#include "metrics/metric_samples.h"
#include "metrics/textfile.h"

namespace ar {

namespace {

struct MetricsFile {
  const char* option;
  const std::string& path;
};

// The counters of one daemon's file. A file not configured or not written
// yet is a note, not a failure: the store's gauges are still worth printing.
Status ReadCounters(const CommandContext& ctx, const MetricsFile& file,
                    std::vector<Sample>* samples) {
  if (file.path.empty()) {
    ctx.err << "autoresponder-ctl: note: " << file.option << " is not set: no counters\n";
    return Status::Ok();
  }
  Result<std::string> text = ReadTextfile(file.path);
  if (!text.ok() && text.status().IsNotFound()) {
    ctx.err << "autoresponder-ctl: note: " << PrintableLine(file.path)
            << " does not exist yet: no counters\n";
    return Status::Ok();
  }
  if (!text.ok()) return text.status();
  Result<std::vector<Sample>> parsed = ParseExposition(*text);
  if (!parsed.ok())
    return Status::Corruption(PrintableLine(file.path) + ": " + parsed.status().message());
  for (Sample& sample : *parsed) {
    // The dispatcher's copy of the store gauges is a few seconds old; the
    // live ones computed here replace it.
    if (!IsStoreGauge(sample.name)) samples->push_back(std::move(sample));
  }
  return Status::Ok();
}

std::string LabelText(const Sample& sample) {
  std::string text;
  for (const Label& label : sample.labels) {
    if (!text.empty()) text += ",";
    text += label.value;
  }
  return PrintableLine(text);
}

std::string FormatLine(int indent, std::string_view name, double value) {
  char line[200];
  std::snprintf(line, sizeof line, "%*s%-*s %s\n", indent, "", 44 - indent,
                PrintableLine(name).c_str(), FormatSampleValue(value).c_str());
  return line;
}

// A metric without labels on one line ("queue_depth  2"); one with labels
// as a heading and one indented line per sample ("  list-header  3").
// Names lose the common prefix; samples of one metric stay together, in
// order of first appearance, as in the exposition format.
std::string FormatHuman(const std::vector<Sample>& samples) {
  constexpr std::string_view kPrefix = "autoresponder_";
  std::vector<std::string> names;
  for (const Sample& sample : samples) {
    if (std::find(names.begin(), names.end(), sample.name) == names.end())
      names.push_back(sample.name);
  }
  std::string out;
  for (const std::string& name : names) {
    std::string_view heading = name;
    if (heading.substr(0, kPrefix.size()) == kPrefix) heading.remove_prefix(kPrefix.size());
    bool headed = false;
    for (const Sample& sample : samples) {
      if (sample.name != name) continue;
      if (sample.labels.empty()) {
        out += FormatLine(0, heading, sample.value);
        continue;
      }
      if (!headed) out += PrintableLine(heading) + ":\n";
      headed = true;
      out += FormatLine(2, LabelText(sample), sample.value);
    }
  }
  return out;
}

}  // namespace

int RunStatsCommand(const CommandContext& ctx, const std::vector<std::string>& args) {
  static const std::vector<ProgramFlag> flags = {
      {"prometheus", "print the Prometheus text format", false, false},
      {kJsonFlag, "print JSON", false, false}};
  for (const std::string& arg : args) {
    if (arg == "--") break;
    if (arg == "--help" || arg == "-h") {
      ctx.out << UsageText();
      return kExitOk;
    }
  }
  auto parsed = ParseFlags(args, flags);
  if (!parsed.ok()) return UsageError(ctx, "stats: " + parsed.status().message());
  if (!parsed->positional.empty()) return UsageError(ctx, "stats takes no arguments");

  // A latched store failure goes first: the counters below may look
  // healthy again while follow-ups were lost.
  auto latched = ReadLatchedStoreError(ctx.config);
  if (!latched.ok()) {
    ctx.err << "autoresponder-ctl: note: cannot read store_error_file: "
            << PrintableLine(latched.status().ToString()) << "\n";
  } else if (*latched) {
    // Standard output would corrupt the Prometheus text format.
    (parsed->Has("prometheus") || parsed->Has(kJsonFlag) ? ctx.err : ctx.out)
        << FormatStoreErrorBanner(**latched);
  }

  std::vector<Sample> samples;
  for (const MetricsFile& file :
       {MetricsFile{"milter_metrics_file", ctx.config.milter_metrics_file},
        MetricsFile{"dispatcher_metrics_file", ctx.config.dispatcher_metrics_file}}) {
    Status read = ReadCounters(ctx, file, &samples);
    if (!read.ok()) return Failure(ctx, read.ToString());
  }
  auto store = ctx.store();
  if (!store.ok()) return StoreFailure(ctx, store.status());
  auto stats = (*store)->Stats();
  if (!stats.ok()) return Failure(ctx, stats.status().ToString());
  for (Sample& gauge : StoreGaugeSamples(*stats, ctx.clock.Now()))
    samples.push_back(std::move(gauge));

  if (parsed->Has(kJsonFlag)) {
    // {"samples": [{"name", "labels": {...}, "value"}], "store_error": ...}
    Json list = Json::array();
    for (const Sample& sample : samples) {
      Json labels = Json::object();
      for (const Label& label : sample.labels) labels[label.name] = label.value;
      list.push_back({{"name", sample.name}, {"labels", labels}, {"value", sample.value}});
    }
    Json document;
    document["samples"] = list;
    document["store_error_latched"] = latched.ok() && latched->has_value();
    PrintJson(ctx.out, document);
    return kExitOk;
  }
  ctx.out << (parsed->Has("prometheus") ? FormatExposition(samples) : FormatHuman(samples));
  return kExitOk;
}

}  // namespace ar
