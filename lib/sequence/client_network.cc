#include "sequence/client_network.h"

#include <arpa/inet.h>

#include <cstring>

#include "core/strings.h"

namespace ar {

namespace {

constexpr std::array<uint8_t, 12> kMappedPrefix = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

int Width(const IpAddress& address) { return address.v4 ? 32 : 128; }

// Clears every bit at or after `prefix`.
IpAddress Masked(IpAddress address, int prefix) {
  for (int bit = prefix; bit < Width(address); ++bit) {
    address.bytes[static_cast<size_t>(bit / 8)] &= static_cast<uint8_t>(~(0x80u >> (bit % 8)));
  }
  return address;
}

std::string FormatAddress(const IpAddress& address) {
  char text[INET6_ADDRSTRLEN] = {};
  if (inet_ntop(address.v4 ? AF_INET : AF_INET6, address.bytes.data(), text, sizeof text) ==
      nullptr) {
    return "";
  }
  return text;
}

}  // namespace

std::optional<IpAddress> ParseIpAddress(std::string_view text) {
  std::string_view t = Trim(text);
  if (t.size() >= 2 && t.front() == '[' && t.back() == ']') t = t.substr(1, t.size() - 2);
  if (StartsWithIgnoreCase(t, "IPv6:")) t.remove_prefix(5);
  if (t.empty() || t.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  const std::string s(t);
  IpAddress address;
  if (inet_pton(AF_INET, s.c_str(), address.bytes.data()) == 1) return address;
  if (inet_pton(AF_INET6, s.c_str(), address.bytes.data()) != 1) return std::nullopt;
  address.v4 = false;
  if (std::memcmp(address.bytes.data(), kMappedPrefix.data(), kMappedPrefix.size()) == 0) {
    IpAddress v4;
    std::memcpy(v4.bytes.data(), address.bytes.data() + 12, 4);
    return v4;
  }
  return address;
}

Result<IpNetwork> ParseIpNetwork(std::string_view text) {
  const std::string_view t = Trim(text);
  const size_t slash = t.find('/');
  std::optional<IpAddress> address = ParseIpAddress(t.substr(0, slash));
  if (!address) {
    return Status::InvalidArgument("'" + std::string(t) +
                                   "' is not an address or network such as 192.0.2.0/24 or "
                                   "2001:db8::/32");
  }
  IpNetwork network;
  network.prefix = Width(*address);
  if (slash != std::string_view::npos) {
    const std::string_view digits = t.substr(slash + 1);
    int prefix = 0;
    bool ok = !digits.empty() && digits.size() <= 3;
    for (char c : digits) {
      ok = ok && c >= '0' && c <= '9';
      prefix = prefix * 10 + (c - '0');
    }
    if (!ok || prefix > Width(*address)) {
      return Status::InvalidArgument("'" + std::string(t) + "' has a bad prefix length (0-" +
                                     std::to_string(Width(*address)) + ")");
    }
    network.prefix = prefix;
  }
  network.base = Masked(*address, network.prefix);
  if (network.base.bytes != address->bytes) {
    return Status::InvalidArgument("'" + std::string(t) + "' has host bits set; write " +
                                   FormatIpNetwork(network) + " for the network");
  }
  return network;
}

Result<std::vector<IpNetwork>> ParseIpNetworkList(std::string_view text) {
  std::vector<IpNetwork> networks;
  std::string list(text);
  for (char& c : list) {
    if (c == ',' || c == '\t') c = ' ';
  }
  for (const std::string& piece : SplitTrimmed(list, ' ')) {
    Result<IpNetwork> network = ParseIpNetwork(piece);
    if (!network.ok()) return network.status();
    networks.push_back(*network);
  }
  if (networks.empty()) return Status::InvalidArgument("no address or network given");
  return networks;
}

std::string FormatIpNetwork(const IpNetwork& network) {
  return FormatAddress(network.base) + "/" + std::to_string(network.prefix);
}

bool NetworkContains(const IpNetwork& network, const IpAddress& address) {
  if (network.base.v4 != address.v4) return false;
  return Masked(address, network.prefix).bytes == network.base.bytes;
}

std::string ClientSourceKey(std::string_view client_addr) {
  std::optional<IpAddress> address = ParseIpAddress(client_addr);
  if (!address) return "";
  if (address->v4) return FormatAddress(*address);
  return FormatIpNetwork(IpNetwork{Masked(*address, 64), 64});
}

}  // namespace ar
