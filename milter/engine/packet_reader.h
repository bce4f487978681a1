// PacketReader: splits the bytes of one milter connection into packets
// (4-byte big-endian length, command byte, data), however the bytes were cut
// by read(2). Memory stays bounded: a length above kMaxPacketLength or of
// zero is refused before any of its data is buffered.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ar::milter_engine {

struct Packet {
  char command = 0;
  std::string_view data;  // valid until the next Append() or Next()
};

class PacketReader {
 public:
  // Body chunks are at most 65535 bytes (MILTER_CHUNK_SIZE); 1 MiB covers
  // the largest data size an MTA may negotiate (SMFIP_MDS_1M) with slack.
  static constexpr size_t kMaxPacketLength = 1024 * 1024 + 1024;

  enum class Result { kPacket, kNeedMore, kMalformed };

  void Append(std::string_view bytes);
  // kMalformed is final: the connection must be closed.
  Result Next(Packet* packet);
  size_t buffered() const { return buffer_.size() - start_; }

 private:
  std::string buffer_;
  size_t start_ = 0;  // first byte not yet consumed
};

}  // namespace ar::milter_engine
