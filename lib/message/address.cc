#include "message/address.h"

#include <optional>
#include <utility>

#include "core/strings.h"
#include "message/address_lexer.h"
#include "message/rfc2047.h"

namespace ar {
namespace {

// A mailbox needs a handful of tokens; more is garbage or an attack, and
// the mailbox is skipped rather than grown without bound.
constexpr size_t kMaxTokensPerMailbox = 128;
// RFC 5321 section 4.5.3.1.3 limits a path to 256 octets including the
// brackets, so an address is at most 254.
constexpr size_t kMaxAddressBytes = 254;

bool IsSpecial(const AddressToken& t, char c) {
  return t.kind == AddressTokenKind::kSpecial && t.special == c;
}

bool IsGlue(const AddressToken& t) { return IsSpecial(t, '.') || IsSpecial(t, '@'); }

// The token as it would be written inside an addr-spec. White space and
// comments between the parts are dropped (obs-local-part and obs-domain
// allow CFWS around the dots, RFC 5322 section 4.4).
void AppendAddressForm(const AddressToken& t, std::string* out) {
  switch (t.kind) {
    case AddressTokenKind::kAtom:
      out->append(t.text);
      break;
    case AddressTokenKind::kQuotedString:
      out->push_back('"');
      for (char c : t.text) {
        if (c == '"' || c == '\\') out->push_back('\\');
        out->push_back(c);
      }
      out->push_back('"');
      break;
    case AddressTokenKind::kDomainLiteral:
      out->push_back('[');
      out->append(t.text);
      out->push_back(']');
      break;
    case AddressTokenKind::kSpecial:
      out->push_back(t.special);
      break;
    case AddressTokenKind::kComment:
      break;
  }
}

// The words of a display name, joined with single spaces where the original
// had white space, then RFC 2047-decoded. Encoded words inside quoted
// strings are decoded too: it is not what RFC 2047 section 5 allows, but it
// is what common mailers send and what every mail reader displays.
std::string DisplayNameOf(const std::vector<AddressToken>& tokens, size_t begin, size_t end) {
  std::string joined;
  for (size_t i = begin; i < end; ++i) {
    const AddressToken& t = tokens[i];
    if (t.space_before && !joined.empty()) joined.push_back(' ');
    if (t.kind == AddressTokenKind::kQuotedString) {
      joined.append(t.text);
    } else {
      AppendAddressForm(t, &joined);
    }
  }
  return DecodeHeaderText(Trim(joined));
}

// Collects one mailbox at a time from the token stream.
class AddressListParser {
 public:
  explicit AddressListParser(std::string_view value) : lexer_(value) {}

  std::vector<Mailbox> Parse() {
    while (std::optional<AddressToken> token = NextToken()) {
      Consume(std::move(*token));
      if (result_.size() >= kMaxMailboxes) break;
    }
    FinishMailbox();
    return std::move(result_);
  }

 private:
  std::optional<AddressToken> NextToken() {
    if (pushed_back_) return std::exchange(pushed_back_, std::nullopt);
    return lexer_.Next();
  }

  void Consume(AddressToken token) {
    if (token.kind == AddressTokenKind::kComment) {
      // An old convention puts the name in a comment: "user@x (Full Name)".
      if (comment_.empty()) comment_ = std::move(token.text);
      return;
    }
    if (token.oversized) garbage_ = true;
    if (token.kind == AddressTokenKind::kSpecial) {
      switch (token.special) {
        case ',':
          FinishMailbox();
          return;
        case ';':
          // End of a group (RFC 5322 section 3.4); also tolerated outside one.
          FinishMailbox();
          in_group_ = false;
          return;
        case ':':
          if (angle_address_) return;  // trailing garbage after "<...>"
          if (!in_group_) {
            // "display-name:" opens a group; the name is not a mailbox.
            phrase_.clear();
            comment_.clear();
            garbage_ = false;
            in_group_ = true;
          } else {
            garbage_ = true;  // groups do not nest (RFC 5322 section 3.4)
          }
          return;
        case '<':
          ReadAngleAddress();
          return;
        case '>':
          return;  // nothing to close
        default:
          break;
      }
    }
    if (angle_address_) return;  // trailing garbage after "<...>"
    if (phrase_.size() >= kMaxTokensPerMailbox) {
      garbage_ = true;
      return;
    }
    phrase_.push_back(std::move(token));
  }

  // Reads the rest of an angle-addr after '<'. The obsolete source route
  // "<@a,@b:user@x>" (RFC 5322 section 4.4) is skipped. A missing '>' is
  // tolerated: outside a route, ',' or ';' ends the address as well.
  void ReadAngleAddress() {
    std::string address;
    bool in_route = false;
    bool first = true;
    size_t tokens = 0;
    while (std::optional<AddressToken> token = NextToken()) {
      if (token->kind == AddressTokenKind::kComment) continue;
      if (token->oversized || ++tokens > kMaxTokensPerMailbox) garbage_ = true;
      if (first && IsSpecial(*token, '@')) in_route = true;
      first = false;
      if (in_route) {
        if (IsSpecial(*token, ':')) {
          in_route = false;
          address.clear();
        } else if (IsSpecial(*token, '>')) {
          break;
        }
        continue;
      }
      if (IsSpecial(*token, '>')) break;
      if (IsSpecial(*token, ',') || IsSpecial(*token, ';')) {
        pushed_back_ = std::move(token);
        break;
      }
      if (address.size() <= kMaxAddressBytes) AppendAddressForm(*token, &address);
    }
    if (angle_address_) {
      garbage_ = true;  // a second "<...>" in one mailbox
      return;
    }
    if (address.size() > kMaxAddressBytes) garbage_ = true;
    angle_address_ = std::move(address);
  }

  void FinishMailbox() {
    std::optional<Mailbox> mailbox;
    if (!garbage_) mailbox = angle_address_ ? FromAngleAddress() : FromBareTokens();
    if (mailbox && !mailbox->address.empty() && result_.size() < kMaxMailboxes) {
      result_.push_back(std::move(*mailbox));
    }
    phrase_.clear();
    comment_.clear();
    angle_address_.reset();
    garbage_ = false;
  }

  std::optional<Mailbox> FromAngleAddress() {
    Mailbox mailbox;
    mailbox.address = std::move(*angle_address_);
    mailbox.display_name = DisplayNameOf(phrase_, 0, phrase_.size());
    if (mailbox.display_name.empty() && !comment_.empty()) {
      mailbox.display_name = DecodeHeaderText(Trim(comment_));
    }
    return mailbox;
  }

  // A mailbox written without angle brackets. Usually a bare addr-spec;
  // "Name user@x" (brackets forgotten) is read as name and address when
  // the last word holds the '@'. Anything else is skipped.
  std::optional<Mailbox> FromBareTokens() {
    if (phrase_.empty()) return std::nullopt;
    // Words are separated by white space except around '.' and '@', where
    // obsolete syntax allows it ("john . doe @ example . org").
    size_t last_word = 0;
    for (size_t i = 1; i < phrase_.size(); ++i) {
      if (phrase_[i].space_before && !IsGlue(phrase_[i]) && !IsGlue(phrase_[i - 1])) {
        last_word = i;
      }
    }
    bool has_at = false;
    for (size_t i = last_word; i < phrase_.size(); ++i) has_at |= IsSpecial(phrase_[i], '@');
    const bool single_atom =
        phrase_.size() == 1 && phrase_[0].kind == AddressTokenKind::kAtom;  // "postmaster"
    if (!has_at && !(last_word == 0 && single_atom)) return std::nullopt;

    Mailbox mailbox;
    for (size_t i = last_word; i < phrase_.size(); ++i)
      AppendAddressForm(phrase_[i], &mailbox.address);
    if (mailbox.address.size() > kMaxAddressBytes) return std::nullopt;
    mailbox.display_name = DisplayNameOf(phrase_, 0, last_word);
    if (mailbox.display_name.empty() && !comment_.empty()) {
      mailbox.display_name = DecodeHeaderText(Trim(comment_));
    }
    return mailbox;
  }

  AddressLexer lexer_;
  std::optional<AddressToken> pushed_back_;
  std::vector<Mailbox> result_;
  // The mailbox being collected.
  std::vector<AddressToken> phrase_;
  std::string comment_;
  std::optional<std::string> angle_address_;
  bool garbage_ = false;
  bool in_group_ = false;
};

bool IsAlnumAscii(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// A BATV tag (draft-levine-smtp-batv section 4.1 uses 10 characters: key
// number, day, hash). Accept any short alphanumeric run so that variants
// with other lengths are stripped as well.
bool IsBatvTag(std::string_view tag) {
  if (tag.empty() || tag.size() > 64) return false;
  for (char c : tag) {
    if (!IsAlnumAscii(c)) return false;
  }
  return true;
}

}  // namespace

std::vector<Mailbox> ParseAddressList(std::string_view value) {
  return AddressListParser(value).Parse();
}

std::string NormalizeAddress(std::string_view address) { return ToLowerAscii(Trim(address)); }

std::string NormalizeSenderForDedupe(std::string_view address) {
  std::string normalized = NormalizeAddress(address);
  const size_t at = normalized.rfind('@');
  const std::string_view local =
      std::string_view(normalized).substr(0, at == std::string::npos ? normalized.size() : at);
  const std::string_view domain_part =
      at == std::string::npos ? std::string_view() : std::string_view(normalized).substr(at);
  constexpr std::string_view kPrefix = "prvs=";
  if (!local.starts_with(kPrefix)) return normalized;
  const std::string_view rest = local.substr(kPrefix.size());
  std::string_view user;
  // "prvs=TAG=user" (the form in the BATV draft) ...
  if (const size_t eq = rest.find('=');
      eq != std::string_view::npos && IsBatvTag(rest.substr(0, eq))) {
    user = rest.substr(eq + 1);
  } else if (const size_t slash = rest.rfind('/');
             slash != std::string_view::npos && IsBatvTag(rest.substr(slash + 1))) {
    // ... and "prvs=user/TAG", which some implementations send.
    user = rest.substr(0, slash);
  }
  if (user.empty()) return normalized;
  std::string stripped(user);
  stripped.append(domain_part);
  return stripped;
}

std::string DomainOf(std::string_view address) {
  const size_t at = address.rfind('@');
  if (at == std::string_view::npos) return "";
  return ToLowerAscii(address.substr(at + 1));
}

std::string LocalPartOf(std::string_view address) {
  const size_t at = address.rfind('@');
  std::string_view local = at == std::string_view::npos ? address : address.substr(0, at);
  // Subaddress ("user+tag", RFC 5233): the mailbox is the part before '+'.
  if (const size_t plus = local.find('+'); plus != std::string_view::npos && plus > 0) {
    local = local.substr(0, plus);
  }
  return std::string(local);
}

bool IsSafeAddress(std::string_view address) {
  if (address.empty() || address.size() > kMaxAddressBytes) return false;
  size_t ats = 0;
  for (char c : address) {
    const auto u = static_cast<unsigned char>(c);
    // Printable ASCII only: replies are 7-bit (an RFC 6531 address cannot be
    // written into them), and a control character could end a header line.
    if (u <= 0x20 || u >= 0x7F) return false;
    switch (c) {
      case '<':
      case '>':
      case '(':
      case ')':
      case ',':
      case ';':
      case ':':
      case '"':
      case '`':
      case '\\':
        return false;
      case '@':
        ++ats;
        break;
      default:
        break;
    }
  }
  if (ats != 1) return false;
  // Both sides of the '@' must be present for the address to be routable.
  const size_t at = address.find('@');
  return at > 0 && at + 1 < address.size();
}

}  // namespace ar
