#include <memory>

#include "core/strings.h"
#include "transport/sendmail_transport.h"
#include "transport/smtp_transport.h"
#include "transport/transport.h"

namespace ar {
namespace {

// A HELO name goes on the wire verbatim: no spaces or control characters.
bool IsSafeHeloName(const std::string& name) {
  if (name.empty() || name.size() > 255) return false;
  for (char c : name) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) return false;
  }
  return true;
}

}  // namespace

Result<std::unique_ptr<Transport>> MakeTransport(const TransportSettings& settings) {
  if (settings.timeout.count() <= 0) {
    return Status::InvalidArgument("transport timeout must be positive");
  }
  if (EqualsIgnoreCase(settings.kind, "sendmail")) {
    if (settings.sendmail_path.empty() || settings.sendmail_path[0] != '/') {
      return Status::InvalidArgument("sendmail path must be absolute, not '" +
                                     settings.sendmail_path + "'");
    }
    return std::unique_ptr<Transport>(std::make_unique<SendmailTransport>(settings));
  }
  if (EqualsIgnoreCase(settings.kind, "smtp")) {
    if (settings.smtp_host.empty()) return Status::InvalidArgument("smtp host is empty");
    if (settings.smtp_port < 1 || settings.smtp_port > 65535) {
      return Status::InvalidArgument("smtp port must be 1..65535, not " +
                                     std::to_string(settings.smtp_port));
    }
    if (!IsSafeHeloName(settings.helo_name)) {
      return Status::InvalidArgument("helo name '" + settings.helo_name + "' is not a host name");
    }
    return std::unique_ptr<Transport>(std::make_unique<SmtpTransport>(settings));
  }
  return Status::InvalidArgument("transport must be 'sendmail' or 'smtp', not '" + settings.kind +
                                 "'");
}

}  // namespace ar
