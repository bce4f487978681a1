#include "sequence/engagement.h"

#include <algorithm>

#include "core/strings.h"
#include "policy/automatic_signals.h"
#include "policy/header_syntax.h"

namespace ar {
namespace {

bool IsIdCharacter(char c) {
  const unsigned char u = static_cast<unsigned char>(c);
  return u > 0x20 && u != 0x7f && c != '<' && c != '>';
}

// Appends each "<...>" of value to ids (RFC 5322 section 3.6.4 msg-id),
// keeping the order and skipping duplicates and malformed ones.
void CollectIds(std::string_view value, std::vector<std::string>* ids) {
  size_t pos = 0;
  while (ids->size() < kMaxReferencedMessageIds) {
    const size_t open = value.find('<', pos);
    if (open == std::string_view::npos) return;
    const size_t close = value.find('>', open + 1);
    if (close == std::string_view::npos) return;
    const std::string_view inner = value.substr(open + 1, close - open - 1);
    pos = close + 1;
    if (inner.empty() || !std::all_of(inner.begin(), inner.end(), IsIdCharacter)) continue;
    std::string id = "<" + std::string(inner) + ">";
    if (std::find(ids->begin(), ids->end(), id) == ids->end()) ids->push_back(std::move(id));
  }
}

// The de-facto "I am an automatic answer" fields; "no" keeps its meaning.
bool SaysYes(std::string_view value) { return !EqualsIgnoreCase(FirstKeyword(value), "no"); }

}  // namespace

std::vector<std::string> ReferencedMessageIds(const Message& message) {
  std::vector<std::string> ids;
  for (std::string_view value : message.All("In-Reply-To")) CollectIds(value, &ids);
  for (std::string_view value : message.All("References")) CollectIds(value, &ids);
  return ids;
}

bool IsAutomaticMessage(const Message& message) {
  for (std::string_view value : message.All("Auto-Submitted")) {
    if (IsAutoSubmittedValue(value)) return true;
  }
  for (std::string_view value : message.All("Precedence")) {
    if (EqualsIgnoreCase(FirstKeyword(value), "auto_reply")) return true;
  }
  for (std::string_view name : {"X-Autoreply", "X-Autorespond"}) {
    for (std::string_view value : message.All(name)) {
      if (SaysYes(value)) return true;
    }
  }
  for (std::string_view value : message.All("Content-Type")) {
    if (IsReportContentType(value)) return true;
  }
  return false;
}

bool IsAutoReplied(const Message& message) {
  for (std::string_view value : message.All("Auto-Submitted")) {
    if (EqualsIgnoreCase(FirstKeyword(value), "auto-replied")) return true;
  }
  return false;
}

}  // namespace ar
