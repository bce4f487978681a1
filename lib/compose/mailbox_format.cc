#include "compose/mailbox_format.h"

#include "compose/encoded_word.h"
#include "core/strings.h"

namespace ar {

namespace {

bool IsAtext(char c) {
  if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos;
}

bool IsAscii(std::string_view s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) > 0x7E) return false;
  return true;
}

std::string QuotedString(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';  // quoted-pair, RFC 5322 section 3.2.1
    out += c;
  }
  out += '"';
  return out;
}

size_t LastLineLength(std::string_view s, size_t used_on_first_line) {
  const size_t nl = s.rfind('\n');
  return nl == std::string_view::npos ? used_on_first_line + s.size() : s.size() - nl - 1;
}

}  // namespace

bool IsSafeHostname(std::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  for (char c : host) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

std::string FormatDisplayName(std::string_view display_name, size_t used_on_first_line) {
  const std::string neutral = NeutralizeControls(display_name);
  const std::string name =
      TruncateUtf8Characters(RepairUtf8(Trim(neutral)), kMaxDisplayNameCharacters);
  if (name.empty()) return "";
  if (!IsAscii(name)) return EncodeAsWords(name, used_on_first_line);
  bool plain_phrase = name.find("=?") == std::string::npos;
  for (char c : name)
    if (!IsAtext(c) && c != ' ' && c != '\t') plain_phrase = false;
  return plain_phrase ? name : QuotedString(name);
}

std::string FormatMailbox(std::string_view display_name, std::string_view addr,
                          size_t header_name_length) {
  const size_t used = header_name_length + 2;
  std::string phrase = FormatDisplayName(display_name, used);
  if (phrase.empty()) return std::string(addr);
  const size_t angle_addr = addr.size() + 3;  // " <addr>"
  if (LastLineLength(phrase, used) + angle_addr > 78)
    return phrase + "\r\n <" + std::string(addr) + ">";
  return phrase + " <" + std::string(addr) + ">";
}

}  // namespace ar
