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
