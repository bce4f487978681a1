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
  // domain (RFC 8601 section 2.3).
  std::string_view v = Trim(identity);
  size_t at = v.rfind('@');
  if (at != std::string_view::npos) v = v.substr(at + 1);
  return ToLowerAscii(v);
}

// header.d "example.org" covers From domains example.org and
// mail.example.org (relaxed alignment as in RFC 7489 section 3.1.1, without
// a public-suffix list: the signer must be the From domain or a parent).
bool DomainAligned(std::string_view signer, std::string_view from_domain) {
  if (signer.empty() || from_domain.empty()) return false;
  if (EqualsIgnoreCase(signer, from_domain)) return true;
  // A one-label signer such as "com" would cover every .com domain.
  if (signer.find('.') == std::string_view::npos) return false;
  return from_domain.size() > signer.size() + 1 && EndsWithIgnoreCase(from_domain, signer) &&
         from_domain[from_domain.size() - signer.size() - 1] == '.';
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

bool ShowsAuthenticatedSender(const AuthenticationResults& results, std::string_view sender_domain,
                              std::string_view from_domain) {
  for (const AuthenticationResult& r : results.results) {
    if (r.result != "pass") continue;
    if (r.method == "spf") {
      std::string checked = DomainOfIdentity(r.Property("smtp.mailfrom"));
      if (!checked.empty() && EqualsIgnoreCase(checked, sender_domain)) return true;
    } else if (r.method == "dkim") {
      std::string d = DomainOfIdentity(r.Property("header.d"));
      std::string i = DomainOfIdentity(r.Property("header.i"));
      if (DomainAligned(d, from_domain) || DomainAligned(i, from_domain)) return true;
    }
  }
  return false;
}

MaybeVerdict FindAuthenticationVerdict(const Message& message, const PolicySettings& settings) {
  std::string sender_domain = DomainOf(message.envelope().sender);
  std::string from_domain;
  if (std::optional<std::string_view> from = message.First("From")) {
    std::vector<Mailbox> mailboxes = ParseAddressList(*from);
    if (!mailboxes.empty()) from_domain = DomainOf(mailboxes.front().address);
  }
  // An empty trusted id trusts nobody: with the requirement on and no id
  // configured, nothing is authenticated rather than everything.
  if (!settings.trusted_authserv_id.empty()) {
    for (std::string_view value : message.All("Authentication-Results")) {
      AuthenticationResults results = ParseAuthenticationResults(value);
      if (!EqualsIgnoreCase(results.authserv_id, settings.trusted_authserv_id)) continue;
      if (ShowsAuthenticatedSender(results, sender_domain, from_domain)) return std::nullopt;
    }
  }
  return MessageVerdict{SkipReason::kNotAuthenticated, "no trusted spf or aligned dkim pass"};
}

}  // namespace ar
