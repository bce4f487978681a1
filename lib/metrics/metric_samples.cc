#include "metrics/metric_samples.h"

#include <algorithm>

namespace ar {

namespace {

constexpr const char* kDecisions = "autoresponder_decisions_total";
constexpr const char* kReplies = "autoresponder_replies_total";
constexpr const char* kInternalErrors = "autoresponder_internal_errors_total";
constexpr const char* kUnrecorded = "autoresponder_unrecorded_total";
constexpr const char* kStoreFull = "autoresponder_store_full_total";
constexpr const char* kSwept = "autoresponder_swept_total";
constexpr const char* kRateLimited = "autoresponder_sequence_rate_limited_total";
constexpr const char* kSequenceEnrolments = "autoresponder_sequence_enrolments_total";
constexpr const char* kSequenceStepsSent = "autoresponder_sequence_steps_sent_total";
constexpr const char* kSequenceExits = "autoresponder_sequence_exits_total";
constexpr const char* kSequenceUnconfirmed = "autoresponder_sequence_unconfirmed_total";
constexpr const char* kSequenceConfirmed = "autoresponder_sequence_confirmed_total";

constexpr const char* kStoreGauges[] = {
    "autoresponder_rules",
    "autoresponder_queue_depth",
    "autoresponder_queue_oldest_due_age_seconds",
    "autoresponder_failed_replies",
    "autoresponder_store_used_bytes",
    "autoresponder_store_map_size_bytes",
};

Sample Reply(const CounterSnapshot& counters, ReplyOutcome outcome) {
  return {kReplies,
          {{"outcome", ReplyOutcomeName(outcome)}},
          static_cast<double>(counters.replies[static_cast<size_t>(outcome)])};
}

Sample SequenceExit(const std::string& sequence, const SequenceCounts& counts,
                    SequenceExitReason reason) {
  return {kSequenceExits,
          {{"sequence", sequence}, {"reason", SequenceExitReasonName(reason)}},
          static_cast<double>(counts.exits[static_cast<size_t>(reason)])};
}

// The milter decides enrolments, confirmations and the exits a message
// causes; the dispatcher sends steps and ends enrolments when a step comes
// due. Exit reasons are split between them, so no series is in both files.
void AppendSequenceSamples(const CounterSnapshot& counters, MetricsProgram program,
                           std::vector<Sample>* samples) {
  for (const auto& [sequence, counts] : counters.sequences) {
    const std::vector<Label> labels = {{"sequence", sequence}};
    if (program == MetricsProgram::kMilter) {
      samples->push_back({kSequenceEnrolments, labels, static_cast<double>(counts.enrolments)});
      samples->push_back({kSequenceUnconfirmed, labels, static_cast<double>(counts.unconfirmed)});
      samples->push_back({kSequenceConfirmed, labels, static_cast<double>(counts.confirmed)});
      for (SequenceExitReason reason :
           {SequenceExitReason::kPurchase, SequenceExitReason::kReply,
            SequenceExitReason::kUnsubscribe, SequenceExitReason::kBounce})
        samples->push_back(SequenceExit(sequence, counts, reason));
    } else {
      samples->push_back({kSequenceStepsSent, labels, static_cast<double>(counts.steps_sent)});
      for (SequenceExitReason reason :
           {SequenceExitReason::kNoEngagement, SequenceExitReason::kExpiry})
        samples->push_back(SequenceExit(sequence, counts, reason));
    }
  }
}

}  // namespace

const char* MetricsProgramName(MetricsProgram program) {
  return program == MetricsProgram::kMilter ? "milter" : "dispatcher";
}

std::vector<Sample> CounterSamples(const CounterSnapshot& counters, MetricsProgram program) {
  std::vector<Sample> samples;
  if (program == MetricsProgram::kMilter) {
    samples.push_back(
        {kDecisions, {{"reason", "queued"}}, static_cast<double>(counters.decided_to_reply)});
    for (size_t i = 0; i < kSkipReasonCount; ++i) {
      samples.push_back({kDecisions,
                         {{"reason", SkipReasonName(static_cast<SkipReason>(i))}},
                         static_cast<double>(counters.skipped[i])});
    }
    samples.push_back(Reply(counters, ReplyOutcome::kQueued));
    samples.push_back({kUnrecorded, {}, static_cast<double>(counters.unrecorded)});
    samples.push_back({kStoreFull, {}, static_cast<double>(counters.store_full)});
    // Only series that happened: the label values are sequence names.
    for (const auto& [key, count] : counters.rate_limited) {
      samples.push_back({kRateLimited,
                         {{"sequence", key.first}, {"scope", key.second}},
                         static_cast<double>(count)});
    }
  } else {
    for (ReplyOutcome outcome :
         {ReplyOutcome::kSent, ReplyOutcome::kDeferred, ReplyOutcome::kFailed})
      samples.push_back(Reply(counters, outcome));
    for (SweptKind kind : kSweptKinds) {
      samples.push_back({kSwept,
                         {{"database", SweptKindName(kind)}},
                         static_cast<double>(counters.swept[static_cast<size_t>(kind)])});
    }
  }
  samples.push_back({kInternalErrors,
                     {{"program", MetricsProgramName(program)}},
                     static_cast<double>(counters.internal_errors)});
  AppendSequenceSamples(counters, program, &samples);
  return samples;
}

std::vector<Sample> StoreGaugeSamples(const StoreStats& stats, TimePoint now) {
  // Items not yet due (claimed ones, retries) are not late: age 0.
  Seconds oldest_due_age{0};
  if (stats.earliest_due && *stats.earliest_due < now) oldest_due_age = now - *stats.earliest_due;
  return {
      {kStoreGauges[0], {}, static_cast<double>(stats.rules)},
      {kStoreGauges[1], {}, static_cast<double>(stats.queued)},
      {kStoreGauges[2], {}, static_cast<double>(oldest_due_age.count())},
      {kStoreGauges[3], {}, static_cast<double>(stats.failed)},
      {kStoreGauges[4], {}, static_cast<double>(stats.used_bytes)},
      {kStoreGauges[5], {}, static_cast<double>(stats.map_size)},
  };
}

bool IsStoreGauge(std::string_view name) {
  return std::find(std::begin(kStoreGauges), std::end(kStoreGauges), name) !=
         std::end(kStoreGauges);
}

}  // namespace ar
