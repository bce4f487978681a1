#include "message/address_lexer.h"

namespace ar {
namespace {

bool IsSpecial(char c) {
  switch (c) {
    case '<':
    case '>':
    case ',':
    case ':':
    case ';':
    case '@':
    case '.':
      return true;
    default:
      return false;
  }
}

// Control characters count as white space: they never belong in an address
// and must not glue two words together.
bool IsSeparator(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u <= ' ' || u == 0x7F;
}

void AppendCapped(char c, AddressToken* token) {
  if (token->text.size() < AddressLexer::kMaxTokenBytes) {
    token->text.push_back(c);
  } else {
    token->oversized = true;
  }
}

// Length of an RFC 2047 encoded word "=?charset?e?text?=" starting at
// in[pos], or 0. Mailers put ',', '.' and '@' inside Q-encoded display
// names although RFC 2047 section 5 forbids it; reading the whole word as
// one atom keeps "=?utf-8?Q?Doe,_John?= <j@x>" one mailbox. The text scan
// stops at the first '?', so failed attempts cost no more than linear time.
size_t EncodedWordLength(std::string_view in, size_t pos) {
  if (in.substr(pos, 2) != "=?") return 0;
  size_t i = pos + 2;
  const size_t charset_begin = i;
  while (i < in.size() && in[i] != '?') {
    if (IsSeparator(in[i]) || i - charset_begin >= 75) return 0;
    ++i;
  }
  if (i == charset_begin || i + 2 >= in.size() || in[i + 2] != '?') return 0;
  i += 3;
  while (i < in.size() && in[i] != '?') {
    if (IsSeparator(in[i])) return 0;
    ++i;
  }
  if (i + 1 >= in.size() || in[i + 1] != '=') return 0;
  return i + 2 - pos;
}

}  // namespace

void AddressLexer::ReadDelimited(char close, bool nests, AddressToken* token) {
  const char open = input_[pos_];
  ++pos_;
  int depth = 1;
  while (pos_ < input_.size()) {
    const char c = input_[pos_++];
    if (c == '\\' && pos_ < input_.size()) {
      // RFC 5322 section 3.2.1 quoted-pair.
      AppendCapped(input_[pos_++], token);
      continue;
    }
    if (nests && c == open) {
      ++depth;
    } else if (c == close) {
      if (--depth == 0) return;
    }
    AppendCapped(c, token);
  }
  // Unterminated: the token ends with the input.
}

std::optional<AddressToken> AddressLexer::Next() {
  bool space_before = false;
  while (pos_ < input_.size()) {
    const char c = input_[pos_];
    if (IsSeparator(c) || c == ')' || c == ']') {
      // Stray closers have nothing to close; skip them like white space.
      space_before = true;
      ++pos_;
      continue;
    }
    AddressToken token;
    token.space_before = space_before;
    if (c == '(') {
      token.kind = AddressTokenKind::kComment;
      ReadDelimited(')', /*nests=*/true, &token);
    } else if (c == '"') {
      token.kind = AddressTokenKind::kQuotedString;
      ReadDelimited('"', /*nests=*/false, &token);
    } else if (c == '[') {
      token.kind = AddressTokenKind::kDomainLiteral;
      ReadDelimited(']', /*nests=*/false, &token);
    } else if (IsSpecial(c)) {
      token.kind = AddressTokenKind::kSpecial;
      token.special = c;
      ++pos_;
    } else {
      token.kind = AddressTokenKind::kAtom;
      while (pos_ < input_.size()) {
        if (const size_t word = EncodedWordLength(input_, pos_); word > 0) {
          for (size_t k = 0; k < word; ++k) AppendCapped(input_[pos_ + k], &token);
          pos_ += word;
          continue;
        }
        const char a = input_[pos_];
        if (IsSeparator(a) || IsSpecial(a) || a == '(' || a == ')' || a == '"' || a == '[' ||
            a == ']') {
          break;
        }
        AppendCapped(a, &token);
        ++pos_;
      }
    }
    return token;
  }
  return std::nullopt;
}

}  // namespace ar
