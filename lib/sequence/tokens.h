// Tokens: HMAC-SHA-256 (OpenSSL) under the configured secret key, so
// addresses and codes we hand out can be verified without trusting the mail
// that brings them back.
//   - PersonToken: 16 base32 characters naming a person; used in the VERP
//     envelope sender "bounces+TOKEN@domain" and the unsubscribe address
//     "unsubscribe+TOKEN@domain". The store maps token -> person; a token
//     that is not there (or not well-formed) is invalid.
//   - Coupon: a per-person code for (person, sequence, step) rendered into a
//     format where each 'X' becomes a base32 character, e.g. "CAM-XXXX-XXXX".
//     The MAC gives 52 characters; a format with more X's is cut off at the
//     52nd (the rest of the format is dropped). VerifyCoupon compares in
//     constant time, accepts the X positions in either case, and rejects
//     everything for a format without an X.
// Inputs are HMAC-ed with a label and NUL separators: PersonToken over
// "person\0" + NormalizeAddress(person), Coupon over "coupon\0" + normalised
// person + "\0" + sequence + "\0" + step. Should OpenSSL refuse the key (a
// FIPS provider and a short key), tokens and coupons come back "" and
// nothing verifies.
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ar {

std::string PersonToken(std::string_view key, std::string_view person);

// The token of a double opt-in confirmation: 16 base32 characters over
// "confirm\0" + normalised person + "\0" + sequence, used in
// "confirm+TOKEN@domain" and the confirm URL. The store maps it to the person
// like a PersonToken; the sequence is found by recomputing it.
std::string ConfirmToken(std::string_view key, std::string_view person, std::string_view sequence);

std::string Coupon(std::string_view key, std::string_view person, std::string_view sequence,
                   std::string_view step, std::string_view format);
bool VerifyCoupon(std::string_view key, std::string_view code, std::string_view person,
                  std::string_view sequence, std::string_view step, std::string_view format);

// "bounces" + "+" + token + "@" + domain.
std::string TaggedAddress(std::string_view local, std::string_view token, std::string_view domain);

// If address is "<local>+<TOKEN>@<domain>" with this local part (any case,
// any domain), returns the token (upper case). Otherwise nullopt.
std::optional<std::string> TokenFromTaggedAddress(std::string_view address, std::string_view local);

}  // namespace ar
