// MessageVerdict: why a whole message gets no reply from anyone, as found by
// one of the message-level checks (sender_filters, automatic_signals,
// delivery_signals, authentication_results). A plain value.
#pragma once

#include <optional>
#include <string>

#include "policy/decision.h"

namespace ar {

struct MessageVerdict {
  SkipReason reason;
  std::string detail;  // e.g. the header name that triggered it
};

// nullopt: this check found no reason to stay silent.
using MaybeVerdict = std::optional<MessageVerdict>;

}  // namespace ar
