#include "milter/engine/codec.h"

#include <libmilter/mfdef.h>

namespace ar::milter_engine {

namespace {

uint32_t ReadUint32(std::string_view data, size_t at) {
  const auto* p = reinterpret_cast<const unsigned char*>(data.data() + at);
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

void AppendUint32(uint32_t value, std::string* out) {
  out->push_back(static_cast<char>((value >> 24) & 0xff));
  out->push_back(static_cast<char>((value >> 16) & 0xff));
  out->push_back(static_cast<char>((value >> 8) & 0xff));
  out->push_back(static_cast<char>(value & 0xff));
}

}  // namespace

std::optional<OptionRequest> DecodeOptionRequest(std::string_view data) {
  if (data.size() < MILTER_OPTLEN) return std::nullopt;
  return OptionRequest{ReadUint32(data, 0), ReadUint32(data, 4), ReadUint32(data, 8)};
}

std::optional<std::vector<std::string_view>> DecodeStrings(std::string_view data) {
  // libmilter's dec_argv: the data must end in NUL; each NUL ends a string.
  if (data.empty() || data.back() != '\0') return std::nullopt;
  std::vector<std::string_view> strings;
  size_t start = 0;
  while (start < data.size()) {
    size_t end = data.find('\0', start);
    strings.push_back(data.substr(start, end - start));
    start = end + 1;
  }
  return strings;
}

std::optional<MacroDefinitions> DecodeMacros(std::string_view data) {
  if (data.empty()) return std::nullopt;
  MacroDefinitions result;
  result.stage = data[0];
  if (data.size() == 1) return result;  // a stage without macros
  auto strings = DecodeStrings(data.substr(1));
  if (!strings) return std::nullopt;
  // Pairs of name and value; a name without value (odd count) is dropped
  // as libmilter drops it.
  for (size_t i = 0; i + 1 < strings->size(); i += 2)
    result.macros.emplace_back(std::string((*strings)[i]), std::string((*strings)[i + 1]));
  return result;
}

std::optional<ConnectInfo> DecodeConnect(std::string_view data) {
  size_t end = data.find('\0');
  if (end == std::string_view::npos || end + 1 >= data.size()) return std::nullopt;
  ConnectInfo info;
  info.hostname = std::string(data.substr(0, end));
  info.family = data[end + 1];
  if (info.family == SMFIA_UNKNOWN) return info;
  std::string_view rest = data.substr(end + 2);
  if (rest.size() < 3 || rest.back() != '\0') return std::nullopt;
  info.port = static_cast<uint16_t>((static_cast<unsigned char>(rest[0]) << 8) |
                                    static_cast<unsigned char>(rest[1]));
  info.address = std::string(rest.substr(2, rest.size() - 3));
  return info;
}

std::optional<std::pair<std::string_view, std::string_view>> DecodeHeader(std::string_view data) {
  auto strings = DecodeStrings(data);
  if (!strings || strings->size() != 2) return std::nullopt;
  return std::make_pair((*strings)[0], (*strings)[1]);
}

void EncodeReply(char code, std::string_view data, std::string* out) {
  AppendUint32(static_cast<uint32_t>(data.size() + 1), out);
  out->push_back(code);
  out->append(data);
}

void EncodeDeleteRecipient(std::string_view recipient, std::string* out) {
  std::string data(recipient);
  data.push_back('\0');
  EncodeReply(SMFIR_DELRCPT, data, out);
}

void EncodeOptionReply(uint32_t version, uint32_t actions, uint32_t steps,
                       const std::vector<std::pair<uint32_t, std::string>>& macros,
                       std::string* out) {
  std::string data;
  AppendUint32(version, &data);
  AppendUint32(actions, &data);
  AppendUint32(steps, &data);
  for (const auto& [stage, names] : macros) {
    AppendUint32(stage, &data);
    data.append(names);
    data.push_back('\0');
  }
  EncodeReply(SMFIC_OPTNEG, data, out);
}

}  // namespace ar::milter_engine
