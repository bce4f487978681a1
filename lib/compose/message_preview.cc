#include "compose/message_preview.h"

#include <iterator>
#include <sstream>

// A SYSTEM include, as in message_assembly.cc: mimetic warns under -Wall.
#include <mimetic/mimetic.h>

#include "message/charset.h"
#include "message/rfc2047.h"

namespace ar {

namespace {

std::string WithoutCarriageReturns(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c != '\r') out += c;
  }
  return out;
}

std::string Lower(std::string text) {
  for (char& c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return text;
}

std::string UndoTransferEncoding(const std::string& body, const std::string& encoding) {
  std::string out;
  if (encoding == "base64") {
    mimetic::Base64::Decoder decoder;
    decoder.process(body.begin(), body.end(), std::back_inserter(out));
    return out;
  }
  if (encoding == "quoted-printable") {
    mimetic::QP::Decoder decoder;
    decoder.process(body.begin(), body.end(), std::back_inserter(out));
    return out;
  }
  return body;  // 7bit, 8bit, binary
}

void AppendPart(const mimetic::MimeEntity& entity, std::string& out, int depth) {
  const mimetic::ContentType& type = entity.header().contentType();
  const std::string media = Lower(std::string(type.type().c_str())) + "/" +
                            Lower(std::string(type.subtype().c_str()));
  // Bounded: our own messages nest two levels (mixed > alternative).
  if (type.isMultipart() && depth < 8) {
    for (const mimetic::MimeEntity* part : entity.body().parts()) AppendPart(*part, out, depth + 1);
    return;
  }
  const std::string body = entity.body();
  const std::string decoded =
      UndoTransferEncoding(body, Lower(entity.header().contentTransferEncoding().str()));
  if (Lower(std::string(type.type().c_str())) != "text") {
    out += "[" + media + ", " + std::to_string(decoded.size()) + " bytes]\n";
    return;
  }
  std::string charset = Lower(type.param("charset"));
  if (charset.empty()) charset = "us-ascii";
  std::optional<std::string> utf8 = ConvertToUtf8(charset, decoded);
  out += "[" + media + "; " + charset + "]\n";
  out += WithoutCarriageReturns(utf8 ? *utf8 : decoded);
  if (!out.empty() && out.back() != '\n') out += '\n';
}

}  // namespace

std::string DecodedMessagePreview(std::string_view message) {
  const std::string text(message);
  mimetic::MimeEntity entity(text.begin(), text.end());
  std::string out;
  for (const mimetic::Field& field : entity.header()) {
    out += field.name() + ": " + WithoutCarriageReturns(DecodeHeaderText(field.value())) + "\n";
  }
  out += "\n";
  AppendPart(entity, out, 0);
  return out;
}

}  // namespace ar
