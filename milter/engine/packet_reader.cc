#include "milter/engine/packet_reader.h"

#include <cstdint>

namespace ar::milter_engine {

void PacketReader::Append(std::string_view bytes) {
  // Consumed packets are dropped only here, so views handed out by Next()
  // stay valid until the caller brings more bytes.
  if (start_ > 0) {
    buffer_.erase(0, start_);
    start_ = 0;
  }
  buffer_.append(bytes);
}

PacketReader::Result PacketReader::Next(Packet* packet) {
  if (buffered() < 4) return Result::kNeedMore;
  const auto* p = reinterpret_cast<const unsigned char*>(buffer_.data() + start_);
  const uint32_t length = (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) |
                          (uint32_t{p[2]} << 8) | uint32_t{p[3]};
  if (length == 0 || length > kMaxPacketLength) return Result::kMalformed;
  if (buffered() < 4 + size_t{length}) return Result::kNeedMore;
  packet->command = buffer_[start_ + 4];
  packet->data = std::string_view(buffer_).substr(start_ + 5, length - 1);
  start_ += 4 + size_t{length};
  return Result::kPacket;
}

}  // namespace ar::milter_engine
