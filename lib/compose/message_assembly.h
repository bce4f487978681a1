// Message assembly shared by every composer in this folder (replies and
// sequence steps): writing RFC 5322 header fields, the MIME entity below
// them (mimetic), and the final 7-bit check. The only file besides the
// composers' own that includes mimetic.
//
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace ar {

// RFC 5322 section 3.6.8: field-name = 1*ftext, printable ASCII but ':'
// (and at most 76 octets so "Name: " leaves room on the line).
bool IsRfc5322FieldName(std::string_view name);

// Appends "Name: value" CRLF. value must already be folded (CRLF SP) and
// free of other CR/LF; an empty value gives "Name:".
void AppendHeaderField(std::string& out, std::string_view name, std::string_view value);

// The MIME part of a message, starting with "MIME-Version: 1.0": one
// text/plain; charset=utf-8 entity, or multipart/alternative (text, then
// HTML) when html is not empty. Bodies are repaired to valid UTF-8, given
// CRLF line ends and 7bit or quoted-printable
// encoding (body_encoding.h). boundary_tag (hex, from the Message-ID)
// makes the boundary deterministic. InvalidArgument if mimetic fails.
Result<std::string> MimeEntityText(std::string_view text, std::string_view html,
                                   std::string_view boundary_tag);

// True when message is 7-bit, has no bare CR or LF and no line longer than
// 998 octets (RFC 5322 section 2.1.1).
bool IsWellFormedMessage(std::string_view message);

}  // namespace ar
