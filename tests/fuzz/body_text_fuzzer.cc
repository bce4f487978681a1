// Fuzzes the reading of a message body for body conditions
// (message/body_text.h): MIME structure, transfer decoding, charsets, HTML
// rendering, and the cleaning of what a pattern captures from it
// (sequence/captured_value.h).
//
// Input: the first line is the message's Content-Type value, the second its
// Content-Transfer-Encoding; the rest is the body.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "message/body_text.h"
#include "message/message.h"
#include "message/utf8.h"
#include "sequence/captured_value.h"
#include "tests/fuzz/fuzz_property.h"

namespace {

std::string_view NextLine(std::string_view* text) {
  const size_t end = text->find('\n');
  const std::string_view line = text->substr(0, end);
  text->remove_prefix(end == std::string_view::npos ? text->size() : end + 1);
  return line;
}

bool IsValidUtf8(const std::string& text) {
  std::string sanitized;
  ar::AppendSanitizedUtf8(text, &sanitized);
  return sanitized == text;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ar;
  using fuzz::Require;
  std::string_view rest = fuzz::AsText(data, size);
  Message headers;
  headers.AddHeader("Content-Type", NextLine(&rest));
  headers.AddHeader("Content-Transfer-Encoding", NextLine(&rest));

  for (size_t limit : {size_t{7}, size_t{256 * 1024}}) {
    const std::string text = ExtractBodyText(headers, rest, limit);
    Require(text.size() <= limit, "the body text never exceeds the limit");
    Require(IsValidUtf8(text), "the body text is valid UTF-8");

    CaptureLimits capture;
    capture.max_length = 16;
    const std::string cleaned = CleanCapturedValue(text, capture);
    Require(IsValidUtf8(cleaned), "a cleaned capture is valid UTF-8");
    Require(cleaned.size() <= 16 * 4, "a cleaned capture is at most max_length characters");
    for (char c : cleaned) {
      Require(static_cast<unsigned char>(c) >= 0x20 && c != 0x7F,
              "a cleaned capture has no control characters");
    }
    Require(cleaned.find("://") == std::string::npos, "a cleaned capture has no URL");
  }
  return 0;
}
