#include "compose/readable_message.h"

#include <exception>
#include <iterator>
#include <sstream>

#include <mimetic/mimetic.h>

#include "compose/body_encoding.h"
#include "core/strings.h"
#include "message/rfc2047.h"
#include "message/transfer_decoding.h"

namespace ar {

namespace {

std::string WithoutCr(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text)
    if (c != '\r') out += c;
  return out;
}

std::string Unfold(std::string_view value) {
  std::string out;
  for (size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '\r' || value[i] == '\n') continue;
    out += value[i];
  }
  return out;
}

std::string DecodedBody(const mimetic::MimeEntity& part) {
  const std::string raw(part.body().begin(), part.body().end());
  const std::string mechanism = ToLowerAscii(part.header().contentTransferEncoding().mechanism());
  if (mechanism == "quoted-printable") return WithoutCr(DecodeQuotedPrintable(raw));
  if (mechanism == "base64") {
    std::string decoded;
    mimetic::Base64::Decoder decoder;
    decoder.process(raw.begin(), raw.end(), std::back_inserter(decoded));
    return WithoutCr(decoded);
  }
  return WithoutCr(raw);
}

void AppendParts(const mimetic::MimeEntity& entity, std::string& out, bool& first) {
  const mimetic::ContentType& type = entity.header().contentType();
  if (ToLowerAscii(type.type()) == "multipart") {
    for (const mimetic::MimeEntity* part : entity.body().parts()) AppendParts(*part, out, first);
    return;
  }
  const std::string name = ToLowerAscii(type.type()) + "/" + ToLowerAscii(type.subtype());
  if (!first) out += "\n--- " + name + " ---\n";
  first = false;
  if (ToLowerAscii(type.type()) != "text") {
    out += "(" + name + " part not shown)\n";
    return;
  }
  std::string body = DecodedBody(entity);
  if (!body.empty() && body.back() != '\n') body += '\n';
  out += body;
}

}  // namespace

Result<std::string> ReadableMessage(std::string_view message) {
  try {
    std::istringstream in{std::string(message)};
    mimetic::MimeEntity entity(in);
    std::string out;
    for (const mimetic::Field& field : entity.header()) {
      const std::string& name = field.name();
      if (StartsWithIgnoreCase(name, "Content-") || EqualsIgnoreCase(name, "MIME-Version"))
        continue;
      out += name + ": " + DecodeHeaderText(Unfold(field.value())) + "\n";
    }
    out += "\n";
    bool first = true;
    AppendParts(entity, out, first);
    return out;
  } catch (const std::exception& e) {
    return Status::InvalidArgument(std::string("cannot read the composed message: ") + e.what());
  }
}

}  // namespace ar
