// HTML rendered to plain text for trigger conditions: what a reader sees,
// so that "SKU PX-100" in an HTML-only order mail matches the same pattern
// as in a text/plain one. Not a layout engine: tags go, block elements and
// <br> become line breaks, script/style/head content and comments are
// dropped, character references (&amp; &#8364; &#x20AC;) are decoded, and
// runs of spaces collapse to one.
//
// Stateless; safe to call from any thread.
#pragma once

#include <string>
#include <string_view>

namespace ar {

// html must be UTF-8; so is the result. Malformed markup (an unclosed tag or
// comment) drops the rest of the input rather than show markup as text.
std::string RenderHtmlAsText(std::string_view html);

}  // namespace ar
