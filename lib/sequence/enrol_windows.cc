#include "sequence/enrol_windows.h"

#include "message/address.h"
#include "sequence/client_network.h"

namespace ar {

std::vector<EnrolWindow> EnrolWindowsFor(const SequenceDefinition& definition,
                                         const Envelope& envelope, const RateLimit& global) {
  std::vector<EnrolWindow> windows;
  if (global.enabled()) windows.push_back({kEnrolScopeGlobal, "", "", global});
  if (definition.enrol_rate_limit.enabled()) {
    windows.push_back({kEnrolScopeSequence, definition.name, "", definition.enrol_rate_limit});
  }
  if (definition.enrol_source_limit.enabled()) {
    const std::string client = ClientSourceKey(envelope.client_address);
    if (!client.empty()) {
      windows.push_back(
          {kEnrolScopeClient, definition.name, client, definition.enrol_source_limit});
    }
    std::string_view sender = Trim(envelope.sender);
    if (sender.size() >= 2 && sender.front() == '<' && sender.back() == '>') {
      sender = sender.substr(1, sender.size() - 2);
    }
    const std::string normalized = NormalizeAddress(sender);
    if (!normalized.empty()) {
      windows.push_back(
          {kEnrolScopeSender, definition.name, normalized, definition.enrol_source_limit});
    }
  }
  return windows;
}

std::string_view EnrolLimitSetting(std::string_view scope) {
  if (scope == kEnrolScopeGlobal) return "sequence_enrol_rate_limit";
  if (scope == kEnrolScopeSequence) return "enrol_rate_limit";
  return "enrol_source_limit";
}

}  // namespace ar
