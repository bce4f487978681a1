// The milter protocol's command decoders and reply encoders (protocol
// version 6, as libmilter and Postfix's milter8 speak it). Decoders return
// nullopt on data libmilter would refuse; the caller closes the connection.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ar::milter_engine {

struct OptionRequest {  // SMFIC_OPTNEG from the MTA
  uint32_t version = 0;
  uint32_t actions = 0;
  uint32_t steps = 0;
};

struct MacroDefinitions {  // SMFIC_MACRO
  char stage = 0;          // the command the macros belong to, e.g. SMFIC_MAIL
  std::vector<std::pair<std::string, std::string>> macros;
};

struct ConnectInfo {  // SMFIC_CONNECT
  std::string hostname;
  char family = 0;
  uint16_t port = 0;
  std::string address;
};

std::optional<OptionRequest> DecodeOptionRequest(std::string_view data);
std::optional<MacroDefinitions> DecodeMacros(std::string_view data);
std::optional<ConnectInfo> DecodeConnect(std::string_view data);
// HELO, MAIL, RCPT, UNKNOWN: NUL-terminated strings (MAIL and RCPT: the
// address first, then ESMTP arguments). At least one string.
std::optional<std::vector<std::string_view>> DecodeStrings(std::string_view data);
// HEADER: name and value, each NUL-terminated.
std::optional<std::pair<std::string_view, std::string_view>> DecodeHeader(std::string_view data);

// One reply packet: length, code, data.
void EncodeReply(char code, std::string_view data, std::string* out);
// SMFIR_DELRCPT: the address as the MTA gave it in RCPT, NUL-terminated.
void EncodeDeleteRecipient(std::string_view recipient, std::string* out);
// The SMFIC_OPTNEG answer; macros: (SMFIM_* stage, space-separated names).
void EncodeOptionReply(uint32_t version, uint32_t actions, uint32_t steps,
                       const std::vector<std::pair<uint32_t, std::string>>& macros,
                       std::string* out);

}  // namespace ar::milter_engine
