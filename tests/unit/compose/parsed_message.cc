#include "parsed_message.h"

#include <mimetic/mimetic.h>

#include <iterator>

#include "core/strings.h"

namespace ar::testing {

std::string ParsedMessage::Value(std::string_view name, int* count) const {
  std::string value;
  int n = 0;
  for (const auto& [field_name, field_value] : fields) {
    if (EqualsIgnoreCase(field_name, name)) {
      if (n == 0) value = field_value;
      ++n;
    }
  }
  if (count != nullptr) *count = n;
  return value;
}

std::vector<std::string> ParsedMessage::Names() const {
  std::vector<std::string> names;
  for (const auto& field : fields) names.push_back(field.first);
  return names;
}

ParsedMessage ParseMessage(std::string_view message) {
  ParsedMessage parsed;
  size_t pos = 0;
  while (pos < message.size()) {
    size_t eol = message.find("\r\n", pos);
    if (eol == std::string_view::npos) eol = message.size();
    const std::string_view line = message.substr(pos, eol - pos);
    pos = std::min(message.size(), eol + 2);
    if (line.empty()) {
      parsed.has_blank_line = true;
      break;
    }
    parsed.header_lines.emplace_back(line);
    if ((line[0] == ' ' || line[0] == '\t') && !parsed.fields.empty()) {
      parsed.fields.back().second += std::string(line);
      continue;
    }
    const size_t colon = line.find(':');
    std::string name(line.substr(0, colon == std::string_view::npos ? line.size() : colon));
    std::string value;
    if (colon != std::string_view::npos) {
      value = std::string(line.substr(colon + 1));
      if (!value.empty() && value[0] == ' ') value.erase(0, 1);
    }
    parsed.fields.emplace_back(std::move(name), std::move(value));
  }
  parsed.body = std::string(message.substr(pos));
  return parsed;
}

std::vector<std::string> EncodedWords(std::string_view value) {
  std::vector<std::string> words;
  size_t i = 0;
  while ((i = value.find("=?", i)) != std::string_view::npos) {
    // charset ? encoding ? text ?= : skip the two inner '?' first.
    size_t q1 = value.find('?', i + 2);
    size_t q2 = q1 == std::string_view::npos ? q1 : value.find('?', q1 + 1);
    size_t end = q2 == std::string_view::npos ? q2 : value.find("?=", q2 + 1);
    if (end == std::string_view::npos) break;
    words.emplace_back(value.substr(i, end + 2 - i));
    i = end + 2;
  }
  return words;
}

std::string DecodeBase64(std::string_view encoded) {
  std::string out;
  mimetic::Base64::Decoder decoder;
  decoder.process(encoded.begin(), encoded.end(), std::back_inserter(out));
  return out;
}

std::string DecodeBody(std::string_view encoded, std::string_view mechanism) {
  std::string out;
  if (EqualsIgnoreCase(mechanism, "base64")) return DecodeBase64(encoded);
  if (EqualsIgnoreCase(mechanism, "quoted-printable")) {
    mimetic::QP::Decoder decoder;
    std::string lf_lines;
    decoder.process(encoded.begin(), encoded.end(), std::back_inserter(lf_lines));
    // mimetic's decoder ends hard line breaks with LF alone; the canonical
    // form the composer encoded has CRLF (RFC 2045 section 6.7 rule 4).
    for (char c : lf_lines) {
      if (c == '\n' && (out.empty() || out.back() != '\r')) out += '\r';
      out += c;
    }
    return out;
  }
  return std::string(encoded);
}

}  // namespace ar::testing
