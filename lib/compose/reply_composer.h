// ReplyComposer: turns a ReplyPlan into a complete RFC 5322 message
// (RFC 3834 section 3, RFC 5230 section 5) with mimetic. The only folder
// that includes mimetic.
//
// The reply has From, To, Subject, Date, Message-ID, In-Reply-To,
// References, Auto-Submitted: auto-replied, X-Auto-Response-Suppress: All,
// the loop marker, MIME-Version, and either one text/plain; charset=utf-8
// part or multipart/alternative (text, then HTML). Every header value built
// from the plan is stripped of CR, LF and other control characters first, so
// nothing from the original message or the rule can add a header.
//
// mimetic builds the MIME entity (MIME-Version, Content-Type,
// Content-Transfer-Encoding, parts, boundaries); the RFC 5322 fields
// above it are written by this folder (see reply_composer.cc for why).
// Bodies are 7bit or quoted-printable (body_encoding.h) with CRLF line ends; the output is deterministic for the
// same plan, settings and time.
//
// ComposeReply returns InvalidArgument for an unusable from_address,
// envelope_recipient, hostname or loop marker header name, rather than emit
// a broken header. Pure function; thread-safe.
#pragma once

#include <string>

#include "core/clock.h"
#include "core/result.h"
#include "policy/decision.h"

namespace ar {

struct ComposeSettings {
  std::string hostname;                 // right side of generated Message-IDs
  std::string loop_marker_header = "X-Autoresponder-Milter";
  std::string loop_marker_value = "reply";
};

struct ComposedReply {
  // "<...>": deterministic from (user, generation, dedupe_sender, now,
  // hostname), so composing the same decision twice yields the same id.
  std::string message_id;
  std::string message;  // CRLF line ends, 7-bit clean (7bit/QP bodies, RFC 2047 headers)
};

Result<ComposedReply> ComposeReply(const ReplyPlan& plan, const ComposeSettings& settings,
                                   TimePoint now);

}  // namespace ar
