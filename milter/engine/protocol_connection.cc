#include "milter/engine/protocol_connection.h"

#include <libmilter/mfapi.h>
#include <libmilter/mfdef.h>

#include <exception>

#include "milter/engine/codec.h"
#include "milter/engine/negotiation.h"

namespace ar::milter_engine {

namespace {

// "{mail_mailer}" and "mail_mailer" name the same macro, as in
// smfi_getsymval().
std::string_view Unbraced(std::string_view name) {
  if (name.size() >= 2 && name.front() == '{' && name.back() == '}')
    return name.substr(1, name.size() - 2);
  return name;
}

}  // namespace

ProtocolConnection::ProtocolConnection(std::unique_ptr<MessageHandler> handler, Logger& logger)
    : handler_(std::move(handler)), logger_(logger) {}

int ProtocolConnection::StageOf(char command) {
  switch (command) {
    case SMFIC_CONNECT: return SMFIM_CONNECT;
    case SMFIC_HELO: return SMFIM_HELO;
    case SMFIC_MAIL: return SMFIM_ENVFROM;
    case SMFIC_RCPT: return SMFIM_ENVRCPT;
    case SMFIC_DATA: return SMFIM_DATA;
    case SMFIC_BODYEOB: return SMFIM_EOM;
    case SMFIC_EOH: return SMFIM_EOH;
    default: return -1;
  }
}

std::string ProtocolConnection::Macro(std::string_view name) const {
  // Newest stage first, like smfi_getsymval(): at end of message the MTA's
  // EOM macros win over those sent with MAIL.
  static constexpr int kOrder[] = {SMFIM_EOM,   SMFIM_EOH,  SMFIM_DATA,   SMFIM_ENVRCPT,
                                   SMFIM_ENVFROM, SMFIM_HELO, SMFIM_CONNECT};
  for (int stage : kOrder) {
    for (const auto& [key, value] : macros_[static_cast<size_t>(stage)]) {
      if (Unbraced(key) == Unbraced(name)) return value;
    }
  }
  return "";
}

void ProtocolConnection::ForgetMessageMacros() {
  for (int stage : {SMFIM_ENVFROM, SMFIM_ENVRCPT, SMFIM_DATA, SMFIM_EOH, SMFIM_EOM})
    macros_[static_cast<size_t>(stage)].clear();
}

template <typename Body>
void ProtocolConnection::Guarded(const char* step, Body&& body) {
  if (failed_) return;
  try {
    body();
  } catch (const std::exception& e) {
    failed_ = true;
    logger_.Error(std::string("milter ") + step + " failed, the message goes on: " + e.what());
  } catch (...) {
    failed_ = true;
    logger_.Error(std::string("milter ") + step + " failed, the message goes on");
  }
}

void ProtocolConnection::Reply(char code, std::string* out) { EncodeReply(code, {}, out); }

void ProtocolConnection::StepReply(uint32_t noreply_flag, std::string* out) {
  if ((steps_ & noreply_flag) == 0) Reply(SMFIR_CONTINUE, out);
}

ProtocolConnection::State ProtocolConnection::Process(std::string* out) {
  Packet packet;
  for (;;) {
    switch (reader_.Next(&packet)) {
      case PacketReader::Result::kNeedMore: return State::kNeedInput;
      case PacketReader::Result::kMalformed:
        logger_.Warning("milter: bad packet length from the MTA, closing the connection");
        return State::kClose;
      case PacketReader::Result::kPacket: break;
    }
    const std::string_view data = packet.data;
    switch (packet.command) {
      case SMFIC_OPTNEG: {
        auto request = DecodeOptionRequest(data);
        bool reads_body = true;
        Guarded("negotiation", [&] { reads_body = handler_->ReadsBody(); });
        auto ours = request ? Negotiate(*request, reads_body) : std::nullopt;
        if (!ours) {
          logger_.Warning("milter: unusable option negotiation from the MTA, closing");
          return State::kClose;
        }
        steps_ = ours->steps;
        actions_ = ours->actions;
        EncodeOptionReply(ours->version, ours->actions, ours->steps, ours->macros, out);
        break;
      }
      case SMFIC_MACRO: {
        auto definitions = DecodeMacros(data);
        if (!definitions) return State::kClose;
        int stage = StageOf(definitions->stage);
        // Macros for a stage libmilter does not know are ignored, as there.
        if (stage >= 0) macros_[static_cast<size_t>(stage)] = std::move(definitions->macros);
        break;  // never answered
      }
      case SMFIC_CONNECT:
      case SMFIC_HELO:
      case SMFIC_DATA:
      case SMFIC_EOH:
      case SMFIC_UNKNOWN:
        // Skipped at negotiation; an MTA sending them anyway gets continue.
        Reply(SMFIR_CONTINUE, out);
        break;
      case SMFIC_MAIL: {
        auto args = DecodeStrings(data);
        if (!args) return State::kClose;
        failed_ = false;
        skipped_body_ = false;
        macros_[SMFIM_ENVRCPT].clear();
        macros_[SMFIM_DATA].clear();
        macros_[SMFIM_EOH].clear();
        macros_[SMFIM_EOM].clear();
        // Postfix's smtpd gives {mail_mailer} as "smtp"; mail from pickup
        // (local submission) has none.
        SmtpClient client;
        client.local_submission = Macro("{mail_mailer}").empty();
        client.address = Macro("{client_addr}");
        client.authenticated_user = Macro("{auth_authen}");
        Guarded("MAIL", [&] { handler_->OnMailFrom((*args)[0], client); });
        StepReply(SMFIP_NR_MAIL, out);
        break;
      }
      case SMFIC_RCPT: {
        auto args = DecodeStrings(data);
        if (!args) return State::kClose;
        Guarded("RCPT", [&] { handler_->OnRecipient((*args)[0]); });
        StepReply(SMFIP_NR_RCPT, out);
        break;
      }
      case SMFIC_HEADER: {
        auto header = DecodeHeader(data);
        if (!header) return State::kClose;
        Guarded("header", [&] { handler_->OnHeader(header->first, header->second); });
        StepReply(SMFIP_NR_HDR, out);
        break;
      }
      case SMFIC_BODY: {
        bool wants = false;
        Guarded("body", [&] {
          if (!handler_->WantsBody()) return;
          handler_->OnBodyChunk(data);
          // At the limit the rest of the body is not read: SKIP it now.
          wants = handler_->WantsBody();
        });
        // Once skipped, every further chunk is answered skip too, as
        // libmilter does: an MTA may have sent more chunks before it read
        // the first skip.
        if (skipped_body_ || (!wants && (steps_ & SMFIP_SKIP) != 0)) {
          skipped_body_ = true;
          Reply(SMFIR_SKIP, out);
        } else {
          Reply(SMFIR_CONTINUE, out);
        }
        break;
      }
      case SMFIC_BODYEOB:
        if (!data.empty()) {
          Guarded("body", [&] {
            if (handler_->WantsBody()) handler_->OnBodyChunk(data);
          });
        }
        return State::kEndOfMessage;
      case SMFIC_ABORT:
        failed_ = false;
        Guarded("abort", [&] { handler_->OnAbort(); });
        failed_ = false;
        ForgetMessageMacros();
        break;  // never answered
      case SMFIC_QUIT_NC:
        // The MTA reuses the socket for a new SMTP connection.
        failed_ = false;
        Guarded("abort", [&] { handler_->OnAbort(); });
        failed_ = false;
        for (auto& stage : macros_) stage.clear();
        break;
      case SMFIC_QUIT:
        return State::kClose;
      default:
        logger_.Warning(std::string("milter: unknown command 0x") +
                        "0123456789abcdef"[(static_cast<unsigned char>(packet.command) >> 4)] +
                        "0123456789abcdef"[static_cast<unsigned char>(packet.command) & 15] +
                        " from the MTA, closing the connection");
        return State::kClose;
    }
  }
}

void ProtocolConnection::RunEndOfMessage(std::string* out) {
  const std::string queue_id = Macro("i");
  EndOfMessage result;
  Guarded("end of message", [&] { result = handler_->OnEndOfMessage(queue_id); });
  if (failed_) {
    // Never harm mail flow: whatever failed, the message goes on untouched.
    failed_ = false;
    Guarded("abort", [&] { handler_->OnAbort(); });
    result = EndOfMessage{};
  }
  failed_ = false;
  ForgetMessageMacros();
  switch (result.verdict) {
    case Verdict::kTempfail: Reply(SMFIR_TEMPFAIL, out); return;
    case Verdict::kDiscard: Reply(SMFIR_DISCARD, out); return;
    case Verdict::kContinue: break;
  }
  for (const std::string& rcpt : result.remove_recipients) {
    if ((actions_ & SMFIF_DELRCPT) == 0) {
      logger_.Warning((queue_id.empty() ? std::string("NOQUEUE") : queue_id) +
                      ": cannot remove control recipient " + rcpt +
                      " (the MTA did not allow it)");
      continue;
    }
    // The address as the MTA gave it in RCPT TO.
    EncodeDeleteRecipient("<" + rcpt + ">", out);
  }
  Reply(SMFIR_CONTINUE, out);
}

}  // namespace ar::milter_engine
