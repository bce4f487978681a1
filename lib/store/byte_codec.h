// ByteWriter and ByteReader: the primitive encodings of stored records
// (FORMAT.md, "Primitive encodings"): unsigned LEB128 varints, fixed 8-byte
// little-endian signed integers, and byte strings prefixed by their varint
// length.
//
// ByteReader reads untrusted bytes: every read checks the remaining length
// and reports truncation or an overlong varint as Corruption; it never reads
// past the end. Both are plain values; thread-compatible.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "core/clock.h"
#include "core/status.h"

namespace ar {

class ByteWriter {
 public:
  void PutByte(uint8_t b) { out_.push_back(static_cast<char>(b)); }
  void PutVarint(uint64_t v);
  void PutFixed64(int64_t v);
  void PutString(std::string_view s);

  const std::string& data() const { return out_; }
  std::string Release() { return std::move(out_); }

 private:
  std::string out_;
};

class ByteReader {
 public:
  // what names the record kind in error messages, e.g. "rule".
  ByteReader(std::string_view in, const char* what) : in_(in), what_(what) {}

  Status GetByte(uint8_t* b);
  Status GetVarint(uint64_t* v);
  // A varint that must fit in 32 bits.
  Status GetVarint32(uint32_t* v);
  Status GetFixed64(int64_t* v);
  Status GetString(std::string* s);
  // Corruption unless every byte has been consumed.
  Status ExpectEnd() const;

 private:
  Status Truncated() const;
  std::string_view in_;
  const char* what_;
};

// Helpers every record codec shares (FORMAT.md): the leading version byte,
// and times as 8-byte seconds since the epoch.
Status CheckVersion(ByteReader& in, uint8_t expected, const char* what);
Status GetTime(ByteReader& in, TimePoint* t);
void PutTime(ByteWriter& out, TimePoint t);

}  // namespace ar
