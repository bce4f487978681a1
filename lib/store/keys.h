// Keys of the Store's LMDB databases (FORMAT.md). Integers in keys are
// big-endian so that LMDB's bytewise key order is numeric order: the queue
// iterates in id order and the due index in (due time, id) order.
// Pure functions; thread-safe.
#pragma once

#include "message/address.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"

namespace ar {

// Keys of the meta database.
inline constexpr std::string_view kMetaFormatVersionKey = "format_version";
inline constexpr std::string_view kMetaNextQueueIdKey = "next_queue_id";

std::string EncodeU64Key(uint64_t v);
// nullopt unless key is exactly 8 bytes.
std::optional<uint64_t> DecodeU64Key(std::string_view key);

// The due index key: due seconds (8 bytes BE) followed by the id (8 bytes
// BE). Times before the epoch are stored as 0, so they sort first.
std::string EncodeDueKey(TimePoint due, uint64_t id);
struct DueKey {
  TimePoint due;
  uint64_t id = 0;
};
// nullopt unless key is exactly 16 bytes.
std::optional<DueKey> DecodeDueKey(std::string_view key);

// Keys hold addresses in NormalizeAddress() form (message/address.h):
// trimmed, ASCII lower case, so lookups are case-insensitive.

// The responses key: normalised user, a NUL byte, normalised dedupe sender.
std::string EncodeResponseKey(std::string_view user, std::string_view dedupe_sender);

}  // namespace ar
