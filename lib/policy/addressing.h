// "Is this user addressed?" and "is the sender this user?": address
// comparisons between a message and one user's addresses. Addresses are
// compared whole after NormalizeAddress, never as substrings, and display
// names never count (RFC 5230 section 4.5). Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "message/message.h"

namespace ar {

// True when the header name is one a user can be addressed in: To, Cc, Bcc,
// Resent-To, Resent-Cc, Resent-Bcc (case-insensitive).
bool IsRecipientHeader(std::string_view name);

// The first of user_addresses (as given) named by a recipient header,
// in header order, or nullopt when none is.
std::optional<std::string> FindAddressedUserAddress(const Message& message,
                                                    const std::vector<std::string>& user_addresses);

// True when the envelope sender or any From address is one of the user's.
// The dedupe form (BATV stripped) of the envelope sender is compared too.
bool SenderIsUser(const Message& message, const std::vector<std::string>& user_addresses);

}  // namespace ar
