#include "store/keys.h"

#include "core/strings.h"

namespace ar {

namespace {

void AppendBigEndian(uint64_t v, std::string& out) {
  for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

uint64_t ReadBigEndian(std::string_view bytes) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(bytes[i]);
  return v;
}

}  // namespace

std::string EncodeU64Key(uint64_t v) {
  std::string out;
  out.reserve(8);
  AppendBigEndian(v, out);
  return out;
}

std::optional<uint64_t> DecodeU64Key(std::string_view key) {
  if (key.size() != 8) return std::nullopt;
  return ReadBigEndian(key);
}

std::string EncodeDueKey(TimePoint due, uint64_t id) {
  int64_t seconds = ToUnixSeconds(due);
  std::string out;
  out.reserve(16);
  AppendBigEndian(seconds < 0 ? 0 : static_cast<uint64_t>(seconds), out);
  AppendBigEndian(id, out);
  return out;
}

std::optional<DueKey> DecodeDueKey(std::string_view key) {
  if (key.size() != 16) return std::nullopt;
  uint64_t seconds = ReadBigEndian(key.substr(0, 8));
  if (seconds > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
  return DueKey{FromUnixSeconds(static_cast<int64_t>(seconds)), ReadBigEndian(key.substr(8))};
}


std::string EncodeResponseKey(std::string_view user, std::string_view dedupe_sender) {
  std::string key = NormalizeAddress(user);
  key.push_back('\0');
  key += NormalizeAddress(dedupe_sender);
  return key;
}

}  // namespace ar
