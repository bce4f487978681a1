#include "dispatch/step_variables.h"

#include <date/tz.h>

#include <exception>

#include "core/strings.h"
#include "message/address.h"
#include "sequence/timeline.h"
#include "sequence/tokens.h"

namespace ar {

namespace {

// YYYY-MM-DD in zone; UTC when the zone cannot be found (the timeline has
// already refused such a definition, so this is only a fallback).
std::string LocalDate(TimePoint t, const std::string& zone) {
  try {
    return date::format("%F", date::make_zoned(zone, t));
  } catch (const std::exception&) {
    return date::format("%F", t);
  }
}

std::string ReplaceAll(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

// The domain of the sequence's From address, where our tagged addresses
// live; an error when there is no key to sign tokens with or no such domain.
Result<std::string> SigningDomain(const SequenceDefinition& definition,
                                  const StepAddressSettings& settings) {
  if (settings.secret_key.empty())
    return Status::InvalidArgument("no secret key is configured (secret_key_file)");
  std::vector<Mailbox> from = ParseAddressList(definition.from);
  const std::string domain = from.size() == 1 ? DomainOf(from[0].address) : "";
  if (domain.empty())
    return Status::InvalidArgument("sequence " + definition.name +
                                   " has no From address with a domain");
  return domain;
}

}  // namespace

Result<StepAddresses> MakeStepAddresses(const SequenceDefinition& definition,
                                        const std::string& person,
                                        const StepAddressSettings& settings) {
  Result<std::string> found = SigningDomain(definition, settings);
  if (!found.ok()) return found.status();
  const std::string& domain = *found;
  StepAddresses out;
  out.token = PersonToken(settings.secret_key, person);
  if (out.token.empty()) return Status::InvalidArgument("the secret key cannot sign tokens");
  out.envelope_sender = TaggedAddress(settings.bounce_local_part, out.token, domain);
  out.unsubscribe_mailto = TaggedAddress(settings.unsubscribe_local_part, out.token, domain);
  if (!settings.unsubscribe_url.empty())
    out.unsubscribe_url = ReplaceAll(settings.unsubscribe_url, "{token}", out.token);
  return out;
}

Result<ConfirmAddresses> MakeConfirmAddresses(const SequenceDefinition& definition,
                                              const std::string& person,
                                              const StepAddressSettings& settings) {
  Result<std::string> found = SigningDomain(definition, settings);
  if (!found.ok()) return found.status();
  const std::string& domain = *found;
  ConfirmAddresses out;
  out.token = ConfirmToken(settings.secret_key, person, definition.name);
  if (out.token.empty()) return Status::InvalidArgument("the secret key cannot sign tokens");
  out.mailto = TaggedAddress(settings.confirm_local_part, out.token, domain);
  if (!settings.confirm_url.empty())
    out.url = ReplaceAll(settings.confirm_url, "{token}", out.token);
  return out;
}

std::string FirstName(const std::string& display_name) {
  const std::string_view name = Trim(display_name);
  const size_t end = name.find_first_of(" \t");
  return std::string(name.substr(0, end));
}

std::map<std::string, std::string> MakeStepVariables(const SequenceDefinition& definition,
                                                     const Enrolment& enrolment, size_t step,
                                                     const StepAddresses& addresses,
                                                     const std::string& secret_key, TimePoint now) {
  std::map<std::string, std::string> variables = enrolment.variables;
  const std::string zone = EffectiveTimeZone(definition, enrolment);
  const std::string step_name = step < definition.steps.size() ? definition.steps[step].name : "";
  variables["name"] = enrolment.display_name;
  variables["first_name"] = FirstName(enrolment.display_name);
  variables["email"] = enrolment.person;
  variables["coupon"] =
      Coupon(secret_key, enrolment.person, definition.name, step_name, definition.coupon_format);
  variables["unsubscribe_mailto"] = addresses.unsubscribe_mailto;
  variables["unsubscribe_url"] = addresses.unsubscribe_url;
  variables["enrolled_date"] = LocalDate(enrolment.enrolled_at, zone);
  variables["today"] = LocalDate(now, zone);
  return variables;
}

}  // namespace ar
