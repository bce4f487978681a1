// The options table itself. Each row says, once, how a setting is parsed,
// checked, stored in Config and printed back; the parser, --print-defaults,
// --print-config and --help all read these rows and nothing else.
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <climits>

#include "config/option_entry.h"
#include "config/value_syntax.h"
#include "core/logger.h"
#include "core/rate_limit.h"
#include "core/strings.h"

namespace ar {

namespace {

Status Bad(const std::string& message) { return Status::InvalidArgument(message); }

// Printable text that may contain spaces (paths), but no control characters
// that could split a log line, a header or a command.
bool IsPrintableText(std::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) < 32 || c == 127) return false;
  }
  return true;
}

// List values: each occurrence of a repeatable option may itself hold several
// items, separated by any of separators (Postfix writes lists the same way).
std::vector<std::string> SplitList(std::string_view value, std::string_view separators) {
  std::vector<std::string> items;
  size_t start = 0;
  while (start < value.size()) {
    size_t end = value.find_first_of(separators, start);
    if (end == std::string_view::npos) end = value.size();
    std::string_view item = Trim(value.substr(start, end - start));
    if (!item.empty()) items.emplace_back(item);
    start = end + 1;
  }
  return items;
}

std::string Join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

// A local part we tag with "+TOKEN": letters, digits, '.', '-' and '_',
// no '+' of its own (the tag starts at the first one), at most 48 octets.
bool IsPlainLocalPart(std::string_view text) {
  if (text.empty() || text.size() > 48 || text.front() == '.' || text.back() == '.') return false;
  for (char c : text) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

// A user name as useradd(8) accepts it by default: lower-case letters,
// digits, '_' and '-', not starting with a digit or '-', at most 32 bytes.
bool IsUserName(std::string_view text) {
  if (text.size() > 32) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool ok =
        (c >= 'a' && c <= 'z') || c == '_' || (i > 0 && ((c >= '0' && c <= '9') || c == '-'));
    if (!ok) return false;
  }
  return true;
}

// Sub-address delimiters (Postfix's recipient_delimiter): each character
// starts a sub-address. Letters and digits would cut ordinary names, '@'
// the domain; quotes and backslashes belong to quoted local parts.
bool IsRecipientDelimiter(std::string_view text) {
  if (text.size() > 8) return false;
  for (char c : text) {
    const bool ok = c > 0x20 && c < 0x7F && std::isalnum(static_cast<unsigned char>(c)) == 0 &&
                    c != '@' && c != '"' && c != '\\';
    if (!ok) return false;
  }
  return true;
}

// RFC 8058 section 3.1: one-click needs https. The URL goes between angle
// brackets in a header, so no spaces, controls, quotes or brackets.
bool IsUnsubscribeUrl(std::string_view url) {
  if (!StartsWithIgnoreCase(url, "https://") || url.size() <= 8 || url.size() > 800) return false;
  if (url.find("{token}") == std::string_view::npos) return false;
  for (char c : url) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7F || c == '<' || c == '>' || c == '"') return false;
  }
  return true;
}

constexpr std::string_view kCommaOrSpace = ", \t";
constexpr std::string_view kSpace = " \t";

std::string LocalHostName() {
  char buffer[HOST_NAME_MAX + 1] = {};
  if (gethostname(buffer, sizeof buffer - 1) != 0) return "localhost";
  std::string name(buffer);
  return IsDomainName(name) ? ToLowerAscii(name) : "localhost";
}

Status CheckMilterSocket(const std::string& value) {
  // libmilter's smfi_setconn() forms: {unix|local}:/path, inet:port[@host],
  // inet6:port[@host], or a bare path (a unix socket).
  if (!value.empty() && value[0] == '/') return Status::Ok();
  size_t colon = value.find(':');
  std::string kind = ToLowerAscii(value.substr(0, colon == std::string::npos ? 0 : colon));
  std::string rest = colon == std::string::npos ? "" : value.substr(colon + 1);
  if (kind == "unix" || kind == "local") {
    if (rest.empty() || rest[0] != '/')
      return Bad("expected unix:/absolute/path, got '" + value + "'");
    return IsPrintableText(rest) ? Status::Ok() : Bad("control character in socket path");
  }
  if (kind == "inet" || kind == "inet6") {
    size_t at = rest.find('@');
    std::string port = rest.substr(0, at);
    if (!ParseInteger(port, 1, 65535).ok())
      return Bad("expected " + kind + ":PORT@HOST with PORT 1-65535, got '" + value + "'");
    if (at != std::string::npos && !IsSafeToken(rest.substr(at + 1)))
      return Bad("bad host in '" + value + "'");
    return Status::Ok();
  }
  return Bad("expected unix:PATH, inet:PORT@HOST or inet6:PORT@HOST, got '" + value + "'");
}

Result<Seconds> DurationAtLeast(const std::string& value, Seconds min, Seconds max) {
  Result<Seconds> duration = ParseDuration(value);
  if (!duration.ok()) return duration.status();
  if (*duration < min || *duration > max)
    return Bad("out of range: " + value + " (allowed " + FormatDuration(min) + " to " +
               FormatDuration(max) + ")");
  return duration;
}

constexpr Seconds kOneSecond{1};
constexpr Seconds kOneHour{3600};
constexpr Seconds kOneDay{86400};
constexpr Seconds kOneYear{366 * 86400};

// A duration setting: the row reads and writes the Seconds field that
// field(config) returns (field takes a Config& or a const Config&).
template <typename Field>
OptionEntry Duration(std::string name, std::string description, Field field, Seconds min,
                     Seconds max) {
  OptionEntry e;
  e.info.name = std::move(name);
  e.info.description = std::move(description);
  e.apply = [field, min, max](Config& c, const std::string& v) -> Status {
    Result<Seconds> d = DurationAtLeast(v, min, max);
    if (!d.ok()) return d.status();
    field(c) = *d;
    return Status::Ok();
  };
  e.print = [field](const Config& c) { return FormatDuration(field(c)); };
  return e;
}

OptionEntry Row(std::string name, std::string description,
                std::function<Status(Config&, const std::string&)> apply,
                std::function<std::string(const Config&)> print) {
  OptionEntry e;
  e.info.name = std::move(name);
  e.info.description = std::move(description);
  e.apply = std::move(apply);
  e.print = std::move(print);
  return e;
}

OptionEntry ListRow(std::string name, std::string description,
                    std::function<Status(Config&, const std::string&)> apply,
                    std::function<void(Config&)> clear,
                    std::function<std::string(const Config&)> print) {
  OptionEntry e = Row(std::move(name), std::move(description), std::move(apply), std::move(print));
  e.info.repeatable = true;
  e.clear = std::move(clear);
  return e;
}

std::vector<OptionEntry> BuildEntries() {
  std::vector<OptionEntry> t;

  // --- the programs ---
  t.push_back(Row(
      "milter_socket",
      "Where the milter listens for the MTA (unix:PATH, inet:PORT@HOST, inet6:PORT@HOST).",
      [](Config& c, const std::string& v) {
        Status s = CheckMilterSocket(v);
        if (s.ok()) c.milter_socket = v;
        return s;
      },
      [](const Config& c) { return c.milter_socket; }));
  t.push_back(Row(
      "milter_engine",
      "Who speaks the milter protocol: event (the built-in event loop) or libmilter.",
      [](Config& c, const std::string& v) {
        std::string lower = ToLowerAscii(v);
        if (lower != "event" && lower != "libmilter")
          return Bad("expected event or libmilter, got '" + v + "'");
        c.milter_engine = lower;
        return Status::Ok();
      },
      [](const Config& c) { return c.milter_engine; }));
  t.push_back(Row(
      "clock", "Where \"now\" comes from: system, or file:PATH holding Unix seconds (for tests).",
      [](Config& c, const std::string& v) {
        if (v != "system" && !(v.rfind("file:", 0) == 0 && v.size() > 5 && IsPrintableText(v)))
          return Bad("expected system or file:PATH, got '" + v + "'");
        c.clock = v;
        return Status::Ok();
      },
      [](const Config& c) { return c.clock; }));
  t.push_back(Row(
      "log_target", "Where log lines go: syslog (mail facility) or stderr.",
      [](Config& c, const std::string& v) {
        std::string lower = ToLowerAscii(v);
        if (lower != "syslog" && lower != "stderr")
          return Bad("expected syslog or stderr, got '" + v + "'");
        c.log_target = lower;
        return Status::Ok();
      },
      [](const Config& c) { return c.log_target; }));
  t.push_back(Row(
      "log_level", "The least severe level logged: error, warning, info or debug.",
      [](Config& c, const std::string& v) {
        LogLevel level;
        std::string lower = ToLowerAscii(v);
        if (!ParseLogLevel(lower, &level))
          return Bad("expected error, warning, info or debug, got '" + v + "'");
        c.log_level = lower;
        return Status::Ok();
      },
      [](const Config& c) { return c.log_level; }));
  t.push_back(Row(
      "syslog_socket",
      "The local syslog socket: log lines with log_target = syslog, and start-up errors always.",
      [](Config& c, const std::string& v) {
        if (v.empty() || v[0] != '/' || !IsPrintableText(v))
          return Bad("expected an absolute path, got '" + v + "'");
        c.syslog_socket = v;
        return Status::Ok();
      },
      [](const Config& c) { return c.syslog_socket; }));
  t.push_back(Row(
      "milter_metrics_file",
      "The Prometheus text file the milter rewrites every few seconds; empty for none.",
      [](Config& c, const std::string& v) {
        if (!v.empty() && (v[0] != '/' || !IsPrintableText(v)))
          return Bad("expected an absolute path, got '" + v + "'");
        c.milter_metrics_file = v;
        return Status::Ok();
      },
      [](const Config& c) { return c.milter_metrics_file; }));
  t.push_back(Row(
      "dispatcher_metrics_file",
      "The Prometheus text file the dispatcher rewrites every few seconds; empty for none.",
      [](Config& c, const std::string& v) {
        if (!v.empty() && (v[0] != '/' || !IsPrintableText(v)))
          return Bad("expected an absolute path, got '" + v + "'");
        c.dispatcher_metrics_file = v;
        return Status::Ok();
      },
      [](const Config& c) { return c.dispatcher_metrics_file; }));
  t.push_back(Row(
      "on_internal_error",
      "What the milter tells the MTA when it fails inside: accept the mail, or tempfail it.",
      [](Config& c, const std::string& v) {
        std::string lower = ToLowerAscii(v);
        if (lower != "accept" && lower != "tempfail")
          return Bad("expected accept or tempfail, got '" + v + "'");
        c.tempfail_on_error = lower == "tempfail";
        return Status::Ok();
      },
      [](const Config& c) { return std::string(c.tempfail_on_error ? "tempfail" : "accept"); }));
  t.push_back(Row(
      "store_error_file",
      "Where the milter latches the first store write failure for autoresponder-ctl stats; empty "
      "for none.",
      [](Config& c, const std::string& v) {
        if (!v.empty() && (v[0] != '/' || !IsPrintableText(v)))
          return Bad("expected an absolute path or nothing, got '" + v + "'");
        c.store_error_file = v;
        return Status::Ok();
      },
      [](const Config& c) { return c.store_error_file; }));
  t.push_back(Row(
      "milter_pid_file",
      "Where the milter writes its process id (for autoresponder-ctl reload); empty for none.",
      [](Config& c, const std::string& v) {
        if (!IsPrintableText(v)) return Bad("expected a file path");
        c.milter_pid_file = v;
        return Status::Ok();
      },
      [](const Config& c) { return c.milter_pid_file; }));
  t.push_back(Row(
      "dispatcher_pid_file",
      "Where the dispatcher writes its process id (for autoresponder-ctl reload); empty for none.",
      [](Config& c, const std::string& v) {
        if (!IsPrintableText(v)) return Bad("expected a file path");
        c.dispatcher_pid_file = v;
        return Status::Ok();
      },
      [](const Config& c) { return c.dispatcher_pid_file; }));
  t.push_back(Row(
      "service_user",
      "The user the daemons run as: the secret key may be readable by its primary group, and "
      "--check-config reads files as it. Empty for none.",
      [](Config& c, const std::string& v) {
        if (!IsUserName(v)) return Bad("expected a user name or nothing, got '" + v + "'");
        c.service_user = v;
        return Status::Ok();
      },
      [](const Config& c) { return c.service_user; }));

  // --- the store ---
  t.push_back(Row(
      "store_path", "The directory of the LMDB environment shared by all programs.",
      [](Config& c, const std::string& v) {
        if (v.empty() || !IsPrintableText(v)) return Bad("expected a directory path");
        c.store.path = v;
        return Status::Ok();
      },
      [](const Config& c) { return c.store.path; }));
  t.push_back(Row(
      "store_map_size", "The largest size the store may grow to, in bytes (K, M, G, T suffixes).",
      [](Config& c, const std::string& v) {
        Result<uint64_t> size = ParseByteSize(v);
        if (!size.ok()) return size.status();
        if (*size < (1ull << 20) || *size > (16ull << 40))
          return Bad("out of range: " + v + " (allowed 1M to 16T)");
        c.store.map_size = *size;
        return Status::Ok();
      },
      [](const Config& c) { return FormatByteSize(c.store.map_size); }));
  t.push_back(Row(
      "store_reserve",
      "Room kept in the store for sending what is queued: new replies and enrolments are refused "
      "once less is left. A percentage of store_map_size (1% to 50%) or a size.",
      [](Config& c, const std::string& v) {
        if (!v.empty() && v.back() == '%') {
          const std::string digits = v.substr(0, v.size() - 1);
          if (digits.empty() || digits.size() > 2 ||
              digits.find_first_not_of("0123456789") != std::string::npos ||
              std::stoi(digits) < 1 || std::stoi(digits) > 50)
            return Bad("out of range: " + v + " (allowed 1% to 50%, or a size)");
          c.store.reserve_percent = static_cast<uint32_t>(std::stoi(digits));
          c.store.reserve_bytes = 0;
          return Status::Ok();
        }
        Result<uint64_t> size = ParseByteSize(v);
        if (!size.ok()) return size.status();
        if (*size < (64ull << 10)) return Bad("out of range: " + v + " (at least 64K, or a %)");
        c.store.reserve_bytes = *size;
        return Status::Ok();
      },
      [](const Config& c) {
        return c.store.reserve_bytes != 0 ? FormatByteSize(c.store.reserve_bytes)
                                          : std::to_string(c.store.reserve_percent) + "%";
      }));

  // --- the replies ---
  t.push_back(Row(
      "hostname", "The domain on the right of generated Message-IDs; by default this host's name.",
      [](Config& c, const std::string& v) {
        if (!IsDomainName(v)) return Bad("not a domain name: '" + v + "'");
        c.compose.hostname = ToLowerAscii(v);
        return Status::Ok();
      },
      [](const Config& c) { return c.compose.hostname; }));
  t.push_back(Row(
      "reply_envelope_sender",
      "MAIL FROM of the replies; empty (or <>) for the null sender RFC 3834 recommends.",
      [](Config& c, const std::string& v) {
        if (v.empty() || v == "<>") {
          c.reply_envelope_sender.clear();
          return Status::Ok();
        }
        if (!IsSafeMailAddress(v)) return Bad("not a plain mail address: '" + v + "'");
        c.reply_envelope_sender = v;
        return Status::Ok();
      },
      [](const Config& c) { return c.reply_envelope_sender; }));
  t.push_back(Row(
      "loop_marker_header",
      "The header field each reply carries and whose presence marks a message as one of ours.",
      [](Config& c, const std::string& v) {
        if (!IsHeaderFieldName(v)) return Bad("not a header field name: '" + v + "'");
        // One setting, two readers: the composer writes the field that the
        // policy looks for, so they can never disagree.
        c.policy.loop_marker_header = v;
        c.compose.loop_marker_header = v;
        return Status::Ok();
      },
      [](const Config& c) { return c.policy.loop_marker_header; }));

  // --- who gets no reply ---
  t.push_back(ListRow(
      "ignored_sender",
      "Sender local-part patterns ('*' wildcard) that never get a reply; giving any replaces the "
      "built-in list.",
      [](Config& c, const std::string& v) {
        for (const std::string& pattern : SplitList(v, kCommaOrSpace)) {
          if (!IsSafeToken(pattern) || pattern.find('@') != std::string::npos)
            return Bad("not a local-part pattern: '" + pattern + "'");
          c.policy.ignored_sender_patterns.push_back(pattern);
        }
        return Status::Ok();
      },
      [](Config& c) { c.policy.ignored_sender_patterns.clear(); },
      [](const Config& c) { return Join(c.policy.ignored_sender_patterns, ", "); }));
  t.push_back(Row(
      "max_received",
      "A message with more Received: fields than this is taken for a loop and not answered.",
      [](Config& c, const std::string& v) {
        Result<int64_t> n = ParseInteger(v, 1, 1000);
        if (!n.ok()) return n.status();
        c.policy.max_received = static_cast<int>(*n);
        return Status::Ok();
      },
      [](const Config& c) { return std::to_string(c.policy.max_received); }));
  t.push_back(ListRow(
      "spam_header",
      "\"Name: value\" pairs a trusted spam filter adds; a message carrying one is not answered.",
      [](Config& c, const std::string& v) {
        for (const std::string& pair : SplitList(v, ",")) {
          size_t colon = pair.find(':');
          std::string name(Trim(pair.substr(0, colon)));
          std::string value(colon == std::string::npos ? "" : Trim(pair.substr(colon + 1)));
          if (colon == std::string::npos || !IsHeaderFieldName(name) || value.empty() ||
              !IsPrintableText(value))
            return Bad("expected \"Name: value\", got '" + pair + "'");
          c.policy.spam_verdict_headers.push_back({name, value});
        }
        return Status::Ok();
      },
      [](Config& c) { c.policy.spam_verdict_headers.clear(); },
      [](const Config& c) {
        std::vector<std::string> pairs;
        for (const SpamVerdictHeader& h : c.policy.spam_verdict_headers)
          pairs.push_back(h.name + ": " + h.value);
        return Join(pairs, ", ");
      }));
  t.push_back(Row(
      "require_authenticated_sender",
      "Reply only when trusted_authserv_id vouches for the envelope sender with SPF or aligned "
      "DKIM (yes or no).",
      [](Config& c, const std::string& v) {
        Result<bool> b = ParseYesNo(v);
        if (!b.ok()) return b.status();
        c.policy.require_authenticated_sender = *b;
        return Status::Ok();
      },
      [](const Config& c) { return FormatYesNo(c.policy.require_authenticated_sender); }));
  t.push_back(Row(
      "trusted_authserv_id",
      "The authserv-id of Authentication-Results fields added by this site's own verifier.",
      [](Config& c, const std::string& v) {
        if (!v.empty() && (!IsSafeToken(v) || v.find(';') != std::string::npos))
          return Bad("not an authserv-id: '" + v + "'");
        c.policy.trusted_authserv_id = v;
        return Status::Ok();
      },
      [](const Config& c) { return c.policy.trusted_authserv_id; }));
  t.push_back(ListRow(
      "internal_domain",
      "Domains whose senders count as internal, besides the domains of each user's own addresses.",
      [](Config& c, const std::string& v) {
        for (const std::string& domain : SplitList(v, kCommaOrSpace)) {
          if (!IsDomainName(domain)) return Bad("not a domain name: '" + domain + "'");
          c.policy.internal_domains.push_back(ToLowerAscii(domain));
        }
        return Status::Ok();
      },
      [](Config& c) { c.policy.internal_domains.clear(); },
      [](const Config& c) { return Join(c.policy.internal_domains, ", "); }));

  // --- reply periods ---
  t.push_back(Duration(
      "period_default",
      "How long one sender waits before the same rule answers again, when the rule sets none.",
      [](auto& c) -> auto& { return c.policy.default_period; }, kOneSecond, kOneYear));
  t.push_back(Duration(
      "period_min", "The shortest period a rule may set; RFC 3834 advises no less than a day.",
      [](auto& c) -> auto& { return c.policy.min_period; }, kOneSecond, kOneYear));
  t.push_back(Duration(
      "period_max", "The longest period a rule may set.",
      [](auto& c) -> auto& { return c.policy.max_period; }, kOneSecond, kOneYear));

  // --- sending ---
  t.push_back(Row(
      "transport", "How the dispatcher hands replies to the MTA: sendmail or smtp.",
      [](Config& c, const std::string& v) {
        std::string lower = ToLowerAscii(v);
        if (lower != "sendmail" && lower != "smtp")
          return Bad("expected sendmail or smtp, got '" + v + "'");
        c.transport.kind = lower;
        return Status::Ok();
      },
      [](const Config& c) { return c.transport.kind; }));
  t.push_back(Row(
      "sendmail_path", "The sendmail(1) program used by transport = sendmail.",
      [](Config& c, const std::string& v) {
        if (v.empty() || v[0] != '/' || !IsPrintableText(v))
          return Bad("expected an absolute path, got '" + v + "'");
        c.transport.sendmail_path = v;
        return Status::Ok();
      },
      [](const Config& c) { return c.transport.sendmail_path; }));
  t.push_back(ListRow(
      "sendmail_arg",
      "Extra arguments for sendmail_path, separated by spaces (e.g. -C /etc/postfix-out).",
      [](Config& c, const std::string& v) {
        for (const std::string& arg : SplitList(v, kSpace)) {
          if (!IsSafeToken(arg)) return Bad("control character in argument '" + arg + "'");
          c.transport.sendmail_args.push_back(arg);
        }
        return Status::Ok();
      },
      [](Config& c) { c.transport.sendmail_args.clear(); },
      [](const Config& c) { return Join(c.transport.sendmail_args, " "); }));
  t.push_back(Row(
      "smtp_host", "The SMTP server used by transport = smtp.",
      [](Config& c, const std::string& v) {
        if (!IsSafeToken(v) || v.find('@') != std::string::npos)
          return Bad("not a host name or address: '" + v + "'");
        c.transport.smtp_host = v;
        return Status::Ok();
      },
      [](const Config& c) { return c.transport.smtp_host; }));
  t.push_back(Row(
      "smtp_port", "The port of smtp_host.",
      [](Config& c, const std::string& v) {
        Result<int64_t> port = ParseInteger(v, 1, 65535);
        if (!port.ok()) return port.status();
        c.transport.smtp_port = static_cast<int>(*port);
        return Status::Ok();
      },
      [](const Config& c) { return std::to_string(c.transport.smtp_port); }));
  t.push_back(Row(
      "helo_name", "The name the SMTP transport gives in EHLO.",
      [](Config& c, const std::string& v) {
        if (!IsSafeToken(v)) return Bad("not a host name: '" + v + "'");
        c.transport.helo_name = v;
        return Status::Ok();
      },
      [](const Config& c) { return c.transport.helo_name; }));
  t.push_back(Duration(
      "transport_timeout",
      "How long one hand-over to the MTA may take before it counts as a temporary failure.",
      [](auto& c) -> auto& { return c.transport.timeout; }, kOneSecond, kOneHour));

  // --- the dispatcher ---
  t.push_back(Row(
      "dispatch_batch_size", "How many due replies the dispatcher claims at once.",
      [](Config& c, const std::string& v) {
        Result<int64_t> n = ParseInteger(v, 1, 100000);
        if (!n.ok()) return n.status();
        c.dispatch.batch_size = static_cast<size_t>(*n);
        return Status::Ok();
      },
      [](const Config& c) { return std::to_string(c.dispatch.batch_size); }));
  t.push_back(Duration(
      "dispatch_lease", "How long a claimed reply stays invisible to other dispatchers.",
      [](auto& c) -> auto& { return c.dispatch.lease; }, kOneSecond, kOneDay));
  t.push_back(Duration(
      "retry_base", "The wait after the first temporary failure; it doubles on each further one.",
      [](auto& c) -> auto& { return c.dispatch.retry_base; }, kOneSecond, kOneDay));
  t.push_back(Duration(
      "retry_max", "The longest wait between two attempts.",
      [](auto& c) -> auto& { return c.dispatch.retry_max; }, kOneSecond, kOneDay));
  t.push_back(Duration(
      "max_age", "A reply still not accepted this long after it was queued is given up.",
      [](auto& c) -> auto& { return c.dispatch.max_age; }, kOneSecond, kOneYear));
  t.push_back(Row(
      "dispatch_concurrency",
      "How many follow-ups the dispatcher hands to the MTA at the same time.",
      [](Config& c, const std::string& v) {
        Result<int64_t> n = ParseInteger(v, 1, 64);
        if (!n.ok()) return n.status();
        c.dispatch.concurrency = static_cast<size_t>(*n);
        return Status::Ok();
      },
      [](const Config& c) { return std::to_string(c.dispatch.concurrency); }));
  t.push_back(Duration(
      "catch_up_limit",
      "After downtime, follow-ups overdue by more than this are skipped, not sent late; 0 sends "
      "everything late.",
      [](auto& c) -> auto& { return c.dispatch.catch_up_limit; }, Seconds(0), kOneYear));
  t.push_back(Row(
      "person_send_limit",
      "The most follow-ups one person gets within person_send_window; more wait. 0: no limit.",
      [](Config& c, const std::string& v) {
        Result<int64_t> n = ParseInteger(v, 0, 16);
        if (!n.ok()) return n.status();
        c.dispatch.person_send_limit = static_cast<uint32_t>(*n);
        return Status::Ok();
      },
      [](const Config& c) { return std::to_string(c.dispatch.person_send_limit); }));
  t.push_back(Duration(
      "person_send_window", "The window person_send_limit counts in.",
      [](auto& c) -> auto& { return c.dispatch.person_send_window; }, kOneSecond, kOneYear));
  t.push_back(Row(
      "recipient_delimiter",
      "Characters that start a sub-address: person_send_limit counts victim+1@ and victim+2@ as "
      "victim@. Empty: no folding.",
      [](Config& c, const std::string& v) {
        if (!IsRecipientDelimiter(v))
          return Bad("expected up to 8 punctuation characters other than @ \\ \", got '" + v + "'");
        c.store.recipient_delimiter = v;
        c.dispatch.recipient_delimiter = v;
        return Status::Ok();
      },
      [](const Config& c) { return c.store.recipient_delimiter; }));
  t.push_back(Duration(
      "poll_interval", "The longest the dispatcher sleeps before looking at the queue again.",
      [](auto& c) -> auto& { return c.dispatch.poll_interval; }, kOneSecond, kOneHour));

  // --- retention: the dispatcher's sweep (store/retention.h) ---
  constexpr Seconds kTenYears{3660 * 86400};
  t.push_back(Duration(
      "retention_sweep_interval",
      "How often the dispatcher removes records whose retention has passed; 0: never.",
      [](auto& c) -> auto& { return c.dispatch.retention.sweep_interval; }, Seconds(0), kOneDay));
  t.push_back(Duration(
      "history_retention",
      "How long a sender's answered-reply record stays after the rule's period has passed.",
      [](auto& c) -> auto& { return c.dispatch.retention.policy.history; }, kOneDay, kTenYears));
  t.push_back(Duration(
      "trigger_id_retention",
      "How long the Message-ID of a mail that enrolled someone is kept against duplicates.",
      [](auto& c) -> auto& { return c.dispatch.retention.policy.trigger_ids; }, kOneDay,
      kTenYears));
  t.push_back(Duration(
      "enrolment_retention", "How long an ended (completed or left) enrolment is kept.",
      [](auto& c) -> auto& { return c.dispatch.retention.policy.enrolments; }, kOneDay, kTenYears));
  t.push_back(Duration(
      "token_retention",
      "How long a person's token (bounce and unsubscribe addresses) stays valid after their last "
      "enrolment ended.",
      [](auto& c) -> auto& { return c.dispatch.retention.policy.tokens; }, kOneDay, kTenYears));
  t.push_back(Duration(
      "failed_retention", "How long a follow-up stays on the failed list.",
      [](auto& c) -> auto& { return c.dispatch.retention.policy.failed; }, kOneHour, kTenYears));

  // --- sequences ---
  t.push_back(Row(
      "sequence_dir",
      "The directory of *.sequence files (autoresponder-sequence(5)); empty, or a directory "
      "that does not exist, for no sequences.",
      [](Config& c, const std::string& v) {
        if (!v.empty() && (v[0] != '/' || !IsPrintableText(v)))
          return Bad("expected an absolute path or nothing, got '" + v + "'");
        c.sequences.directory = v;
        return Status::Ok();
      },
      [](const Config& c) { return c.sequences.directory; }));
  t.push_back(Row(
      "secret_key_file",
      "The file holding the key (at least 16 bytes) that signs tokens and coupons; read when "
      "sequence_dir exists.",
      [](Config& c, const std::string& v) {
        if (v.empty() || v[0] != '/' || !IsPrintableText(v))
          return Bad("expected an absolute path, got '" + v + "'");
        c.sequences.secret_key_file = v;
        return Status::Ok();
      },
      [](const Config& c) { return c.sequences.secret_key_file; }));
  t.push_back(Row(
      "bounce_local_part",
      "The local part of the VERP envelope sender of sequence mail (bounces+TOKEN@domain).",
      [](Config& c, const std::string& v) {
        if (!IsPlainLocalPart(v)) return Bad("expected a plain local part, got '" + v + "'");
        c.sequences.bounce_local_part = v;
        return Status::Ok();
      },
      [](const Config& c) { return c.sequences.bounce_local_part; }));
  t.push_back(Row(
      "unsubscribe_local_part",
      "The local part of the unsubscribe address in List-Unsubscribe (unsubscribe+TOKEN@domain).",
      [](Config& c, const std::string& v) {
        if (!IsPlainLocalPart(v)) return Bad("expected a plain local part, got '" + v + "'");
        c.sequences.unsubscribe_local_part = v;
        return Status::Ok();
      },
      [](const Config& c) { return c.sequences.unsubscribe_local_part; }));
  t.push_back(ListRow(
      "control_domain",
      "Domains whose bounce and unsubscribe addresses are ours, besides the domains of the "
      "sequences' From addresses.",
      [](Config& c, const std::string& v) {
        for (const std::string& domain : SplitList(v, kCommaOrSpace)) {
          if (!IsDomainName(domain)) return Bad("not a domain name: '" + domain + "'");
          c.sequences.control_domains.push_back(ToLowerAscii(domain));
        }
        return Status::Ok();
      },
      [](Config& c) { c.sequences.control_domains.clear(); },
      [](const Config& c) { return Join(c.sequences.control_domains, ", "); }));
  t.push_back(Row(
      "unsubscribe_url",
      "An https URL for one-click unsubscription (RFC 8058) in which {token} is replaced; empty "
      "for mail only.",
      [](Config& c, const std::string& v) {
        if (!v.empty() && !IsUnsubscribeUrl(v))
          return Bad("expected an https:// URL containing {token}, got '" + v + "'");
        c.sequences.unsubscribe_url = v;
        return Status::Ok();
      },
      [](const Config& c) { return c.sequences.unsubscribe_url; }));
  t.push_back(Row(
      "soft_bounce_limit",
      "How many temporary delivery failures (4.x.x) suppress a person in every sequence.",
      [](Config& c, const std::string& v) {
        Result<int64_t> n = ParseInteger(v, 1, 1000);
        if (!n.ok()) return n.status();
        c.sequences.soft_bounce_limit = static_cast<uint32_t>(*n);
        return Status::Ok();
      },
      [](const Config& c) { return std::to_string(c.sequences.soft_bounce_limit); }));
  t.push_back(Row(
      "trigger_body_limit",
      "How much of a message body the milter reads for body conditions in sequence triggers "
      "and exits; text past it is not searched.",
      [](Config& c, const std::string& v) {
        Result<uint64_t> n = ParseByteSize(v);
        if (!n.ok()) return n.status();
        if (*n < 1024 || *n > 64 * 1024 * 1024)
          return Bad("expected a size from 1K to 64M, got '" + v + "'");
        c.sequences.trigger_body_limit = *n;
        return Status::Ok();
      },
      [](const Config& c) { return FormatByteSize(c.sequences.trigger_body_limit); }));
  t.push_back(Row(
      "capture_max_length",
      "How many characters of a captured value (and of a display name) an enrolment keeps for "
      "templates.",
      [](Config& c, const std::string& v) {
        Result<int64_t> n = ParseInteger(v, 1, 1000);
        if (!n.ok()) return n.status();
        c.sequences.capture_max_length = static_cast<uint32_t>(*n);
        return Status::Ok();
      },
      [](const Config& c) { return std::to_string(c.sequences.capture_max_length); }));
  t.push_back(Row(
      "capture_allow_urls",
      "Whether URLs in captured values and display names are kept; by default they are removed.",
      [](Config& c, const std::string& v) {
        Result<bool> b = ParseYesNo(v);
        if (!b.ok()) return b.status();
        c.sequences.capture_allow_urls = *b;
        return Status::Ok();
      },
      [](const Config& c) { return FormatYesNo(c.sequences.capture_allow_urls); }));
  t.push_back(Row(
      "sequence_enrol_rate_limit",
      "Trigger enrolments into all sequences together per window, as COUNT/WINDOW (500/1h); "
      "over it nobody is enrolled. none: no limit.",
      [](Config& c, const std::string& v) {
        Result<RateLimit> limit = ParseRateLimit(v);
        if (!limit.ok()) return limit.status();
        c.sequences.enrol_rate_limit = *limit;
        return Status::Ok();
      },
      [](const Config& c) { return FormatRateLimit(c.sequences.enrol_rate_limit); }));
  t.push_back(Row(
      "confirm_local_part",
      "The local part of the address that confirms a double opt-in enrolment "
      "(confirm+TOKEN@domain).",
      [](Config& c, const std::string& v) {
        if (!IsPlainLocalPart(v)) return Bad("expected a plain local part, got '" + v + "'");
        c.sequences.confirm_local_part = v;
        return Status::Ok();
      },
      [](const Config& c) { return c.sequences.confirm_local_part; }));
  t.push_back(Row(
      "confirm_url",
      "An https URL in which {token} is replaced, offered in double opt-in confirmation mail as "
      "{{confirm_url}}; the site's page behind it confirms by mailing confirm+TOKEN@domain. Empty "
      "for mail only.",
      [](Config& c, const std::string& v) {
        if (!v.empty() && !IsUnsubscribeUrl(v))
          return Bad("expected an https:// URL containing {token}, got '" + v + "'");
        c.sequences.confirm_url = v;
        return Status::Ok();
      },
      [](const Config& c) { return c.sequences.confirm_url; }));

  // --- autoresponder-web ---
  t.push_back(Row(
      "web_listen",
      "Where autoresponder-web listens: HOST:PORT ([ADDRESS]:PORT for IPv6); keep it on loopback "
      "behind the site's reverse proxy.",
      [](Config& c, const std::string& v) {
        size_t colon = v.rfind(':');
        if (colon == std::string::npos || colon == 0)
          return Bad("expected HOST:PORT, got '" + v + "'");
        std::string host = v.substr(0, colon);
        if (host.size() > 2 && host.front() == '[' && host.back() == ']')
          host = host.substr(1, host.size() - 2);
        auto port = ParseInteger(v.substr(colon + 1), 1, 65535);
        if (!port.ok() || !IsSafeToken(host))
          return Bad("expected HOST:PORT with PORT 1-65535, got '" + v + "'");
        c.web.listen_host = host;
        c.web.listen_port = static_cast<uint16_t>(*port);
        return Status::Ok();
      },
      [](const Config& c) {
        const bool v6 = c.web.listen_host.find(':') != std::string::npos;
        return (v6 ? "[" + c.web.listen_host + "]" : c.web.listen_host) + ":" +
               std::to_string(c.web.listen_port);
      }));
  t.push_back(Row(
      "web_auth",
      "How autoresponder-web knows the user: imap (a login checked against web_imap_server) or "
      "proxy-header (the reverse proxy names the user in web_proxy_header).",
      [](Config& c, const std::string& v) {
        std::string lower = ToLowerAscii(v);
        if (lower == "imap") {
          c.web.auth = WebAuth::kImap;
        } else if (lower == "proxy-header") {
          c.web.auth = WebAuth::kProxyHeader;
        } else {
          return Bad("expected imap or proxy-header, got '" + v + "'");
        }
        return Status::Ok();
      },
      [](const Config& c) {
        return std::string(c.web.auth == WebAuth::kImap ? "imap" : "proxy-header");
      }));
  t.push_back(Row(
      "web_imap_server",
      "The IMAP server web_auth = imap logs in to: imaps://HOST[:PORT], or imap://HOST[:PORT] "
      "(STARTTLS required unless HOST is loopback).",
      [](Config& c, const std::string& v) {
        std::string lower = ToLowerAscii(v);
        const bool known = lower.rfind("imap://", 0) == 0 || lower.rfind("imaps://", 0) == 0;
        const std::string rest = v.substr(v.find("://") == std::string::npos ? 0 : v.find("://") + 3);
        if (!known || rest.empty() || !IsSafeToken(rest) || rest.find('/') != std::string::npos)
          return Bad("expected imap://HOST[:PORT] or imaps://HOST[:PORT], got '" + v + "'");
        c.web.imap_server = v;
        return Status::Ok();
      },
      [](const Config& c) { return c.web.imap_server; }));
  t.push_back(Row(
      "web_login_domain",
      "The domain added to a login name without '@' to make the user's address; empty when users "
      "log in with their address.",
      [](Config& c, const std::string& v) {
        if (!v.empty() && !IsDomainName(v)) return Bad("not a domain name: '" + v + "'");
        c.web.login_domain = ToLowerAscii(v);
        return Status::Ok();
      },
      [](const Config& c) { return c.web.login_domain; }));
  t.push_back(Row(
      "web_proxy_header",
      "The request header in which the reverse proxy names the logged-in user (web_auth = "
      "proxy-header).",
      [](Config& c, const std::string& v) {
        const bool ok = !v.empty() && v.size() <= 64 &&
                        std::all_of(v.begin(), v.end(), [](char ch) {
                          return std::isalnum(static_cast<unsigned char>(ch)) != 0 || ch == '-';
                        });
        if (!ok) return Bad("expected a header name (letters, digits, '-'), got '" + v + "'");
        c.web.proxy_header = v;
        return Status::Ok();
      },
      [](const Config& c) { return c.web.proxy_header; }));
  t.push_back(ListRow(
      "web_trusted_proxies",
      "Peer addresses (exact IPv4 or IPv6) whose web_proxy_header is believed; requests from "
      "anyone else are refused.",
      [](Config& c, const std::string& v) {
        for (const std::string& address : SplitList(v, kCommaOrSpace)) {
          if (!IsSafeToken(address) || address.find_first_not_of("0123456789abcdefABCDEF.:") !=
                                           std::string::npos)
            return Bad("not an IP address: '" + address + "'");
          c.web.trusted_proxies.push_back(ToLowerAscii(address));
        }
        return Status::Ok();
      },
      [](Config& c) { c.web.trusted_proxies.clear(); },
      [](const Config& c) { return Join(c.web.trusted_proxies, ", "); }));
  t.push_back(Duration(
      "web_session_lifetime", "How long a login to autoresponder-web lasts.",
      [](auto& c) -> auto& { return c.web.session_lifetime; }, Seconds(60), kOneDay * 30));
  t.push_back(Row(
      "web_cookie_secure",
      "Mark the session cookie Secure (sent over HTTPS only); no only for tests over plain HTTP.",
      [](Config& c, const std::string& v) {
        Result<bool> b = ParseYesNo(v);
        if (!b.ok()) return b.status();
        c.web.cookie_secure = *b;
        return Status::Ok();
      },
      [](const Config& c) { return FormatYesNo(c.web.cookie_secure); }));
  t.push_back(Row(
      "web_login_rate_limit",
      "Failed logins allowed per client address and per login name (N/DURATION); more are "
      "refused until the window has passed.",
      [](Config& c, const std::string& v) {
        Result<RateLimit> limit = ParseRateLimit(v);
        if (!limit.ok()) return limit.status();
        c.web.login_rate_limit = *limit;
        return Status::Ok();
      },
      [](const Config& c) { return FormatRateLimit(c.web.login_rate_limit); }));

  Config defaults = DefaultConfig();
  for (OptionEntry& e : t) e.info.default_value = e.print(defaults);
  return t;
}

}  // namespace

Config DefaultConfig() {
  Config config;
  config.compose.hostname = LocalHostName();
  return config;
}

const std::vector<OptionEntry>& OptionEntries() {
  static const std::vector<OptionEntry> entries = BuildEntries();
  return entries;
}

const OptionEntry* FindOptionEntry(const std::string& name) {
  for (const OptionEntry& e : OptionEntries())
    if (e.info.name == name) return &e;
  return nullptr;
}

const std::vector<OptionInfo>& OptionsTable() {
  static const std::vector<OptionInfo> table = [] {
    std::vector<OptionInfo> infos;
    for (const OptionEntry& e : OptionEntries()) infos.push_back(e.info);
    return infos;
  }();
  return table;
}

Status CheckConsistency(const Config& c, std::vector<std::string>* involved) {
  auto fail = [involved](std::vector<std::string> names, const std::string& message) {
    if (involved != nullptr) *involved = std::move(names);
    return Bad(message);
  };
  const PolicySettings& p = c.policy;
  if (p.min_period > p.default_period)
    return fail({"period_min", "period_default"},
                "period_default (" + FormatDuration(p.default_period) +
                    ") is shorter than period_min (" + FormatDuration(p.min_period) + ")");
  if (p.default_period > p.max_period)
    return fail({"period_default", "period_max"},
                "period_default (" + FormatDuration(p.default_period) +
                    ") is longer than period_max (" + FormatDuration(p.max_period) + ")");
  if (c.dispatch.retry_base > c.dispatch.retry_max)
    return fail({"retry_base", "retry_max"},
                "retry_base (" + FormatDuration(c.dispatch.retry_base) +
                    ") is longer than retry_max (" + FormatDuration(c.dispatch.retry_max) + ")");
  // A claim must outlive one hand-over, or a slow MTA lets a second
  // dispatcher claim the same reply and the sender gets it twice.
  if (c.dispatch.lease <= c.transport.timeout)
    return fail({"dispatch_lease", "transport_timeout"},
                "dispatch_lease (" + FormatDuration(c.dispatch.lease) +
                    ") must be longer than transport_timeout (" +
                    FormatDuration(c.transport.timeout) + ")");
  // The milter tells control mail apart by the local part alone.
  if (EqualsIgnoreCase(c.sequences.bounce_local_part, c.sequences.unsubscribe_local_part))
    return fail({"bounce_local_part", "unsubscribe_local_part"},
                "bounce_local_part and unsubscribe_local_part must differ");
  for (const std::string& other :
       {c.sequences.bounce_local_part, c.sequences.unsubscribe_local_part})
    if (EqualsIgnoreCase(c.sequences.confirm_local_part, other))
      return fail({"confirm_local_part"},
                  "confirm_local_part must differ from bounce_local_part and "
                  "unsubscribe_local_part");
  if (p.require_authenticated_sender && p.trusted_authserv_id.empty())
    return fail({"require_authenticated_sender", "trusted_authserv_id"},
                "require_authenticated_sender = yes needs trusted_authserv_id");
  return Status::Ok();
}

}  // namespace ar
