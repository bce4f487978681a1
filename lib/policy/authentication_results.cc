#include "policy/authentication_results.h"

#include "core/strings.h"
#include "message/address.h"
#include "policy/header_syntax.h"

namespace ar {

namespace {

// One lexical item of a resinfo after comments are gone: a word (anything up
// to whitespace, '=' or a quote), a quoted string, or '='.
struct Token {
  enum class Kind { kWord, kQuoted, kEquals } kind;
  std::string text;
};

std::vector<Token> Tokenize(std::string_view text) {
  std::vector<Token> tokens;
  size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      ++i;
    } else if (c == '=') {
      tokens.push_back({Token::Kind::kEquals, "="});
      ++i;
    } else if (c == '"') {
      size_t start = i++;
      while (i < text.size() && text[i] != '"') i += (text[i] == '\\') ? 2 : 1;
      i = std::min(i + 1, text.size());
      tokens.push_back({Token::Kind::kQuoted, Unquote(text.substr(start, i - start))});
    } else {
      size_t start = i;
      while (i < text.size() && text[i] != '=' && text[i] != '"' && text[i] != ' ' &&
             text[i] != '\t' && text[i] != '\r' && text[i] != '\n') {
        ++i;
      }
      tokens.push_back({Token::Kind::kWord, std::string(text.substr(start, i - start))});
    }
  }
  return tokens;
}

// Reads "name = value" pairs. RFC 8601 section 2.2 allows CFWS around '=',
// '.' and '/', so the words before an '=' are joined: "header . d" is
// "header.d", "dkim / 1" is "dkim/1".
std::vector<std::pair<std::string, std::string>> ReadPairs(const std::vector<Token>& tokens) {
  std::vector<std::pair<std::string, std::string>> pairs;
  std::string name;
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (tokens[i].kind != Token::Kind::kEquals) {
      const std::string& word = tokens[i].text;
      bool continues =
          !name.empty() && !word.empty() &&
          (name.back() == '.' || name.back() == '/' || word.front() == '.' || word.front() == '/');
      // A stray word not joined by '.' or '/' starts a new name.
      name = continues ? name + word : word;
      continue;
    }
    if (i + 1 < tokens.size() && tokens[i + 1].kind != Token::Kind::kEquals && !name.empty()) {
      pairs.emplace_back(ToLowerAscii(name), tokens[i + 1].text);
      ++i;
    }
    name.clear();
  }
  return pairs;
}

std::string DomainOfIdentity(std::string_view identity) {
  // header.i and smtp.mailfrom may be "user@domain", "@domain" or a bare
  // domain (RFC 8601 section 2.3). A trailing root dot names the same domain.
  std::string_view v = Trim(identity);
  size_t at = v.rfind('@');
  if (at != std::string_view::npos) v = v.substr(at + 1);
  if (!v.empty() && v.back() == '.') v.remove_suffix(1);
  return ToLowerAscii(v);
}

// A signature by example.org covers envelope senders in example.org and
// mail.example.org: whoever holds the parent's DNS already controls every
// child, so trusting the parent adds no one who could not sign as the child
// anyway. A child (d=mail.example.org for example.org) is not accepted, as a
// subdomain may be handed to someone else. A one-label signer such as "com"
// would cover every .com domain and is refused, without needing a
// public-suffix list.
bool SignerCoversDomain(std::string_view signer, std::string_view domain) {
  if (signer.empty() || domain.empty()) return false;
  if (signer.find('.') == std::string_view::npos) return false;
  if (EqualsIgnoreCase(signer, domain)) return true;
  return domain.size() > signer.size() + 1 && EndsWithIgnoreCase(domain, signer) &&
         domain[domain.size() - signer.size() - 1] == '.';
}

bool ReportsMethod(const AuthenticationResults& field, std::string_view method) {
  for (const AuthenticationResult& r : field.results) {
    if (r.method == method) return true;
  }
  return false;
}

// The topmost field reporting method, or null: a verifier writes one field
// per message, and ours is above any that came from outside.
const AuthenticationResults* VerdictFor(const std::vector<AuthenticationResults>& trusted,
                                        std::string_view method) {
  for (const AuthenticationResults& field : trusted) {
    if (ReportsMethod(field, method)) return &field;
  }
  return nullptr;
}

bool SpfPassFor(const AuthenticationResults& field, std::string_view sender_domain) {
  for (const AuthenticationResult& r : field.results) {
    if (r.method != "spf" || r.result != "pass") continue;
    // A pass for the HELO name or another domain says nothing about the
    // address the reply would go to; no smtp.mailfrom means no pass.
    std::string checked = DomainOfIdentity(r.Property("smtp.mailfrom"));
    if (!checked.empty() && EqualsIgnoreCase(checked, sender_domain)) return true;
  }
  return false;
}

bool AlignedDkimPassFor(const AuthenticationResults& field, std::string_view sender_domain) {
  for (const AuthenticationResult& r : field.results) {
    if (r.method != "dkim" || r.result != "pass") continue;
    // header.d is the signing domain; header.i (which RFC 6376 section 3.5
    // keeps inside d=) stands in only for verifiers that write no header.d.
    std::string signer = DomainOfIdentity(r.Property("header.d"));
    if (signer.empty()) signer = DomainOfIdentity(r.Property("header.i"));
    if (SignerCoversDomain(signer, sender_domain)) return true;
  }
  return false;
}

}  // namespace

std::string AuthenticationResult::Property(std::string_view name) const {
  for (const auto& [key, value] : properties) {
    if (key == name) return value;
  }
  return "";
}

AuthenticationResults ParseAuthenticationResults(std::string_view value) {
  AuthenticationResults parsed;
  std::vector<std::string> parts = SplitOutsideQuotes(StripComments(value), ';');
  if (parts.empty()) return parsed;
  // First part: authserv-id [ CFWS authres-version ].
  std::vector<Token> head = Tokenize(parts[0]);
  if (!head.empty() && head[0].kind != Token::Kind::kEquals) parsed.authserv_id = head[0].text;
  // An id spelled with quoted-pairs ("mx.ex\ample.org") is kept as written,
  // so it never equals a configured id: no verifier writes one, and a filter
  // in front that removes fields naming our id would not see it.
  if (!head.empty() && head[0].kind == Token::Kind::kQuoted &&
      parts[0].find('\\') != std::string::npos) {
    parsed.authserv_id = std::string(Trim(parts[0]));
  }
  for (size_t i = 1; i < parts.size(); ++i) {
    // "none" (no-result) and anything without "method=result" yield nothing.
    std::vector<std::pair<std::string, std::string>> pairs = ReadPairs(Tokenize(parts[i]));
    if (pairs.empty()) continue;
    AuthenticationResult result;
    result.method = pairs[0].first.substr(0, pairs[0].first.find('/'));
    result.result = ToLowerAscii(pairs[0].second);
    for (size_t p = 1; p < pairs.size(); ++p) {
      if (pairs[p].first == "reason") continue;
      result.properties.push_back(std::move(pairs[p]));
    }
    parsed.results.push_back(std::move(result));
  }
  return parsed;
}

std::vector<AuthenticationResults> TopmostTrustedResults(const Message& message,
                                                         std::string_view trusted_id) {
  std::vector<AuthenticationResults> trusted;
  // An empty trusted id trusts nobody: with the requirement on and no id
  // configured, nothing is authenticated rather than everything.
  if (trusted_id.empty()) return trusted;
  for (std::string_view value : message.All("Authentication-Results")) {
    AuthenticationResults field = ParseAuthenticationResults(value);
    // Someone else's field: it and everything below it arrived with the
    // message, so a field carrying our id down there is a forgery.
    if (!EqualsIgnoreCase(field.authserv_id, trusted_id)) break;
    trusted.push_back(std::move(field));
  }
  return trusted;
}

bool ShowsAuthenticatedSender(const std::vector<AuthenticationResults>& trusted,
                              std::string_view sender_domain) {
  if (sender_domain.empty()) return false;
  const AuthenticationResults* spf = VerdictFor(trusted, "spf");
  if (spf && SpfPassFor(*spf, sender_domain)) return true;
  const AuthenticationResults* dkim = VerdictFor(trusted, "dkim");
  return dkim && AlignedDkimPassFor(*dkim, sender_domain);
}

MaybeVerdict FindAuthenticationVerdict(const Message& message, const PolicySettings& settings) {
  // The reply goes to the envelope sender, so that is whom the results must
  // vouch for; <> is never answered anyway.
  std::string sender_domain = DomainOfIdentity(DomainOf(message.envelope().sender));
  if (sender_domain.empty()) {
    return MessageVerdict{SkipReason::kNotAuthenticated, "no envelope sender domain"};
  }
  std::vector<AuthenticationResults> trusted =
      TopmostTrustedResults(message, settings.trusted_authserv_id);
  if (ShowsAuthenticatedSender(trusted, sender_domain)) return std::nullopt;
  return MessageVerdict{SkipReason::kNotAuthenticated,
                        trusted.empty() ? "no trusted Authentication-Results at the top"
                                        : "no trusted spf or aligned dkim pass for the envelope "
                                          "sender domain"};
}

}  // namespace ar
