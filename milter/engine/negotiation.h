// Negotiate: what we ask of the MTA, given what it offers in SMFIC_OPTNEG.
// The same choice as the libmilter adapter's negotiate callback
// (milter/milter_callbacks.cc), which also asks for the same macro lists:
// only the macros the filter reads, so the MTA sends nothing else.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "milter/engine/codec.h"

namespace ar::milter_engine {

struct Negotiated {
  uint32_t version = 0;
  uint32_t actions = 0;
  uint32_t steps = 0;
  std::vector<std::pair<uint32_t, std::string>> macros;  // (SMFIM_* stage, names)
};

// The macros we ask for, per SMFIM_* stage: {mail_mailer} at MAIL (local
// submission has none), i (the queue id) at end of message, and at every
// other stage a name no MTA defines, so that it sends nothing there.
const std::vector<std::pair<uint32_t, std::string>>& RequestedMacros();

// reads_body: sequences are configured, so mail to a bounce address needs
// its body. nullopt: a protocol version libmilter does not speak (< 2).
std::optional<Negotiated> Negotiate(const OptionRequest& mta, bool reads_body);

}  // namespace ar::milter_engine
