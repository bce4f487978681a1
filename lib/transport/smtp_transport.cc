#include "transport/smtp_transport.h"

#include <chrono>
#include <string_view>
#include <vector>

#include "core/strings.h"
#include "transport/envelope_address.h"

namespace ar {
namespace {

SendResult Outcome(SendResult::Kind kind, std::string detail) {
  SendResult result;
  result.kind = kind;
  result.detail = std::move(detail);
  return result;
}

std::chrono::milliseconds Millis(Seconds s) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(s);
}

// An EHLO reply lists one extension keyword per line after the first
// (RFC 5321 4.1.1.1), possibly followed by parameters.
bool ListsExtension(const SmtpReply& ehlo, std::string_view keyword) {
  for (size_t i = 1; i < ehlo.lines.size(); ++i) {
    std::string_view line = ehlo.lines[i];
    if (StartsWithIgnoreCase(line, keyword) &&
        (line.size() == keyword.size() || line[keyword.size()] == ' ')) {
      return true;
    }
  }
  return false;
}

struct Step {
  const char* name;
  std::string line;
  int expected;  // the reply class that lets us go on: 2 or 3
};

std::vector<Step> StepsFor(const OutgoingMail& mail) {
  return {
      {"MAIL FROM", "MAIL FROM:<" + mail.envelope_sender + ">", 2},
      {"RCPT TO", "RCPT TO:<" + mail.recipient + ">", 2},
      {"DATA", "DATA", 3},
  };
}

}  // namespace

std::string DotStuffedData(const std::string& message) {
  std::string out;
  out.reserve(message.size() + message.size() / 16 + 8);
  bool line_start = true;
  for (size_t i = 0; i < message.size(); ++i) {
    char c = message[i];
    if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < message.size() && message[i + 1] == '\n') ++i;
      out += "\r\n";
      line_start = true;
      continue;
    }
    if (line_start && c == '.') out += '.';
    out += c;
    line_start = false;
  }
  if (!line_start) out += "\r\n";
  out += ".\r\n";
  return out;
}

SmtpTransport::SmtpTransport(TransportSettings settings) : settings_(std::move(settings)) {}

SmtpTransport::~SmtpTransport() { Close(/*say_quit=*/true); }

std::string SmtpTransport::Where() const {
  return "smtp " + settings_.smtp_host + ":" + std::to_string(settings_.smtp_port);
}

void SmtpTransport::Close(bool say_quit) {
  if (connection_ && say_quit) {
    // RFC 5321 4.1.1.10: the polite end; the reply does not matter.
    if (connection_->Write("QUIT\r\n").ok()) (void)connection_->ReadReply();
  }
  connection_.reset();
  pipelining_ = false;
}

Result<SmtpReply> SmtpTransport::Command(const std::string& line) {
  Status written = connection_->Write(line + "\r\n");
  if (!written.ok()) {
    Close(false);
    return written;
  }
  Result<SmtpReply> reply = connection_->ReadReply();
  if (!reply.ok()) {
    Close(false);
    return reply;
  }
  // 421: the server is closing the session (RFC 5321 3.8).
  if (reply->code == 421) Close(false);
  return reply;
}

SendResult SmtpTransport::Open() {
  auto connected =
      SmtpConnection::Connect(settings_.smtp_host, settings_.smtp_port, Millis(settings_.timeout));
  if (!connected.ok()) {
    return Outcome(SendResult::Kind::kTemporary, connected.status().message());
  }
  connection_ = std::move(connected.value());

  Result<SmtpReply> greeting = connection_->ReadReply();
  if (!greeting.ok()) {
    Close(false);
    return Outcome(SendResult::Kind::kTemporary,
                   Where() + ": greeting: " + greeting.status().message());
  }
  if (greeting->code != 220) {
    Close(true);
    return Outcome(SendResult::Kind::kTemporary,
                   Where() + ": greeting refused: " + greeting->ToString());
  }

  Result<SmtpReply> hello = Command("EHLO " + settings_.helo_name);
  const bool ehlo_refused = hello.ok() && hello->code / 100 == 5;
  if (ehlo_refused) {
    // An old server that does not know EHLO (RFC 5321 4.1.1.1).
    hello = Command("HELO " + settings_.helo_name);
  }
  if (!hello.ok()) {
    return Outcome(SendResult::Kind::kTemporary, Where() + ": EHLO: " + hello.status().message());
  }
  if (hello->code != 250) {
    Close(true);
    return Outcome(SendResult::Kind::kTemporary, Where() + ": EHLO refused: " + hello->ToString());
  }
  pipelining_ = !ehlo_refused && ListsExtension(*hello, "PIPELINING");
  return Outcome(SendResult::Kind::kSent, "");
}

SendResult SmtpTransport::Send(const OutgoingMail& mail) {
  if (!IsSafeEnvelopeAddress(mail.envelope_sender, /*allow_empty=*/true)) {
    return Outcome(SendResult::Kind::kPermanent, "unsafe envelope sender refused");
  }
  if (!IsSafeEnvelopeAddress(mail.recipient, /*allow_empty=*/false)) {
    return Outcome(SendResult::Kind::kPermanent, "unsafe envelope recipient refused");
  }

  if (connection_ && pipelining_) {
    bool stale = false;
    SendResult result = PipelinedTransaction(mail, /*reset=*/true, &stale);
    if (!stale) return result;
  } else if (connection_) {
    // A reused session: anything but 250 (or a lost connection, e.g. the
    // server's idle timeout) means start over.
    Result<SmtpReply> reset = Command("RSET");
    if (connection_ && (!reset.ok() || reset->code != 250)) Close(false);
  }
  if (!connection_) {
    SendResult opened = Open();
    if (!opened.sent()) return opened;
  }
  if (pipelining_) return PipelinedTransaction(mail, /*reset=*/false, nullptr);
  return Transaction(mail);
}

SendResult SmtpTransport::PipelinedTransaction(const OutgoingMail& mail, bool reset,
                                               bool* stale) {
  const std::vector<Step> steps = StepsFor(mail);
  std::string group = reset ? "RSET\r\n" : "";
  for (const Step& step : steps) group += step.line + "\r\n";
  Status written = connection_->Write(group);
  if (!written.ok()) {
    Close(false);
    if (reset) {
      *stale = true;
      return Outcome(SendResult::Kind::kTemporary, "");
    }
    return Outcome(SendResult::Kind::kTemporary,
                   Where() + ": " + steps[0].name + ": " + written.message());
  }
  if (reset) {
    // As without pipelining: anything but 250 (or a lost connection, e.g.
    // the server's idle timeout) means start over.
    Result<SmtpReply> reply = connection_->ReadReply();
    if (!reply.ok() || reply->code != 250) {
      Close(false);
      *stale = true;
      return Outcome(SendResult::Kind::kTemporary, "");
    }
  }
  // Every command was sent, so every reply is read before the next
  // transaction, even after a refusal; a lost connection or a 421 ends it.
  std::vector<Result<SmtpReply>> replies;
  for (size_t i = 0; i < steps.size(); ++i) {
    replies.push_back(connection_->ReadReply());
    if (!replies.back().ok() || replies.back()->code == 421) {
      Close(false);
      break;
    }
  }
  const bool data_pending = replies.size() == steps.size() && replies.back().ok() &&
                            replies.back()->code / 100 == 3;
  for (size_t i = 0; i < replies.size(); ++i) {
    const Step& step = steps[i];
    const Result<SmtpReply>& reply = replies[i];
    if (!reply.ok()) {
      return Outcome(SendResult::Kind::kTemporary,
                     Where() + ": " + step.name + ": " + reply.status().message());
    }
    int reply_class = reply->code / 100;
    if (reply_class == step.expected) continue;
    // DATA was accepted all the same: the server now takes any line as
    // message text, so this session cannot go on.
    if (data_pending) Close(false);
    std::string detail = std::string(step.name) + " rejected: " + reply->ToString();
    if (reply_class == 5) return Outcome(SendResult::Kind::kPermanent, detail);
    if (reply_class != 4) Close(false);  // a reply we do not understand: start over next time
    return Outcome(SendResult::Kind::kTemporary, detail);
  }
  return MessageData(mail);
}

SendResult SmtpTransport::Transaction(const OutgoingMail& mail) {
  for (const Step& step : StepsFor(mail)) {
    Result<SmtpReply> reply = Command(step.line);
    if (!reply.ok()) {
      return Outcome(SendResult::Kind::kTemporary,
                     Where() + ": " + step.name + ": " + reply.status().message());
    }
    int reply_class = reply->code / 100;
    if (reply_class == step.expected) continue;
    std::string detail = std::string(step.name) + " rejected: " + reply->ToString();
    if (reply_class == 5) return Outcome(SendResult::Kind::kPermanent, detail);
    if (reply_class != 4) Close(true);  // a reply we do not understand: start over next time
    return Outcome(SendResult::Kind::kTemporary, detail);
  }
  return MessageData(mail);
}

SendResult SmtpTransport::MessageData(const OutgoingMail& mail) {
  Status written = connection_->Write(DotStuffedData(mail.message));
  Result<SmtpReply> reply = written.ok() ? connection_->ReadReply() : Result<SmtpReply>(written);
  if (!reply.ok()) {
    // The server may or may not have taken the message; retrying risks a
    // duplicate reply, giving up risks none at all. RFC 5321 6.1 prefers
    // the duplicate.
    Close(false);
    return Outcome(SendResult::Kind::kTemporary,
                   Where() + ": end of data: " + reply.status().message());
  }
  if (reply->code / 100 == 2) return Outcome(SendResult::Kind::kSent, reply->ToString());
  std::string detail = "message rejected: " + reply->ToString();
  if (reply->code == 421) Close(false);
  if (reply->code / 100 == 5) return Outcome(SendResult::Kind::kPermanent, detail);
  return Outcome(SendResult::Kind::kTemporary, detail);
}

}  // namespace ar
