#include "compose/message_ids.h"

#include <openssl/evp.h>

#include "core/strings.h"

namespace ar {

namespace {

bool IsIdCharacter(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u > 0x20 && u < 0x7F && c != '<' && c != '>';
}

// "<ar.HEX@hostname>" with HEX the first 16 bytes of SHA-256(input); ""
// when SHA-256 is unavailable.
std::string HashedMessageId(std::string_view input, std::string_view hostname) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_length = 0;
  if (EVP_Digest(input.data(), input.size(), digest, &digest_length, EVP_sha256(), nullptr) != 1 ||
      digest_length < 16) {
    return "";
  }
  const std::string hex = HexEncode(std::string_view(reinterpret_cast<const char*>(digest), 16));
  return "<ar." + hex + "@" + std::string(hostname) + ">";
}

}  // namespace

std::vector<std::string> ExtractMessageIds(std::string_view text) {
  std::vector<std::string> ids;
  size_t i = 0;
  while ((i = text.find('<', i)) != std::string_view::npos) {
    size_t j = i + 1;
    while (j < text.size() && IsIdCharacter(text[j])) ++j;
    const bool closed = j < text.size() && text[j] == '>';
    const size_t length = j + 1 - i;
    if (closed && j > i + 1 && length <= kMaxMessageIdBytes)
      ids.emplace_back(text.substr(i, length));
    // A broken token ends where the scan stopped; a later '<' may still
    // start a good one.
    i = closed ? j + 1 : j;
  }
  return ids;
}

std::string InReplyToValue(std::string_view original_message_id) {
  std::vector<std::string> ids = ExtractMessageIds(original_message_id);
  return ids.empty() ? "" : ids.front();
}

std::string ReferencesValue(std::string_view original_references,
                            std::string_view original_message_id, size_t header_name_length) {
  std::vector<std::string> ids = ExtractMessageIds(original_references);
  const std::string parent = InReplyToValue(original_message_id);
  if (!parent.empty() && (ids.empty() || ids.back() != parent)) ids.push_back(parent);
  if (ids.size() > kMaxReferences) {
    std::vector<std::string> kept;
    kept.push_back(ids.front());
    kept.insert(kept.end(), ids.end() - (kMaxReferences - 1), ids.end());
    ids = std::move(kept);
  }
  std::string out;
  size_t line = header_name_length + 2;
  for (const std::string& id : ids) {
    if (!out.empty()) {
      // RFC 5322 section 2.1.1: fold before a line passes 78 octets.
      if (line + 1 + id.size() > 78) {
        out += "\r\n";
        line = 0;
      }
      out += ' ';
      ++line;
    }
    out += id;
    line += id.size();
  }
  return out;
}

std::string MakeReplyMessageId(std::string_view user, uint64_t generation,
                               std::string_view dedupe_sender, TimePoint now,
                               std::string_view hostname) {
  // Fields are NUL-separated so that ("ab","c") and ("a","bc") differ.
  std::string input;
  input.append(user).push_back('\0');
  input.append(std::to_string(generation)).push_back('\0');
  input.append(dedupe_sender).push_back('\0');
  input.append(std::to_string(ToUnixSeconds(now))).push_back('\0');
  input.append(hostname);
  return HashedMessageId(input, hostname);
}

std::string MakeStepMessageId(std::string_view person, std::string_view sequence,
                              std::string_view version, uint32_t step, TimePoint enrolled_at,
                              std::string_view hostname) {
  // A leading tag keeps step ids apart from reply ids even for equal fields.
  std::string input = "sequence-step";
  input.push_back('\0');
  input.append(person).push_back('\0');
  input.append(sequence).push_back('\0');
  input.append(version).push_back('\0');
  input.append(std::to_string(step)).push_back('\0');
  input.append(std::to_string(ToUnixSeconds(enrolled_at))).push_back('\0');
  input.append(hostname);
  return HashedMessageId(input, hostname);
}

}  // namespace ar
