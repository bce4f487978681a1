// Client addresses and networks, for the trigger condition
// `client = CIDR[, CIDR...]` and for counting enrolments per source
// (enrol_source_limit). The address is the MTA's {client_addr} macro:
// "192.0.2.7", "2001:db8::7", or Sendmail's "IPv6:2001:db8::7"; an
// IPv4-mapped IPv6 address (::ffff:192.0.2.7) is the IPv4 address.
//
// Plain values and pure functions; thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace ar {

struct IpAddress {
  bool v4 = true;
  std::array<uint8_t, 16> bytes{};  // v4: the first 4 bytes
};

struct IpNetwork {
  IpAddress base;  // host bits cleared
  int prefix = 0;  // 0-32 (v4) or 0-128 (v6)
};

// nullopt for anything that is not one address (names, "unknown", blanks).
std::optional<IpAddress> ParseIpAddress(std::string_view text);

// "192.0.2.0/24", "2001:db8::/32", or one address ("192.0.2.7" is /32).
// Host bits set below the prefix are refused: "192.0.2.7/24" is a typo for
// either the network or the host, and guessing wrong opens the trigger.
Result<IpNetwork> ParseIpNetwork(std::string_view text);
// "a, b c": each piece ParseIpNetwork; InvalidArgument naming the first bad one.
Result<std::vector<IpNetwork>> ParseIpNetworkList(std::string_view text);

std::string FormatIpNetwork(const IpNetwork& network);

bool NetworkContains(const IpNetwork& network, const IpAddress& address);

// The source an enrolment is counted against: the IPv4 address itself, or
// the /64 an IPv6 address is in ("2001:db8:1:2::/64"), since one host is
// given a whole /64 and can pick any address in it. "" when client_addr is
// not an address (local submission, a missing macro).
std::string ClientSourceKey(std::string_view client_addr);

}  // namespace ar
