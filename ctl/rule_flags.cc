#include "ctl/rule_flags.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <istream>
#include <iterator>

#include "core/strings.h"
#include "ctl/when_parser.h"

namespace ar {

namespace {

// Reads the whole stream, refusing more than max_bytes.
Result<std::string> ReadBounded(std::istream& in, size_t max_bytes, const std::string& what) {
  std::string data;
  char buffer[8192];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    data.append(buffer, static_cast<size_t>(in.gcount()));
    if (data.size() > max_bytes) {
      return Status::InvalidArgument(what + " is larger than " + std::to_string(max_bytes) +
                                     " bytes");
    }
  }
  if (in.bad()) return Status::IoError("cannot read " + what);
  return data;
}

// The reader's failure, its message prefixed with the flag; an unreadable
// file stays an I/O error (exit 1), anything else is the operator's input.
Status FileFlagError(const std::string& flag, const Status& status) {
  const std::string message = "--" + flag + ": " + status.message();
  if (status.code() == Status::Code::kIoError) return Status::IoError(message);
  return Status::InvalidArgument(message);
}

// Exactly one of --NAME and --NAME-file (or neither).
Result<std::optional<std::string>> TextFromFlags(const CommandLine& flags, const std::string& name,
                                                 const TextFileReader& read_file) {
  const std::string file_flag = name + "-file";
  if (flags.Has(name) && flags.Has(file_flag)) {
    return Status::InvalidArgument("give --" + name + " or --" + file_flag + ", not both");
  }
  if (flags.Has(name)) return std::optional<std::string>(flags.Flag(name));
  if (flags.Has(file_flag)) {
    const std::string path = flags.Flag(file_flag);
    if (path.empty()) return Status::InvalidArgument("--" + file_flag + " needs a file name");
    auto text = read_file(path);
    if (!text.ok()) return FileFlagError(file_flag, text.status());
    return std::optional<std::string>(std::move(*text));
  }
  return std::optional<std::string>();
}

// "none" removes the bound; anything else is a WHEN.
Result<std::optional<std::optional<TimePoint>>> WhenFromFlag(const CommandLine& flags,
                                                             const std::string& name,
                                                             const date::time_zone* zone,
                                                             WhenRole role) {
  using Bound = std::optional<std::optional<TimePoint>>;
  if (!flags.Has(name)) return Bound();
  const std::string value = flags.Flag(name);
  if (EqualsIgnoreCase(Trim(value), "none")) return Bound(std::optional<TimePoint>());
  auto when = ParseWhen(value, zone, role);
  if (!when.ok()) return Status::InvalidArgument("--" + name + ": " + when.status().message());
  return Bound(std::optional<TimePoint>(*when));
}

}  // namespace

const std::vector<ProgramFlag>& RuleSetFlags() {
  static const std::vector<ProgramFlag> flags = {
      {"alias", "another address of the user (repeatable; replaces the list)", true, true},
      {"no-aliases", "remove every alias", false, false},
      {"name", "display name in the reply's From", true, false},
      {"subject", "reply subject (default: \"Auto: <original subject>\")", true, false},
      {"text", "plain-text reply body", true, false},
      {"text-file", "read the plain-text body from a file (\"-\": standard input)", true, false},
      {"html-file", "read an HTML body from a file", true, false},
      {"no-html", "remove the HTML body", false, false},
      {"internal-text", "body for senders in the user's own domains", true, false},
      {"internal-text-file", "read the internal body from a file", true, false},
      {"no-internal-text", "internal senders get the normal text again", false, false},
      {"period", "how long a sender stays answered, e.g. 7d", true, false},
      {"start", "when the rule starts (WHEN, or none)", true, false},
      {"end", "when the rule ends (WHEN, or none)", true, false},
      {"tz", "IANA time zone for --start/--end, e.g. Europe/Oslo", true, false},
      {"external", "reply to senders outside the user's domains: all or none", true, false},
  };
  return flags;
}

Result<RuleEdits> RuleEditsFromFlags(const CommandLine& flags,
                                     const std::optional<OutOfOfficeRule>& existing,
                                     const TextFileReader& read_file) {
  RuleEdits edits;

  if (flags.Has("alias") && flags.Has("no-aliases")) {
    return Status::InvalidArgument("give --alias or --no-aliases, not both");
  }
  if (flags.Has("alias")) edits.aliases = flags.flags.at("alias");
  if (flags.Has("no-aliases")) edits.aliases = std::vector<std::string>();
  if (flags.Has("name")) edits.display_name = flags.Flag("name");
  if (flags.Has("subject")) edits.subject = flags.Flag("subject");

  auto text = TextFromFlags(flags, "text", read_file);
  if (!text.ok()) return text.status();
  edits.text_body = *text;

  if (flags.Has("html-file") && flags.Has("no-html")) {
    return Status::InvalidArgument("give --html-file or --no-html, not both");
  }
  if (flags.Has("html-file")) {
    auto html = read_file(flags.Flag("html-file"));
    if (!html.ok()) return FileFlagError("html-file", html.status());
    edits.html_body = *html;
  }
  if (flags.Has("no-html")) edits.html_body = std::string();

  auto internal = TextFromFlags(flags, "internal-text", read_file);
  if (!internal.ok()) return internal.status();
  if (*internal && flags.Has("no-internal-text")) {
    return Status::InvalidArgument("give --internal-text or --no-internal-text, not both");
  }
  edits.internal_text_body = *internal;
  if (flags.Has("no-internal-text")) edits.internal_text_body = std::string();

  if (flags.Has("period")) {
    auto period = ParseDuration(flags.Flag("period"));
    if (!period.ok()) return Status::InvalidArgument("--period: " + period.status().message());
    if (*period <= Seconds(0)) return Status::InvalidArgument("--period must be positive");
    edits.period = *period;
  }

  std::string zone_name = existing ? existing->time_zone : "";
  if (flags.Has("tz")) {
    zone_name = std::string(Trim(flags.Flag("tz")));
    edits.time_zone = zone_name;
  }
  auto zone = LookupTimeZone(zone_name);
  if (!zone.ok()) return Status::InvalidArgument("--tz: " + zone.status().message());

  auto start = WhenFromFlag(flags, "start", *zone, WhenRole::kStart);
  if (!start.ok()) return start.status();
  edits.start = *start;
  auto end = WhenFromFlag(flags, "end", *zone, WhenRole::kEnd);
  if (!end.ok()) return end.status();
  edits.end = *end;

  if (flags.Has("external")) {
    const std::string value = ToLowerAscii(Trim(flags.Flag("external")));
    if (value == "all") {
      edits.reply_to_external = true;
    } else if (value == "none") {
      edits.reply_to_external = false;
    } else {
      return Status::InvalidArgument("--external must be 'all' or 'none'");
    }
  }
  return edits;
}

Result<std::string> ReadTextFile(const std::string& path, std::istream& in, size_t max_bytes) {
  if (path == "-") return ReadBounded(in, max_bytes, "standard input");
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    return Status::IoError("cannot open '" + path + "': " + std::strerror(errno));
  }
  return ReadBounded(file, max_bytes, "'" + path + "'");
}

}  // namespace ar
