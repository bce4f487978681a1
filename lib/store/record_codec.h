// Record codec: the versioned binary encodings of the values the Store keeps
// (layouts in FORMAT.md). Every record starts with a version byte; decoding
// accepts only known versions and returns Corruption for an unknown version,
// truncated input, trailing bytes or out-of-range fields, never crashing on
// any input. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "policy/out_of_office_rule.h"
#include "store/store.h"

namespace ar {

// A queue item that will never be delivered, with the time it was given up.
struct FailedRecord {
  QueueItem item;
  TimePoint failed_at;
};

// A meta database value: 8 bytes, little-endian, unversioned.
std::string EncodeMetaU64(uint64_t v);
Result<uint64_t> DecodeMetaU64(std::string_view bytes);

std::string EncodeRule(const OutOfOfficeRule& rule);
Result<OutOfOfficeRule> DecodeRule(std::string_view bytes);

std::string EncodeResponse(const ResponseRecord& record);
Result<ResponseRecord> DecodeResponse(std::string_view bytes);

std::string EncodeQueueItem(const QueueItem& item);
Result<QueueItem> DecodeQueueItem(std::string_view bytes);

std::string EncodeFailed(const FailedRecord& record);
Result<FailedRecord> DecodeFailed(std::string_view bytes);

// claims: the due time a claimed item had before its claim; a fixed64,
// unversioned like a meta value.
std::string EncodeClaim(TimePoint previous_due);
Result<TimePoint> DecodeClaim(std::string_view bytes);

// person_sends: the last kMaxPersonSends send times of one person, oldest
// first. Encoding more keeps the newest; decoding more is Corruption.
inline constexpr size_t kMaxPersonSends = 16;
std::string EncodePersonSends(const std::vector<TimePoint>& sends);
Result<std::vector<TimePoint>> DecodePersonSends(std::string_view bytes);

}  // namespace ar
