#include "policy/automatic_signals.h"

#include <array>
#include <string>

#include "core/strings.h"
#include "policy/header_syntax.h"

namespace ar {

namespace {

// RFC 2369 and RFC 2919 list fields. Any one of them means a list server
// handled the message, and RFC 3834 section 2 says not to answer lists.
constexpr std::array<std::string_view, 7> kListHeaders = {
    "List-Id",   "List-Help",  "List-Subscribe", "List-Unsubscribe",
    "List-Post", "List-Owner", "List-Archive"};

}  // namespace

bool IsAutoSubmittedValue(std::string_view value) {
  // RFC 3834 section 5: auto-submitted-field = "Auto-Submitted:" [CFWS]
  // auto-submitted *(CFWS optional-parameter). Only "no" means a human.
  return !EqualsIgnoreCase(FirstKeyword(value), "no");
}

bool IsBulkPrecedenceValue(std::string_view value) {
  std::string keyword = FirstKeyword(value);
  return EqualsIgnoreCase(keyword, "bulk") || EqualsIgnoreCase(keyword, "junk") ||
         EqualsIgnoreCase(keyword, "list");
}

bool SuppressesOutOfOffice(std::string_view value) {
  // [MS-OXCMAIL] 2.2.3.2.20: a comma separated list of DR, NDR, RN, NRN,
  // OOF, AutoReply, All. Only All and OOF concern us.
  for (const std::string& token : SplitTrimmed(value, ',')) {
    if (EqualsIgnoreCase(token, "All") || EqualsIgnoreCase(token, "OOF")) return true;
  }
  return false;
}

bool IsReportContentType(std::string_view value) {
  std::string stripped = StripComments(value);
  std::string_view media = stripped;
  media = Trim(media.substr(0, media.find(';')));
  // "multipart / report" with CFWS around the slash is legal, if rare.
  std::string compact;
  for (char c : media) {
    if (c != ' ' && c != '\t') compact.push_back(c);
  }
  return EqualsIgnoreCase(compact, "multipart/report");
}

MaybeVerdict FindAutomaticSignal(const Message& message) {
  for (std::string_view value : message.All("Auto-Submitted")) {
    if (IsAutoSubmittedValue(value)) {
      return MessageVerdict{SkipReason::kAutoSubmitted, "Auto-Submitted: " + LogExcerpt(value)};
    }
  }
  for (std::string_view name : kListHeaders) {
    if (message.Has(name)) return MessageVerdict{SkipReason::kListHeader, std::string(name)};
  }
  for (std::string_view value : message.All("Precedence")) {
    if (IsBulkPrecedenceValue(value)) {
      return MessageVerdict{SkipReason::kPrecedence,
                            "Precedence: " + LogExcerpt(FirstKeyword(value))};
    }
  }
  for (std::string_view value : message.All("X-Auto-Response-Suppress")) {
    if (SuppressesOutOfOffice(value)) {
      return MessageVerdict{SkipReason::kSuppressHeader,
                            "X-Auto-Response-Suppress: " + LogExcerpt(value)};
    }
  }
  for (std::string_view value : message.All("Content-Type")) {
    if (IsReportContentType(value)) {
      return MessageVerdict{SkipReason::kReport, "Content-Type: multipart/report"};
    }
  }
  return std::nullopt;
}

}  // namespace ar
