// Unguessable tokens for session ids and CSRF tokens: 32 bytes from
// OpenSSL's CSPRNG, as 64 lower-case hex digits. Thread-safe.
#pragma once

#include <string>

#include "core/result.h"

namespace ar {

// IoError when the generator cannot be seeded (never a weak token).
Result<std::string> RandomToken();

// Compares a and b in time that depends only on their lengths (a token
// check must not leak how many leading characters were right).
bool TokensEqual(const std::string& a, const std::string& b);

}  // namespace ar
