// Base32 (RFC 4648 section 6, the upper-case alphabet A-Z 2-7) without
// padding, for tokens and codes that travel through mail addresses and are
// read aloud: no lower case, no 0/1/8/9 to confuse with O/I/B/g. Pure
// functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace ar {

// Encodes every 5 bits of bytes, most significant first, as one character;
// a last group of fewer than 5 bits is padded with zero bits (RFC 4648
// section 6). No '=' padding: the length is always known where we use it.
std::string Base32Encode(std::string_view bytes);

// True when every character is in the base32 alphabet (either case).
bool IsBase32(std::string_view text);

}  // namespace ar
