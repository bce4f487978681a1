// Reading a whole stored message (RFC 5322 text, as in a .eml file or a
// Maildir) into the same bounded Message the milter builds from its header
// callbacks: for `autoresponder-ctl explain`, which must decide on exactly
// what the milter would see. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"
#include "message/message.h"

namespace ar {

struct MessageText {
  Message message;   // envelope as given, header fields as in the text
  std::string body;  // everything after the empty line, line ends as given
};

// Splits text at the first empty line; each header line that starts with a
// space or tab continues the field before it (RFC 5322 section 2.2.3).
// Accepts CRLF or LF line ends and an mbox "From " first line (skipped).
// InvalidArgument when the header section holds a line that is neither a
// field ("Name: value") nor a continuation, or no field at all.
Result<MessageText> ParseMessageText(std::string_view text, Envelope envelope);

}  // namespace ar
