#include "milter/engine/negotiation.h"

#include <libmilter/mfapi.h>
#include <libmilter/mfdef.h>

#include <algorithm>

namespace ar::milter_engine {

const std::vector<std::pair<uint32_t, std::string>>& RequestedMacros() {
  // Postfix sends a stage's macros even for a step we skip (connect, HELO,
  // DATA, end of headers) and reads an empty list as "no request", i.e. its
  // whole milter_*_macros list. kNoMacro is a name no MTA defines: asking
  // for it makes the MTA send an empty macro packet at that stage.
  static const char kNoMacro[] = "{ar_none}";
  // MAIL: local or smtpd submission; the client's address and SMTP AUTH
  // login for the trigger conditions client and authenticated and the
  // per-source enrolment limits (Postfix answers {client_addr} at any
  // stage, not only at connect). EOM: the queue id for logs.
  static const char kMailMacros[] = "{mail_mailer} {client_addr} {auth_authen}";
  static const std::vector<std::pair<uint32_t, std::string>> macros = {
      {SMFIM_CONNECT, kNoMacro}, {SMFIM_HELO, kNoMacro}, {SMFIM_ENVFROM, kMailMacros},
      {SMFIM_ENVRCPT, kNoMacro}, {SMFIM_DATA, kNoMacro}, {SMFIM_EOH, kNoMacro},
      {SMFIM_EOM, "i"},
  };
  return macros;
}

std::optional<Negotiated> Negotiate(const OptionRequest& mta, bool reads_body) {
  if (mta.version < 2) return std::nullopt;
  Negotiated ours;
  ours.version = std::min<uint32_t>(mta.version, SMFI_PROT_VERSION);
  // We never change a message; the one action we may need is removing a
  // control recipient. Every step we do not read is skipped, and MAIL, RCPT
  // and headers get no reply where the MTA allows it: the decision is made
  // at end of message. SMFIP_SKIP ends a body we do not need early.
  uint32_t skip = SMFIP_NOCONNECT | SMFIP_NOHELO | SMFIP_NOUNKNOWN | SMFIP_NODATA | SMFIP_NOEOH;
  if (!reads_body) skip |= SMFIP_NOBODY;
  const uint32_t noreply = SMFIP_NR_MAIL | SMFIP_NR_RCPT | SMFIP_NR_HDR;
  ours.actions = mta.actions & SMFIF_DELRCPT;
  ours.steps = mta.steps & (skip | noreply | (reads_body ? SMFIP_SKIP : 0));
  // Macro lists exist since version 6, for MTAs offering SMFIF_SETSYMLIST.
  if (ours.version >= 6 && (mta.actions & SMFIF_SETSYMLIST) != 0) {
    ours.actions |= SMFIF_SETSYMLIST;
    ours.macros = RequestedMacros();
  }
  return ours;
}

}  // namespace ar::milter_engine
