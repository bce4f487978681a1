#include "milter/milter_callbacks.h"

#include <libmilter/mfapi.h>

#include <new>
#include <optional>
#include <string>
#include <string_view>

#include "milter/engine/negotiation.h"
#include "milter/session.h"

namespace ar {

namespace {

// libmilter's callbacks are plain C functions; this is their only way back
// to the service. Set once before smfi_main() and never changed.
MilterService* g_service = nullptr;

// Per-connection state: the Session plus which steps the MTA agreed not to
// wait for a reply on (SMFIP_NR_*), since only those may return NOREPLY.
struct Connection {
  explicit Connection(MilterService& service) : session(service) {}
  Session session;
  bool noreply_mail = false;
  bool noreply_rcpt = false;
  bool noreply_header = false;
  bool can_skip_body = false;  // SMFIP_SKIP: the MTA lets us stop the body early
};

Connection* Get(SMFICTX* ctx) { return static_cast<Connection*>(smfi_getpriv(ctx)); }

// With SMFIP_NOCONNECT there is no connect callback: the state is created
// on first use and freed in close.
Connection* GetOrCreate(SMFICTX* ctx) {
  Connection* conn = Get(ctx);
  if (conn == nullptr) {
    conn = new (std::nothrow) Connection(*g_service);
    if (conn != nullptr) smfi_setpriv(ctx, conn);
  }
  return conn;
}

sfsistat Continue(bool noreply) { return noreply ? SMFIS_NOREPLY : SMFIS_CONTINUE; }

// In protocol 6 the MTA sends, at each stage, the macros the filter asks for
// instead of its configured list (Postfix: milter_*_macros). The lists are
// the engine's negotiation's, so both engines ask for the same. Failure
// only means the MTA's own lists stay in force, which costs bytes, not
// correctness.
void RequestMacros(SMFICTX* ctx, const std::vector<std::pair<uint32_t, std::string>>& macros) {
  for (const auto& [stage, names] : macros)
    smfi_setsymlist(ctx, static_cast<int>(stage), const_cast<char*>(names.c_str()));
}

sfsistat OnNegotiate(SMFICTX* ctx, unsigned long actions, unsigned long steps,
                     unsigned long /*f2*/, unsigned long /*f3*/, unsigned long* want_actions,
                     unsigned long* want_steps, unsigned long* pf2, unsigned long* pf3) {
  // The choice (actions, skipped steps, no-reply steps) is the engine's
  // negotiation, so both engines ask the MTA for the same thing; libmilter
  // speaks version 6 itself. Only the macro request is libmilter's own.
  const bool sequences = g_service->Snapshot()->sequences->enabled();
  const std::optional<milter_engine::Negotiated> ours = milter_engine::Negotiate(
      {SMFI_PROT_VERSION, static_cast<uint32_t>(actions), static_cast<uint32_t>(steps)},
      sequences);
  if (!ours) return SMFIS_ALL_OPTS;  // cannot happen at version 6; take what is offered
  *want_actions = ours->actions;
  *want_steps = ours->steps;
  *pf2 = 0;
  *pf3 = 0;
  if ((*want_actions & SMFIF_SETSYMLIST) != 0) RequestMacros(ctx, ours->macros);
  Connection* conn = GetOrCreate(ctx);
  if (conn != nullptr) {
    conn->noreply_mail = (*want_steps & SMFIP_NR_MAIL) != 0;
    conn->noreply_rcpt = (*want_steps & SMFIP_NR_RCPT) != 0;
    conn->noreply_header = (*want_steps & SMFIP_NR_HDR) != 0;
    conn->can_skip_body = (*want_steps & SMFIP_SKIP) != 0;
  }
  return SMFIS_CONTINUE;
}

sfsistat OnMailFrom(SMFICTX* ctx, char** argv) {
  Connection* conn = GetOrCreate(ctx);

  if (conn == nullptr) return SMFIS_ACCEPT;  // out of memory: never harm mail flow
  // Postfix's smtpd gives {mail_mailer} (we ask for it in OnNegotiate; it
  // is also in Postfix's default milter_mail_macros) as "smtp"; mail from
  // pickup (sendmail(1), local submission) has none.
  auto macro = [ctx](const char* name) {
    const char* value = smfi_getsymval(ctx, const_cast<char*>(name));
    return std::string(value != nullptr ? value : "");
  };
  SmtpClient client;
  client.local_submission = macro("{mail_mailer}").empty();
  client.address = macro("{client_addr}");
  client.authenticated_user = macro("{auth_authen}");
  conn->session.OnMailFrom(argv != nullptr && argv[0] != nullptr ? argv[0] : "", client);
  return Continue(conn->noreply_mail);
}

sfsistat OnRecipient(SMFICTX* ctx, char** argv) {
  Connection* conn = Get(ctx);
  if (conn == nullptr) return SMFIS_ACCEPT;
  if (argv != nullptr && argv[0] != nullptr) conn->session.OnRecipient(argv[0]);
  return Continue(conn->noreply_rcpt);
}

sfsistat OnHeader(SMFICTX* ctx, char* name, char* value) {
  Connection* conn = Get(ctx);
  if (conn == nullptr) return SMFIS_ACCEPT;
  conn->session.OnHeader(name != nullptr ? name : "", value != nullptr ? value : "");
  return Continue(conn->noreply_header);
}

sfsistat OnBody(SMFICTX* ctx, unsigned char* chunk, size_t length) {
  Connection* conn = Get(ctx);
  if (conn == nullptr) return SMFIS_ACCEPT;
  if (!conn->session.WantsBody()) return conn->can_skip_body ? SMFIS_SKIP : SMFIS_CONTINUE;
  conn->session.OnBodyChunk(
      std::string_view(reinterpret_cast<const char*>(chunk), chunk != nullptr ? length : 0));
  // At the limit the rest of the body is not read: the MTA may stop sending it.
  if (!conn->session.WantsBody() && conn->can_skip_body) return SMFIS_SKIP;
  return SMFIS_CONTINUE;
}

sfsistat OnEndOfMessage(SMFICTX* ctx) {
  Connection* conn = Get(ctx);
  if (conn == nullptr) return SMFIS_CONTINUE;
  const char* queue_id = smfi_getsymval(ctx, const_cast<char*>("i"));
  EndOfMessage result = conn->session.OnEndOfMessage(queue_id != nullptr ? queue_id : "");
  switch (result.verdict) {
    case Verdict::kTempfail: return SMFIS_TEMPFAIL;
    case Verdict::kDiscard: return SMFIS_DISCARD;
    case Verdict::kContinue: break;
  }
  for (const std::string& rcpt : result.remove_recipients) {
    // libmilter wants the address as the MTA gave it in RCPT TO.
    std::string bracketed = "<" + rcpt + ">";
    if (smfi_delrcpt(ctx, bracketed.data()) != MI_SUCCESS) {
      g_service->logger().Warning(std::string(queue_id != nullptr ? queue_id : "NOQUEUE") +
                                  ": cannot remove control recipient " + rcpt);
    }
  }
  return SMFIS_CONTINUE;
}

sfsistat OnAbort(SMFICTX* ctx) {
  if (Connection* conn = Get(ctx)) conn->session.OnAbort();
  return SMFIS_CONTINUE;
}

sfsistat OnClose(SMFICTX* ctx) {
  delete Get(ctx);
  smfi_setpriv(ctx, nullptr);
  return SMFIS_CONTINUE;
}

}  // namespace

bool RegisterMilter(MilterService& service) {
  g_service = &service;
  static struct smfiDesc desc = {};
  desc.xxfi_name = const_cast<char*>("autoresponder-milter");
  desc.xxfi_version = SMFI_VERSION;
  desc.xxfi_flags = SMFIF_DELRCPT | SMFIF_SETSYMLIST;
  desc.xxfi_envfrom = OnMailFrom;
  desc.xxfi_envrcpt = OnRecipient;
  desc.xxfi_header = OnHeader;
  desc.xxfi_body = OnBody;
  desc.xxfi_eom = OnEndOfMessage;
  desc.xxfi_abort = OnAbort;
  desc.xxfi_close = OnClose;
  desc.xxfi_negotiate = OnNegotiate;
  return smfi_register(desc) == MI_SUCCESS;
}

}  // namespace ar
