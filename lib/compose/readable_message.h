// ReadableMessage: a message composed by this folder shown the way a reader
// sees it, for previews (`autoresponder-ctl sequence render`): the header
// fields unfolded with RFC 2047 words decoded, then each text part decoded
// from its transfer encoding (7bit, quoted-printable, base64). LF line ends.
//
// Parts after the first are introduced by a "--- text/html ---" line. Only
// text parts are shown; anything else is named, not printed.
//
// Pure function; thread-safe. InvalidArgument when mimetic cannot parse the
// message (never for this folder's own output).
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace ar {

Result<std::string> ReadableMessage(std::string_view message);

}  // namespace ar
