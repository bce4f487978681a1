// RFC 3834 "this message was sent automatically" signals, and the de-facto
// ones that mean the same (mailing-list headers, Precedence, Microsoft's
// X-Auto-Response-Suppress, delivery and disposition reports). Each function
// reads only the header fields of the message; none does I/O.
// Thread-safe: pure functions.
#pragma once

#include <string_view>

#include "message/message.h"
#include "policy/message_verdict.h"

namespace ar {

// True when one Auto-Submitted value carries a keyword other than "no"
// (RFC 3834 section 5). Comments and parameters are ignored; an empty value
// counts as automatic because the field itself is only added by software.
bool IsAutoSubmittedValue(std::string_view value);

// True for Precedence: bulk, junk or list (case-insensitive, comments ignored).
bool IsBulkPrecedenceValue(std::string_view value);

// True when X-Auto-Response-Suppress lists All or OOF (comma separated).
bool SuppressesOutOfOffice(std::string_view value);

// True when a Content-Type value is multipart/report (RFC 6522), whatever the
// report-type: DSNs, MDNs and feedback reports are never answered.
bool IsReportContentType(std::string_view value);

// The first automatic signal found in the message, checked in this order:
// Auto-Submitted, list headers (RFC 2369, RFC 2919), Precedence,
// X-Auto-Response-Suppress, multipart/report.
MaybeVerdict FindAutomaticSignal(const Message& message);

}  // namespace ar
