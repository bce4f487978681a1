#include "milter/engine/packet_reader.h"

#include <gtest/gtest.h>

#include "milter_bytes.h"

namespace ar::milter_engine {
namespace {

using testing::Packet;
using testing::Uint32;

TEST(PacketReader, PacketSplitIntoSingleBytesComesOutWhole) {
  const std::string bytes = Packet('L', std::string("Subject\0hi\0", 11));
  PacketReader reader;
  struct Packet packet;
  for (size_t i = 0; i + 1 < bytes.size(); ++i) {
    reader.Append(bytes.substr(i, 1));
    EXPECT_EQ(reader.Next(&packet), PacketReader::Result::kNeedMore) << i;
  }
  reader.Append(bytes.substr(bytes.size() - 1));
  ASSERT_EQ(reader.Next(&packet), PacketReader::Result::kPacket);
  EXPECT_EQ(packet.command, 'L');
  EXPECT_EQ(packet.data, std::string_view("Subject\0hi\0", 11));
  EXPECT_EQ(reader.buffered(), 0u);
}

TEST(PacketReader, SeveralPacketsInOneReadAndAPartialOne) {
  PacketReader reader;
  const std::string third = Packet('R', "<b@x>");
  reader.Append(Packet('M', "<a@x>") + Packet('A') + third.substr(0, 3));
  struct Packet packet;
  ASSERT_EQ(reader.Next(&packet), PacketReader::Result::kPacket);
  EXPECT_EQ(packet.command, 'M');
  EXPECT_EQ(packet.data, "<a@x>");
  ASSERT_EQ(reader.Next(&packet), PacketReader::Result::kPacket);
  EXPECT_EQ(packet.command, 'A');
  EXPECT_TRUE(packet.data.empty());
  EXPECT_EQ(reader.Next(&packet), PacketReader::Result::kNeedMore);
  reader.Append(third.substr(3));
  ASSERT_EQ(reader.Next(&packet), PacketReader::Result::kPacket);
  EXPECT_EQ(packet.data, "<b@x>");
}

TEST(PacketReader, ZeroLengthIsMalformed) {
  PacketReader reader;
  reader.Append(Uint32(0) + "xxxx");
  struct Packet packet;
  EXPECT_EQ(reader.Next(&packet), PacketReader::Result::kMalformed);
}

TEST(PacketReader, OversizeLengthIsRefusedBeforeItsData) {
  PacketReader reader;
  reader.Append(Uint32(PacketReader::kMaxPacketLength + 1) + "B");
  struct Packet packet;
  EXPECT_EQ(reader.Next(&packet), PacketReader::Result::kMalformed);
  PacketReader huge;
  huge.Append(Uint32(0xffffffffu));
  EXPECT_EQ(huge.Next(&packet), PacketReader::Result::kMalformed);
}

TEST(PacketReader, LargestAllowedPacketPasses) {
  PacketReader reader;
  std::string data(PacketReader::kMaxPacketLength - 1, 'x');
  reader.Append(Packet('B', data));
  struct Packet packet;
  ASSERT_EQ(reader.Next(&packet), PacketReader::Result::kPacket);
  EXPECT_EQ(packet.data.size(), data.size());
}

}  // namespace
}  // namespace ar::milter_engine
