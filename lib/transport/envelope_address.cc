#include "transport/envelope_address.h"

namespace ar {

bool IsSafeEnvelopeAddress(std::string_view address, bool allow_empty) {
  if (address.empty()) return allow_empty;
  // RFC 5321 4.5.3.1.3: a path is at most 256 octets including the brackets.
  if (address.size() > 254) return false;
  for (char c : address) {
    unsigned char u = static_cast<unsigned char>(c);
    // Control characters include CR, LF and NUL; brackets would end the path.
    if (u < 0x20 || u == 0x7f || c == '<' || c == '>') return false;
  }
  return true;
}

}  // namespace ar
