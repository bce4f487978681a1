// Sequence record codec: the versioned binary encodings of the values in the
// sequence databases (layouts in FORMAT.md, "Sequence databases"). Like
// record_codec.h: every record starts with a version byte, and decoding
// refuses unknown versions, truncation, trailing bytes and out-of-range
// fields with Corruption, never crashing on any input. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"
#include "sequence/enrolment.h"
#include "sequence/sequence_definition.h"

namespace ar {

// An enrolment as stored: the value plus the id of its queued step item in
// the queue (0 when none is queued), so an exit or a suppression can remove
// that item in the same transaction.
struct StoredEnrolment {
  Enrolment enrolment;
  uint64_t queued_step_id = 0;
};

std::string EncodeSequenceSource(const SequenceSource& source);
Result<SequenceSource> DecodeSequenceSource(std::string_view bytes);

std::string EncodeEnrolment(const StoredEnrolment& stored);
Result<StoredEnrolment> DecodeEnrolment(std::string_view bytes);

std::string EncodeSentMessageRef(const SentMessageRef& ref);
Result<SentMessageRef> DecodeSentMessageRef(std::string_view bytes);

std::string EncodeSuppression(const Suppression& suppression);
Result<Suppression> DecodeSuppression(std::string_view bytes);

// triggers_seen: when the trigger mail enrolled someone.
std::string EncodeTriggerSeen(TimePoint at);
Result<TimePoint> DecodeTriggerSeen(std::string_view bytes);

// enrol_windows: one rate-limit window (store/FORMAT.md, "enrol_windows").
struct EnrolWindowRecord {
  TimePoint start;     // the first enrolment the window counted
  Seconds length{0};   // the window's length when it was last written
  uint32_t count = 0;  // enrolments counted since start
};
std::string EncodeEnrolWindow(const EnrolWindowRecord& record);
Result<EnrolWindowRecord> DecodeEnrolWindow(std::string_view bytes);

// soft_bounces: the number of 4.x.x DSNs counted for a person not (yet)
// suppressed by them.
std::string EncodeSoftBounceCount(uint32_t count);
Result<uint32_t> DecodeSoftBounceCount(std::string_view bytes);

}  // namespace ar
