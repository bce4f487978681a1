#include "sequence/control_mail.h"

#include <vector>

#include "core/strings.h"
#include "policy/header_syntax.h"

namespace ar {
namespace {

// "type / subtype" -> "type/subtype", lower case.
std::string MediaType(std::string_view piece) {
  std::string out;
  for (char c : ToLowerAscii(piece)) {
    if (c != ' ' && c != '\t') out.push_back(c);
  }
  return out;
}

bool IsDeliveryStatusPartType(std::string_view media_type) {
  return media_type == "message/delivery-status" || media_type == "message/global-delivery-status";
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// The header value of `line` when it is the field `name` ("Status"), else
// nullopt. RFC 5322 allows white space before the colon (obsolete syntax).
std::optional<std::string_view> FieldValue(std::string_view line, std::string_view name) {
  if (!StartsWithIgnoreCase(line, name)) return std::nullopt;
  std::string_view rest = line.substr(name.size());
  size_t i = 0;
  while (i < rest.size() && (rest[i] == ' ' || rest[i] == '\t')) ++i;
  if (i >= rest.size() || rest[i] != ':') return std::nullopt;
  return Trim(rest.substr(i + 1));
}

}  // namespace

bool IsDeliveryStatusContentType(std::string_view content_type) {
  const std::vector<std::string> pieces = SplitOutsideQuotes(StripComments(content_type), ';');
  if (pieces.empty() || MediaType(pieces[0]) != "multipart/report") return false;
  for (size_t i = 1; i < pieces.size(); ++i) {
    const size_t eq = pieces[i].find('=');
    if (eq == std::string::npos) continue;
    if (!EqualsIgnoreCase(Trim(std::string_view(pieces[i]).substr(0, eq)), "report-type")) continue;
    const std::string type = ToLowerAscii(Unquote(std::string_view(pieces[i]).substr(eq + 1)));
    return type == "delivery-status" || type == "global-delivery-status";
  }
  return false;
}

bool IsDeliveryStatusNotification(const Message& message) {
  const std::optional<std::string_view> content_type = message.First("Content-Type");
  return content_type.has_value() && IsDeliveryStatusContentType(*content_type);
}

bool IsWellFormedDsnStatus(std::string_view status) {
  // RFC 3464 section 2.3.4 / RFC 3463 section 2: class "." subject "." detail.
  if (status.size() < 5 || (status[0] != '2' && status[0] != '4' && status[0] != '5') ||
      status[1] != '.') {
    return false;
  }
  size_t i = 2;
  for (int part = 0; part < 2; ++part) {
    const size_t start = i;
    while (i < status.size() && IsDigit(status[i])) ++i;
    if (i == start || i - start > 3) return false;
    if (part == 0) {
      if (i >= status.size() || status[i] != '.') return false;
      ++i;
    }
  }
  return i == status.size();
}

bool IsTaggedControlAddress(std::string_view address, std::string_view local) {
  std::string_view a = Trim(address);
  if (a.size() >= 2 && a.front() == '<' && a.back() == '>') a = a.substr(1, a.size() - 2);
  const size_t at = a.rfind('@');
  if (local.empty() || at == std::string_view::npos) return false;
  const std::string_view local_part = a.substr(0, at);
  return local_part.size() > local.size() + 1 &&
         EqualsIgnoreCase(local_part.substr(0, local.size()), local) &&
         local_part[local.size()] == '+';
}

std::optional<std::string> ParseDsnStatus(std::string_view body) {
  enum class Where { kSearching, kPartHeaders, kPartContent };
  Where where = Where::kSearching;
  size_t pos = 0;
  while (pos < body.size()) {
    size_t end = body.find('\n', pos);
    if (end == std::string_view::npos) end = body.size();
    std::string_view line = body.substr(pos, end - pos);
    pos = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);

    switch (where) {
      case Where::kSearching: {
        // RFC 3464 section 2: the second part of the multipart/report is
        // message/delivery-status; we find it by its part header.
        const std::optional<std::string_view> value = FieldValue(line, "Content-Type");
        if (!value) break;
        const std::vector<std::string> pieces = SplitOutsideQuotes(StripComments(*value), ';');
        if (!pieces.empty() && IsDeliveryStatusPartType(MediaType(pieces[0]))) {
          where = Where::kPartHeaders;
        }
        break;
      }
      case Where::kPartHeaders:
        if (Trim(line).empty()) where = Where::kPartContent;
        break;
      case Where::kPartContent: {
        // The next MIME boundary ends the part (RFC 2046 section 5.1.1).
        if (line.substr(0, 2) == "--") return std::nullopt;
        const std::optional<std::string_view> value = FieldValue(line, "Status");
        if (!value) break;
        std::string_view code = *value;
        const size_t stop = code.find_first_of(" \t(;");
        if (stop != std::string_view::npos) code = code.substr(0, stop);
        if (IsWellFormedDsnStatus(code)) return std::string(code);
        break;
      }
    }
  }
  return std::nullopt;
}

}  // namespace ar
