#include "metrics/exposition.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

#include "core/strings.h"

namespace ar {

namespace {

bool IsNameStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
}
bool IsNameChar(char c) { return IsNameStart(c) || (c >= '0' && c <= '9'); }

// Label values escape backslash, double quote and line feed (the format's
// only escapes); nothing else may break a line.
std::string EscapeLabelValue(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string FormatSampleLine(const Sample& sample) {
  std::string line = sample.name;
  if (!sample.labels.empty()) {
    line += '{';
    for (size_t i = 0; i < sample.labels.size(); ++i) {
      if (i > 0) line += ',';
      line += sample.labels[i].name + "=\"" + EscapeLabelValue(sample.labels[i].value) + "\"";
    }
    line += '}';
  }
  return line + " " + FormatSampleValue(sample.value) + "\n";
}

// A reader over one line that reports where it failed.
class LineParser {
 public:
  explicit LineParser(std::string_view line) : line_(line) {}

  bool AtEnd() const { return pos_ >= line_.size(); }
  void SkipBlanks() {
    while (pos_ < line_.size() && (line_[pos_] == ' ' || line_[pos_] == '\t')) ++pos_;
  }
  bool Consume(char c) {
    if (pos_ < line_.size() && line_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  Result<std::string> Name(const char* what) {
    const size_t start = pos_;
    if (pos_ < line_.size() && IsNameStart(line_[pos_])) {
      ++pos_;
      while (pos_ < line_.size() && IsNameChar(line_[pos_])) ++pos_;
    }
    if (pos_ == start) return Status::InvalidArgument(std::string("expected a ") + what);
    return std::string(line_.substr(start, pos_ - start));
  }
  Result<std::string> QuotedValue() {
    if (!Consume('"')) return Status::InvalidArgument("expected '\"' before a label value");
    std::string value;
    while (pos_ < line_.size()) {
      char c = line_[pos_++];
      if (c == '"') return value;
      if (c != '\\') {
        value += c;
        continue;
      }
      if (pos_ >= line_.size()) break;
      char escaped = line_[pos_++];
      if (escaped == 'n')
        value += '\n';
      else if (escaped == '\\' || escaped == '"')
        value += escaped;
      else
        return Status::InvalidArgument("unknown escape in a label value");
    }
    return Status::InvalidArgument("unterminated label value");
  }
  std::string_view Word() {
    const size_t start = pos_;
    while (pos_ < line_.size() && line_[pos_] != ' ' && line_[pos_] != '\t') ++pos_;
    return line_.substr(start, pos_ - start);
  }

 private:
  std::string_view line_;
  size_t pos_ = 0;
};

Result<double> ParseValue(std::string_view word) {
  if (word == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (word == "+Inf" || word == "Inf") return std::numeric_limits<double>::infinity();
  if (word == "-Inf") return -std::numeric_limits<double>::infinity();
  double value = 0;
  auto [end, error] = std::from_chars(word.data(), word.data() + word.size(), value);
  if (word.empty() || error != std::errc() || end != word.data() + word.size())
    return Status::InvalidArgument("not a number: '" + std::string(word) + "'");
  return value;
}

Result<Sample> ParseSampleLine(std::string_view line) {
  LineParser p(line);
  Sample sample;
  Result<std::string> name = p.Name("metric name");
  if (!name.ok()) return name.status();
  sample.name = std::move(*name);
  if (p.Consume('{')) {
    p.SkipBlanks();
    while (!p.Consume('}')) {
      Result<std::string> label = p.Name("label name");
      if (!label.ok()) return label.status();
      if (!p.Consume('=')) return Status::InvalidArgument("expected '=' after a label name");
      Result<std::string> value = p.QuotedValue();
      if (!value.ok()) return value.status();
      sample.labels.push_back({std::move(*label), std::move(*value)});
      p.SkipBlanks();
      if (p.Consume(',')) {
        p.SkipBlanks();
        continue;
      }
      if (!p.Consume('}')) return Status::InvalidArgument("expected ',' or '}' after a label");
      break;
    }
  }
  p.SkipBlanks();
  Result<double> value = ParseValue(p.Word());
  if (!value.ok()) return value.status();
  sample.value = *value;
  p.SkipBlanks();
  if (!p.AtEnd()) {
    // An optional timestamp in milliseconds; nothing may follow it.
    std::string_view timestamp = p.Word();
    int64_t ignored = 0;
    auto [end, error] =
        std::from_chars(timestamp.data(), timestamp.data() + timestamp.size(), ignored);
    p.SkipBlanks();
    if (error != std::errc() || end != timestamp.data() + timestamp.size() || !p.AtEnd())
      return Status::InvalidArgument("unexpected text after the value");
  }
  return sample;
}

}  // namespace

const std::vector<MetricInfo>& KnownMetrics() {
  static const std::vector<MetricInfo> metrics = {
      {"autoresponder_decisions_total", "counter",
       "Out-of-office decisions, one per away user and message: queued, or why no reply."},
      {"autoresponder_replies_total", "counter",
       "Replies by outcome: queued (milter), sent, deferred or failed (dispatcher)."},
      {"autoresponder_internal_errors_total", "counter",
       "Failures inside a program (store, composing, recording an outcome)."},
      {"autoresponder_unrecorded_total", "counter",
       "Messages let through whose follow-ups the store could not record (full, unwritable)."},
      {"autoresponder_store_full_total", "counter",
       "Of those, messages refused because the store reached store_map_size less store_reserve."},
      {"autoresponder_swept_total", "counter",
       "Records the dispatcher's retention sweep removed, by database."},
      {"autoresponder_sequence_rate_limited_total", "counter",
       "Trigger enrolments refused by a rate limit, by sequence and scope (global, sequence, "
       "client, sender)."},
      {"autoresponder_sequence_enrolments_total", "counter",
       "People enrolled in a sequence (by a trigger or a move), by sequence."},
      {"autoresponder_sequence_steps_sent_total", "counter",
       "Sequence steps the MTA accepted, by sequence."},
      {"autoresponder_sequence_exits_total", "counter",
       "Enrolments ended early, by sequence and reason (purchase, reply, unsubscribe, bounce, "
       "no-engagement, expiry)."},
      {"autoresponder_sequence_unconfirmed_total", "counter",
       "Double opt-in enrolments that began awaiting confirmation, by sequence."},
      {"autoresponder_sequence_confirmed_total", "counter",
       "Double opt-in enrolments confirmed by the person, by sequence."},
      {"autoresponder_rules", "gauge", "Out-of-office rules in the store."},
      {"autoresponder_queue_depth", "gauge", "Replies waiting in the queue to be sent."},
      {"autoresponder_queue_oldest_due_age_seconds", "gauge",
       "How long the earliest queued reply has been due; 0 when none is due."},
      {"autoresponder_failed_replies", "gauge", "Replies on the failed list."},
      {"autoresponder_store_used_bytes", "gauge", "Bytes of the store's data file in use."},
      {"autoresponder_store_map_size_bytes", "gauge", "The most the store may grow to, in bytes."},
  };
  return metrics;
}

const MetricInfo* FindMetric(std::string_view name) {
  for (const MetricInfo& info : KnownMetrics())
    if (name == info.name) return &info;
  return nullptr;
}

std::string FormatSampleValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (value == std::trunc(value) && std::fabs(value) < 1e15)
    return std::to_string(static_cast<int64_t>(value));
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.17g", value);
  return buffer;
}

std::string FormatExposition(const std::vector<Sample>& samples) {
  // The format wants all samples of one metric together, after its HELP
  // and TYPE: collect the names in order of first appearance.
  std::vector<std::string> names;
  for (const Sample& sample : samples) {
    bool seen = false;
    for (const std::string& name : names) seen = seen || name == sample.name;
    if (!seen) names.push_back(sample.name);
  }
  std::string out;
  for (const std::string& name : names) {
    if (const MetricInfo* info = FindMetric(name)) {
      out += "# HELP " + name + " " + info->help + "\n";
      out += "# TYPE " + name + " " + info->type + "\n";
    } else {
      out += "# TYPE " + name + " untyped\n";
    }
    for (const Sample& sample : samples)
      if (sample.name == name) out += FormatSampleLine(sample);
  }
  return out;
}

Result<std::vector<Sample>> ParseExposition(std::string_view text) {
  std::vector<Sample> samples;
  size_t line_number = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = Trim(text.substr(start, end - start));
    start = end + 1;
    ++line_number;
    if (line.empty() || line.front() == '#') continue;
    Result<Sample> sample = ParseSampleLine(line);
    if (!sample.ok())
      return Status::InvalidArgument("line " + std::to_string(line_number) + ": " +
                                     sample.status().message());
    samples.push_back(std::move(*sample));
  }
  return samples;
}

}  // namespace ar
