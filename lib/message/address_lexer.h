// Tokenizer for RFC 5322 address lists (section 3.2 lexical tokens). It
// turns a header value into atoms, quoted strings, domain literals, comments
// and the specials the address grammar needs. It never fails: unbalanced
// quotes, comments and brackets end at the end of the input, and stray
// closing characters are skipped. Work and memory are linear in the input;
// each token's text is capped at kMaxTokenBytes (longer tokens are marked).
//
// A lexer borrows the input view, which must outlive it. Not thread-safe;
// use one per parse.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace ar {

enum class AddressTokenKind {
  kAtom,           // run of atext (and '.'-free obs characters); 8-bit bytes allowed (RFC 6532)
  kQuotedString,   // text is the content with quoted-pairs resolved
  kDomainLiteral,  // text is the content between '[' and ']'
  kComment,        // text is the content of the outermost parentheses
  kSpecial,        // one of < > , : ; @ .  (in `special`)
};

struct AddressToken {
  AddressTokenKind kind = AddressTokenKind::kAtom;
  char special = '\0';
  std::string text;
  bool space_before = false;  // white space or a comment preceded the token
  bool oversized = false;     // text was cut at kMaxTokenBytes
};

class AddressLexer {
 public:
  static constexpr size_t kMaxTokenBytes = 1024;

  explicit AddressLexer(std::string_view input) : input_(input) {}

  // The next token, or nullopt at the end of the input.
  std::optional<AddressToken> Next();

 private:
  // Reads up to `close` (honouring quoted-pairs) into token->text; for
  // comments, nested parentheses are counted.
  void ReadDelimited(char close, bool nests, AddressToken* token);

  std::string_view input_;
  size_t pos_ = 0;
};

}  // namespace ar
