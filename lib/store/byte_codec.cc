#include "store/byte_codec.h"

#include "store/status_macros.h"

namespace ar {

void ByteWriter::PutVarint(uint64_t v) {
  while (v >= 0x80) {
    PutByte(static_cast<uint8_t>(v | 0x80));
    v >>= 7;
  }
  PutByte(static_cast<uint8_t>(v));
}

void ByteWriter::PutFixed64(int64_t v) {
  uint64_t u = static_cast<uint64_t>(v);
  for (int i = 0; i < 8; ++i) PutByte(static_cast<uint8_t>(u >> (8 * i)));
}

void ByteWriter::PutString(std::string_view s) {
  PutVarint(s.size());
  out_.append(s);
}

Status ByteReader::Truncated() const {
  return Status::Corruption(std::string(what_) + " record is truncated");
}

Status ByteReader::GetByte(uint8_t* b) {
  if (in_.empty()) return Truncated();
  *b = static_cast<uint8_t>(in_.front());
  in_.remove_prefix(1);
  return Status::Ok();
}

Status ByteReader::GetVarint(uint64_t* v) {
  uint64_t result = 0;
  // A u64 needs at most 10 groups of 7 bits; the tenth may carry only 1 bit.
  for (int shift = 0; shift < 70; shift += 7) {
    uint8_t b = 0;
    if (Status s = GetByte(&b); !s.ok()) return s;
    uint64_t bits = b & 0x7f;
    if (shift == 63 && bits > 1) break;
    result |= bits << shift;
    if ((b & 0x80) == 0) {
      *v = result;
      return Status::Ok();
    }
  }
  return Status::Corruption(std::string(what_) + " record has an overlong varint");
}

Status ByteReader::GetVarint32(uint32_t* v) {
  uint64_t wide = 0;
  if (Status s = GetVarint(&wide); !s.ok()) return s;
  if (wide > UINT32_MAX) {
    return Status::Corruption(std::string(what_) + " record has an out-of-range count");
  }
  *v = static_cast<uint32_t>(wide);
  return Status::Ok();
}

Status ByteReader::GetFixed64(int64_t* v) {
  if (in_.size() < 8) return Truncated();
  uint64_t u = 0;
  for (int i = 0; i < 8; ++i) u |= static_cast<uint64_t>(static_cast<uint8_t>(in_[i])) << (8 * i);
  in_.remove_prefix(8);
  *v = static_cast<int64_t>(u);
  return Status::Ok();
}

Status ByteReader::GetString(std::string* s) {
  uint64_t len = 0;
  if (Status st = GetVarint(&len); !st.ok()) return st;
  // Compare before converting: a hostile length must not wrap or allocate.
  if (len > in_.size()) return Truncated();
  s->assign(in_.substr(0, static_cast<size_t>(len)));
  in_.remove_prefix(static_cast<size_t>(len));
  return Status::Ok();
}

Status ByteReader::ExpectEnd() const {
  if (in_.empty()) return Status::Ok();
  return Status::Corruption(std::string(what_) + " record has trailing bytes");
}

Status CheckVersion(ByteReader& in, uint8_t expected, const char* what) {
  uint8_t version = 0;
  AR_RETURN_IF_ERROR(in.GetByte(&version));
  if (version != expected) {
    return Status::Corruption(std::string(what) + " record has unknown version " +
                              std::to_string(version));
  }
  return Status::Ok();
}

Status GetTime(ByteReader& in, TimePoint* t) {
  int64_t s = 0;
  AR_RETURN_IF_ERROR(in.GetFixed64(&s));
  *t = FromUnixSeconds(s);
  return Status::Ok();
}

void PutTime(ByteWriter& out, TimePoint t) { out.PutFixed64(ToUnixSeconds(t)); }

}  // namespace ar
