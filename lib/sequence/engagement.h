// Engagement: how a received message shows that a person engaged with a
// sequence mail. A reply names one of our Message-IDs in In-Reply-To or
// References (RFC 5322 section 3.6.4); an automatic answer (an out-of-office
// reply, a vacation notice) names it too but is not engagement (RFC 3834
// section 3.1.5 asks responders to mark themselves).
//
// Pure functions over the header fields of a Message; bounded; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "message/message.h"

namespace ar {

// At most this many ids are taken from In-Reply-To and References together;
// a hostile References field cannot make the decision look up thousands.
inline constexpr size_t kMaxReferencedMessageIds = 50;

// The msg-ids ("<...>", brackets kept, as we store them) named in
// In-Reply-To and then References, first occurrence first, without
// duplicates. Text outside angle brackets (comments, obsolete phrases) is
// ignored; ids with white space or control characters inside are skipped.
std::vector<std::string> ReferencedMessageIds(const Message& message);

// True when the message says it was sent automatically, so it must not count
// as a reply from the person. Signals: Auto-Submitted with any keyword other
// than "no" (RFC 3834 section 5), Precedence: auto_reply, the de-facto
// X-Autoreply and X-Autorespond fields (any value but "no"), and a
// multipart/report (a DSN or MDN is never a person replying; RFC 6522).
bool IsAutomaticMessage(const Message& message);

// True when Auto-Submitted says "auto-replied" (RFC 3834 section 5.1): the
// message answers another message (an out-of-office reply, a DSN).
bool IsAutoReplied(const Message& message);

}  // namespace ar
