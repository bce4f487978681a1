// Fuzzes the sequence file parser: SplitSequenceFile (the lexical shape) and
// ParseSequence (the meaning: triggers, RE2 patterns, zones, steps, exits),
// with fixed templates. For a file that parses, the canonical spellings of
// `when`, `window`, the enrolment limits and the client networks must parse
// back to the same values.
//
// Input: the sequence file text. The templates "info.txt", "coupon.txt"
// (with "coupon.html") and "reminder.txt" exist.
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sequence/sequence_definition.h"
#include "sequence/sequence_file_parser.h"
#include "sequence/when_syntax.h"
#include "sequence/window_syntax.h"
#include "tests/fuzz/fuzz_property.h"

namespace ar {
namespace {

using fuzz::Require;

bool HasUpperAscii(std::string_view text) {
  for (char c : text) {
    if (c >= 'A' && c <= 'Z') return true;
  }
  return false;
}

bool IsSequenceName(std::string_view name) {
  if (name.empty() || !(std::islower(static_cast<unsigned char>(name[0])) ||
                        std::isdigit(static_cast<unsigned char>(name[0])))) {
    return false;
  }
  for (char c : name) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (!(std::islower(u) || std::isdigit(u) || c == '-')) return false;
  }
  return true;
}

SequenceSource Source(std::string_view text) {
  SequenceSource source;
  source.file_name = "fuzz.sequence";
  source.text = std::string(text);
  source.templates["info.txt"] = "Subject: Info for {{first_name}}\n\nHello {{name}}.\n";
  source.templates["coupon.txt"] =
      "Subject: Your coupon\nFrom: Shop <shop@shop.example>\nX-Campaign: spring\n\n"
      "Code: {{coupon}}\n{{#flag}}yes{{/flag}}\n";
  source.templates["coupon.html"] = "<p>Code: <b>{{coupon}}</b></p>\n";
  source.templates["reminder.txt"] = "Subject: Reminder\n\nStill there, {{first_name}}?\n";
  return source;
}

void CheckSplit(std::string_view text) {
  ParseErrors errors("fuzz.sequence");
  const std::vector<SequenceFileSection> sections = SplitSequenceFile(text, &errors);
  int last_line = 0;
  for (const SequenceFileSection& section : sections) {
    Require(!HasUpperAscii(section.kind), "a section kind is lower case");
    Require(section.line > last_line, "sections come in line order");
    last_line = section.line;
    for (const SequenceFileEntry& entry : section.entries) {
      Require(!HasUpperAscii(entry.key), "a key is lower case");
      Require(entry.line > last_line, "entries come in line order after their section");
      last_line = entry.line;
    }
  }
  for (const std::string& message : errors.messages()) {
    Require(message.starts_with("fuzz.sequence:"), "an error names the file");
  }
}

void CheckDefinition(const SequenceDefinition& definition, const SequenceSource& source) {
  Require(IsSequenceName(definition.name), "a sequence name is [a-z0-9][a-z0-9-]*");
  for (const RateLimit& limit : {definition.enrol_rate_limit, definition.enrol_source_limit}) {
    Result<RateLimit> again = ParseRateLimit(FormatRateLimit(limit));
    Require(again.ok() && *again == limit, "FormatRateLimit parses back to the same limit");
  }
  for (const IpNetwork& network : definition.trigger.clients) {
    Result<IpNetwork> again = ParseIpNetwork(FormatIpNetwork(network));
    Require(again.ok() && again->prefix == network.prefix && again->base.v4 == network.base.v4 &&
                again->base.bytes == network.base.bytes,
            "FormatIpNetwork parses back to the same network");
  }
  Require(definition.version == SequenceVersion(source), "the version is the source's hash");
  for (const StepSpec& step : definition.steps) {
    Require(IsSafeTemplateName(step.template_name), "a step names a safe template");
    Require(source.templates.count(step.template_name) == 1, "a step's template exists");
    Require(step.offset <= kMaxSequenceDuration && step.offset >= -kMaxSequenceDuration,
            "a step's offset is bounded");
    Result<StepWhen> when = ParseStepWhen(FormatStepWhen(step));
    Require(when.ok() && when->anchor == step.anchor && when->offset == step.offset &&
                (step.anchor != StepAnchor::kVariable || when->variable == step.anchor_variable),
            "FormatStepWhen parses back to the same step time");
    if (step.window) {
      Require(step.window->start_minute < step.window->end_minute, "a window opens before it closes");
      Result<SendWindow> window = ParseSendWindow(FormatSendWindow(*step.window));
      Require(window.ok() && window->weekdays == step.window->weekdays &&
                  window->start_minute == step.window->start_minute &&
                  window->end_minute == step.window->end_minute,
              "FormatSendWindow parses back to the same window");
    }
    Result<StepTemplate> parsed = ParseStepTemplate(step.template_name, source);
    Require(parsed.ok(), "a step's template parses");
  }
}

}  // namespace
}  // namespace ar

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ar;
  // Real sequence files are a few KB; past 64 KB only the splitter runs.
  const std::string_view text = fuzz::AsText(data, size);
  CheckSplit(text);
  if (size > 64 * 1024) return 0;
  const SequenceSource source = Source(text);
  Result<SequenceDefinition> definition = ParseSequence(source);
  if (definition.ok()) {
    CheckDefinition(*definition, source);
  } else {
    Require(!definition.status().message().empty(), "a refused file says why");
  }
  return 0;
}
