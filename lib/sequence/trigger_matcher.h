// TriggerMatcher: the compiled (RE2) form of a TriggerSpec, and matching one
// message against it. Compile once per config load; Match is const and
// thread-safe.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "message/message.h"
#include "sequence/sequence_definition.h"

namespace ar {

struct TriggerMatch {
  std::string person;        // normalised address
  std::string display_name;  // decoded, may be ""
  // Named captures of every condition, plus "recipient_detail": the part
  // after '+' of the matched recipient's local part ("canon-eos-5d" for
  // leads+canon-eos-5d@shop.example), when a "recipient" condition matched.
  std::map<std::string, std::string> variables;
};

class TriggerMatcher {
 public:
  // InvalidArgument naming the bad pattern when one does not compile.
  static Result<std::shared_ptr<const TriggerMatcher>> Compile(const TriggerSpec& spec);
  ~TriggerMatcher();

  // nullopt when a condition fails, the direction does not fit, the client
  // is not in the trigger's client networks or not authenticated when it
  // must be, or the person's address is missing or unsafe (IsSafeAddress).
  std::optional<TriggerMatch> Match(const Message& message) const;

 private:
  TriggerMatcher() = default;
  // Whether the trigger's `client` condition (if any) admits the address.
  bool ClientAllowed(std::string_view client_address) const;
  struct Compiled;
  TriggerSpec spec_;
  std::vector<std::unique_ptr<Compiled>> conditions_;
};

}  // namespace ar
