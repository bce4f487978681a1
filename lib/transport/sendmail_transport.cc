#include "transport/sendmail_transport.h"

#include <sysexits.h>

#include <chrono>

#include "core/strings.h"
#include "transport/child_process.h"
#include "transport/envelope_address.h"

namespace ar {
namespace {

const char* SysexitName(int status) {
  switch (status) {
    case EX_USAGE: return "EX_USAGE";
    case EX_DATAERR: return "EX_DATAERR";
    case EX_NOINPUT: return "EX_NOINPUT";
    case EX_NOUSER: return "EX_NOUSER";
    case EX_NOHOST: return "EX_NOHOST";
    case EX_UNAVAILABLE: return "EX_UNAVAILABLE";
    case EX_SOFTWARE: return "EX_SOFTWARE";
    case EX_OSERR: return "EX_OSERR";
    case EX_OSFILE: return "EX_OSFILE";
    case EX_CANTCREAT: return "EX_CANTCREAT";
    case EX_IOERR: return "EX_IOERR";
    case EX_TEMPFAIL: return "EX_TEMPFAIL";
    case EX_PROTOCOL: return "EX_PROTOCOL";
    case EX_NOPERM: return "EX_NOPERM";
    case EX_CONFIG: return "EX_CONFIG";
    default: return nullptr;
  }
}

// One line for logs: the output's lines joined, control characters dropped.
std::string OneLine(const std::string& output, bool truncated) {
  std::string line;
  for (const std::string& piece : SplitTrimmed(output, '\n')) {
    if (!line.empty()) line += " | ";
    for (char c : piece) {
      unsigned char u = static_cast<unsigned char>(c);
      if (u >= 0x20 && u != 0x7f) line += c;
    }
  }
  if (truncated) line += " ...";
  return line;
}

SendResult Outcome(SendResult::Kind kind, std::string detail) {
  SendResult result;
  result.kind = kind;
  result.detail = std::move(detail);
  return result;
}

}  // namespace

std::string ToLfLineEnds(const std::string& message) {
  std::string out;
  out.reserve(message.size());
  for (size_t i = 0; i < message.size(); ++i) {
    char c = message[i];
    if (c == '\r') {
      out += '\n';
      if (i + 1 < message.size() && message[i + 1] == '\n') ++i;
    } else {
      out += c;
    }
  }
  return out;
}

bool IsTemporarySendmailExit(int exit_status) {
  return exit_status == EX_TEMPFAIL || exit_status == EX_OSERR || exit_status == EX_IOERR ||
         exit_status == EX_CANTCREAT;
}

SendmailTransport::SendmailTransport(TransportSettings settings)
    : settings_(std::move(settings)) {}

std::vector<std::string> SendmailTransport::CommandLine(const OutgoingMail& mail) const {
  std::vector<std::string> argv;
  argv.push_back(settings_.sendmail_path);
  argv.insert(argv.end(), settings_.sendmail_args.begin(), settings_.sendmail_args.end());
  // -i: a line with a single dot is message text, not the end of input.
  argv.push_back("-i");
  argv.push_back("-f");
  argv.push_back(mail.envelope_sender.empty() ? "<>" : mail.envelope_sender);
  // "--": the recipient can never be read as an option.
  argv.push_back("--");
  argv.push_back(mail.recipient);
  return argv;
}

SendResult SendmailTransport::Send(const OutgoingMail& mail) {
  if (!IsSafeEnvelopeAddress(mail.envelope_sender, /*allow_empty=*/true)) {
    return Outcome(SendResult::Kind::kPermanent, "unsafe envelope sender refused");
  }
  if (!IsSafeEnvelopeAddress(mail.recipient, /*allow_empty=*/false)) {
    return Outcome(SendResult::Kind::kPermanent, "unsafe envelope recipient refused");
  }

  ChildOptions options;
  options.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(settings_.timeout);
  ChildRun run = RunChild(CommandLine(mail), ToLfLineEnds(mail.message), options);
  std::string words = OneLine(run.output, run.output_truncated);
  std::string suffix = words.empty() ? "" : ": " + words;

  switch (run.end) {
    case ChildRun::End::kSpawnFailed:
      return Outcome(SendResult::Kind::kTemporary, run.error);
    case ChildRun::End::kTimedOut:
      return Outcome(SendResult::Kind::kTemporary,
                     "sendmail timed out after " + std::to_string(settings_.timeout.count()) +
                         "s and was killed" + suffix);
    case ChildRun::End::kSignaled:
      return Outcome(SendResult::Kind::kTemporary,
                     "sendmail killed by signal " + std::to_string(run.signal) +
                         (run.error.empty() ? "" : " (" + run.error + ")") + suffix);
    case ChildRun::End::kExited:
      break;
  }

  std::string status = "sendmail exited with status " + std::to_string(run.exit_status);
  if (const char* name = SysexitName(run.exit_status)) status += std::string(" (") + name + ")";
  if (run.exit_status == 0) {
    // Exit 0 after it stopped reading would mean a truncated message was
    // accepted; that cannot be undone, but say so.
    std::string accepted = "accepted by sendmail";
    if (!run.input_complete) accepted += " before it read the whole message";
    return Outcome(SendResult::Kind::kSent, accepted + suffix);
  }
  if (IsTemporarySendmailExit(run.exit_status)) {
    return Outcome(SendResult::Kind::kTemporary, status + suffix);
  }
  return Outcome(SendResult::Kind::kPermanent, status + suffix);
}

}  // namespace ar
