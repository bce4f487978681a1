// The per-person values of one sequence step: the addresses carrying the
// person's token (VERP envelope sender, unsubscribe mailto and URL) and the
// template variables (sequence_composer.h). Pure functions; thread-safe.
#pragma once

#include <map>
#include <string>

#include "core/clock.h"
#include "core/result.h"
#include "sequence/enrolment.h"
#include "sequence/sequence_definition.h"

namespace ar {

struct StepAddressSettings {
  std::string secret_key;
  std::string bounce_local_part = "bounces";
  std::string unsubscribe_local_part = "unsubscribe";
  std::string unsubscribe_url;  // "" or a URL in which "{token}" is replaced
  std::string confirm_local_part = "confirm";
  std::string confirm_url;      // "" or a URL in which "{token}" is replaced
};

struct StepAddresses {
  std::string token;               // PersonToken(secret_key, person)
  std::string envelope_sender;     // bounces+TOKEN@<domain of From>
  std::string unsubscribe_mailto;  // unsubscribe+TOKEN@<domain of From>
  std::string unsubscribe_url;     // "" or the URL with the token in it
};

// InvalidArgument when there is no key (or OpenSSL refuses it) or the
// definition's From has no usable domain.
Result<StepAddresses> MakeStepAddresses(const SequenceDefinition& definition,
                                        const std::string& person,
                                        const StepAddressSettings& settings);

// The enrolment's captured variables, then (winning over a capture of the
// same name, so a trigger mail cannot forge them): name, first_name, email,
// coupon (tokens.h Coupon for this step), unsubscribe_mailto,
// unsubscribe_url, enrolled_date and today (YYYY-MM-DD in the person's
// effective zone, timeline.h).
std::map<std::string, std::string> MakeStepVariables(const SequenceDefinition& definition,
                                                     const Enrolment& enrolment, size_t step,
                                                     const StepAddresses& addresses,
                                                     const std::string& secret_key, TimePoint now);

// "Ola" from "Ola Nordmann"; "" when there is no name.
std::string FirstName(const std::string& display_name);

// A double opt-in confirmation's address and link for (person, sequence):
// confirm+TOKEN@<domain of From> and confirm_url with the token, where
// TOKEN is ConfirmToken (tokens.h). InvalidArgument as MakeStepAddresses.
struct ConfirmAddresses {
  std::string token;
  std::string mailto;
  std::string url;  // "" when confirm_url is not set
};
Result<ConfirmAddresses> MakeConfirmAddresses(const SequenceDefinition& definition,
                                              const std::string& person,
                                              const StepAddressSettings& settings);

}  // namespace ar
