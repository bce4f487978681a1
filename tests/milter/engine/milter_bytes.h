// Builds milter packets as the MTA writes them, for the engine's tests.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ar::milter_engine::testing {

inline std::string Uint32(uint32_t v) {
  std::string s;
  for (int shift = 24; shift >= 0; shift -= 8) s.push_back(static_cast<char>((v >> shift) & 0xff));
  return s;
}

inline std::string Packet(char command, std::string_view data = {}) {
  return Uint32(static_cast<uint32_t>(data.size() + 1)) + command + std::string(data);
}

// NUL-terminated strings, one after another.
inline std::string Strings(std::initializer_list<std::string_view> parts) {
  std::string s;
  for (std::string_view p : parts) {
    s.append(p);
    s.push_back('\0');
  }
  return s;
}

}  // namespace ar::milter_engine::testing
