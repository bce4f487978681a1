// HtmlPolicy: what HTML a user may store as their reply's HTML part. The
// reply goes to strangers' mail clients, and the page shows it back to the
// user, so active content is refused (never silently rewritten: the user
// sees what will be sent): <script>, <iframe>, <object>, <embed>, <form>,
// <meta>, <link>, <base>, <style> elements, on* event attributes, and
// javascript:, vbscript: and data: URLs. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ar {

// nullopt when html may be stored; otherwise what was found, for the error.
std::optional<std::string> FindActiveHtml(std::string_view html);

}  // namespace ar
