#include "sequence/trigger_matcher.h"

#include <re2/re2.h>

#include <utility>

#include "core/strings.h"
#include "message/address.h"
#include "message/rfc2047.h"

namespace ar {
namespace {

enum class Field { kSender, kRecipient, kFrom, kReplyTo, kSubject, kHeader, kBody };

// Envelope paths arrive without brackets, but an MTA macro or a test may keep
// them; either way the same address must compare equal.
std::string NormalizePath(std::string_view path) {
  std::string_view p = Trim(path);
  if (p.size() >= 2 && p.front() == '<' && p.back() == '>') p = p.substr(1, p.size() - 2);
  return NormalizeAddress(Trim(p));
}

// RFC 5233 subaddress: "leads+canon-eos-5d@shop.example" -> "canon-eos-5d".
std::optional<std::string> SubaddressOf(std::string_view address) {
  const size_t at = address.rfind('@');
  const std::string_view local = address.substr(0, at);
  const size_t plus = local.find('+');
  if (plus == std::string_view::npos) return std::nullopt;
  return std::string(local.substr(plus + 1));
}

// The normalised addresses of every field called `name`.
std::vector<std::string> AddressesOf(const Message& message, std::string_view name) {
  std::vector<std::string> out;
  for (std::string_view value : message.All(name)) {
    for (const Mailbox& mailbox : ParseAddressList(value)) {
      out.push_back(NormalizeAddress(mailbox.address));
    }
  }
  return out;
}

// The first mailbox of the first field called `name`.
std::optional<Mailbox> FirstMailbox(const Message& message, std::string_view name) {
  const std::optional<std::string_view> value = message.First(name);
  if (!value) return std::nullopt;
  std::vector<Mailbox> mailboxes = ParseAddressList(*value);
  if (mailboxes.empty()) return std::nullopt;
  return std::move(mailboxes.front());
}

}  // namespace

struct TriggerMatcher::Compiled {
  Field field = Field::kSender;
  std::string header_name;  // for Field::kHeader
  std::unique_ptr<RE2> re;
  std::vector<std::pair<std::string, int>> groups;  // named group -> index
};

TriggerMatcher::~TriggerMatcher() = default;

Result<std::shared_ptr<const TriggerMatcher>> TriggerMatcher::Compile(const TriggerSpec& spec) {
  std::shared_ptr<TriggerMatcher> matcher(new TriggerMatcher());
  matcher->spec_ = spec;
  for (const MatchCondition& condition : spec.conditions) {
    auto compiled = std::make_unique<Compiled>();
    const std::string field = ToLowerAscii(Trim(condition.field));
    const std::string where =
        condition.line > 0 ? "line " + std::to_string(condition.line) + ": " : std::string();
    if (field == "sender") {
      compiled->field = Field::kSender;
    } else if (field == "recipient") {
      compiled->field = Field::kRecipient;
    } else if (field == "from") {
      compiled->field = Field::kFrom;
    } else if (field == "reply-to") {
      compiled->field = Field::kReplyTo;
    } else if (field == "subject") {
      compiled->field = Field::kSubject;
    } else if (field == "body") {
      compiled->field = Field::kBody;
    } else if (StartsWithIgnoreCase(field, "header:") && !Trim(field.substr(7)).empty()) {
      compiled->field = Field::kHeader;
      compiled->header_name = std::string(
          Trim(std::string_view(condition.field).substr(condition.field.find(':') + 1)));
    } else {
      return Status::InvalidArgument(where + "unknown match field '" + condition.field + "'");
    }
    // RE2::Quiet: a bad pattern is reported once, here, not logged by RE2.
    compiled->re = std::make_unique<RE2>(condition.pattern, RE2::Quiet);
    if (!compiled->re->ok()) {
      return Status::InvalidArgument(where + "field '" + condition.field + "': pattern '" +
                                     condition.pattern +
                                     "' does not compile: " + compiled->re->error());
    }
    for (const auto& [name, index] : compiled->re->NamedCapturingGroups()) {
      compiled->groups.emplace_back(name, index);
    }
    matcher->conditions_.push_back(std::move(compiled));
  }
  if (spec.person == PersonSource::kHeader && Trim(spec.person_header).empty()) {
    return Status::InvalidArgument("person = header: names no header field");
  }
  return std::shared_ptr<const TriggerMatcher>(std::move(matcher));
}

namespace {

// An envelope address carries no name; the headers usually do ("To: Ole
// Hansen <ole@example.net>" on an order confirmation). The first mailbox
// with the same address in From, Reply-To, To or Cc lends its name.
std::string DisplayNameFromHeaders(const Message& message, const std::string& address) {
  for (const char* field : {"From", "Reply-To", "To", "Cc"}) {
    for (std::string_view value : message.All(field)) {
      for (const Mailbox& mailbox : ParseAddressList(value)) {
        if (!mailbox.display_name.empty() && NormalizeAddress(mailbox.address) == address)
          return mailbox.display_name;
      }
    }
  }
  return "";
}

}  // namespace

bool TriggerMatcher::ClientAllowed(std::string_view client_address) const {
  if (spec_.clients.empty()) return true;
  // No address (local submission, an MTA that sent no macro): no client
  // condition can hold.
  const std::optional<IpAddress> address = ParseIpAddress(client_address);
  if (!address) return false;
  for (const IpNetwork& network : spec_.clients) {
    if (NetworkContains(network, *address)) return true;
  }
  return false;
}

std::optional<TriggerMatch> TriggerMatcher::Match(const Message& message) const {
  const Envelope& envelope = message.envelope();
  if (spec_.direction == Direction::kSmtp && envelope.local_submission) return std::nullopt;
  if (spec_.direction == Direction::kLocal && !envelope.local_submission) return std::nullopt;
  if (!ClientAllowed(envelope.client_address)) return std::nullopt;
  // SMTP AUTH as the MTA reports it; a header claiming a login proves nothing.
  if (spec_.require_authenticated && envelope.authenticated_user.empty()) return std::nullopt;

  TriggerMatch match;
  std::optional<std::string> matched_recipient;
  for (const std::unique_ptr<Compiled>& condition : conditions_) {
    std::vector<std::string> candidates;
    switch (condition->field) {
      case Field::kSender:
        candidates.push_back(NormalizePath(envelope.sender));
        break;
      case Field::kRecipient:
        for (const std::string& recipient : envelope.recipients) {
          candidates.push_back(NormalizePath(recipient));
        }
        break;
      case Field::kFrom:
        candidates = AddressesOf(message, "From");
        break;
      case Field::kReplyTo:
        candidates = AddressesOf(message, "Reply-To");
        break;
      case Field::kSubject:
        for (std::string_view value : message.All("Subject")) {
          candidates.push_back(DecodeHeaderText(value));
        }
        break;
      case Field::kHeader:
        for (std::string_view value : message.All(condition->header_name)) {
          candidates.push_back(DecodeHeaderText(value));
        }
        break;
      case Field::kBody:
        // Already decoded and cut to trigger_body_limit by the reader of the
        // body; a message whose body was not read has "" and matches only a
        // pattern that matches nothing.
        break;
    }
    // The body is searched in place: it may be hundreds of KiB.
    std::vector<std::string_view> texts(candidates.begin(), candidates.end());
    if (condition->field == Field::kBody) texts.push_back(message.body_text());

    const RE2& re = *condition->re;
    std::vector<re2::StringPiece> groups(static_cast<size_t>(re.NumberOfCapturingGroups()) + 1);
    bool matched = false;
    for (std::string_view candidate : texts) {
      if (!re.Match(candidate, 0, candidate.size(), RE2::UNANCHORED, groups.data(),
                    static_cast<int>(groups.size()))) {
        continue;
      }
      matched = true;
      for (const auto& [name, index] : condition->groups) {
        const re2::StringPiece& group = groups[static_cast<size_t>(index)];
        // A group that took no part in the match sets nothing; on a clash
        // between conditions the first one wins.
        if (group.data() == nullptr) continue;
        match.variables.emplace(name, std::string(group.data(), group.size()));
      }
      if (condition->field == Field::kRecipient && !matched_recipient) {
        matched_recipient = std::string(candidate);
      }
      break;
    }
    if (!matched) return std::nullopt;
  }
  if (matched_recipient) {
    if (std::optional<std::string> detail = SubaddressOf(*matched_recipient)) {
      match.variables.emplace("recipient_detail", std::move(*detail));
    }
  }

  // Whose address this trigger enrols.
  std::optional<Mailbox> person;
  switch (spec_.person) {
    case PersonSource::kEnvelopeSender:
      person = Mailbox{"", NormalizePath(envelope.sender)};
      break;
    case PersonSource::kEnvelopeRecipient:
      if (matched_recipient) {
        person = Mailbox{"", *matched_recipient};
      } else if (!envelope.recipients.empty()) {
        person = Mailbox{"", NormalizePath(envelope.recipients.front())};
      }
      break;
    case PersonSource::kFrom:
      person = FirstMailbox(message, "From");
      break;
    case PersonSource::kReplyTo:
      person = FirstMailbox(message, "Reply-To");
      break;
    case PersonSource::kHeader:
      person = FirstMailbox(message, Trim(spec_.person_header));
      break;
  }
  if (!person) return std::nullopt;
  match.person = NormalizeAddress(Trim(person->address));
  if (!IsSafeAddress(match.person)) return std::nullopt;
  match.display_name = std::move(person->display_name);
  if (match.display_name.empty()) match.display_name = DisplayNameFromHeaders(message, match.person);
  return match;
}

}  // namespace ar
