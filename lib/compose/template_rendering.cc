// RenderTemplate (sequence_composer.h): Mustache through mstch.
//
// mstch escapes "{{name}}" with one process-wide function,
// mstch::config::escape. Swapping it per call would race between threads,
// so it is set once, to a function that asks a thread-local flag whether
// the render running on this thread is the HTML part.
#include <exception>
#include <mstch/mstch.hpp>
#include <mutex>
#include <vector>

#include "compose/sequence_composer.h"

namespace ar {

namespace {

thread_local bool html_escaping = false;

std::string EscapeHtml(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

void InstallEscape() {
  static std::once_flag once;
  std::call_once(once, [] {
    mstch::config::escape = [](const std::string& text) {
      return html_escaping ? EscapeHtml(text) : text;
    };
  });
}

// Sets the thread's escaping mode for one render and restores it after,
// also when mstch throws.
class EscapingScope {
 public:
  explicit EscapingScope(bool html) : saved_(html_escaping) { html_escaping = html; }
  ~EscapingScope() { html_escaping = saved_; }
  EscapingScope(const EscapingScope&) = delete;
  EscapingScope& operator=(const EscapingScope&) = delete;

 private:
  bool saved_;
};

// mstch silently drops text after a section that is never closed or closed
// out of order; an administrator would rather hear about it. With the
// default "{{ }}" delimiters the section tags are checked here; a template
// that changes its delimiters ("{{=<% %>=}}") is left to mstch.
Status CheckSections(const std::string& text) {
  if (text.find("{{=") != std::string::npos) return Status::Ok();
  std::vector<std::string> open;
  size_t i = 0;
  while ((i = text.find("{{", i)) != std::string::npos) {
    const bool triple = text.compare(i, 3, "{{{") == 0;
    const size_t end = text.find(triple ? "}}}" : "}}", i + 2);
    if (end == std::string::npos) break;  // mstch keeps an unclosed tag as text
    std::string tag = text.substr(i + 2, end - i - 2);
    i = end + 2;
    if (triple || tag.empty()) continue;
    const char kind = tag[0];
    if (kind != '#' && kind != '^' && kind != '/') continue;
    size_t b = 1;
    while (b < tag.size() && tag[b] == ' ') ++b;
    size_t e = tag.size();
    while (e > b && tag[e - 1] == ' ') --e;
    const std::string name = tag.substr(b, e - b);
    if (kind != '/') {
      open.push_back(name);
    } else if (open.empty() || open.back() != name) {
      return Status::InvalidArgument("template closes section '" + name + "' that is not open");
    } else {
      open.pop_back();
    }
  }
  if (!open.empty())
    return Status::InvalidArgument("template never closes section '" + open.back() + "'");
  return Status::Ok();
}

}  // namespace

Result<std::string> RenderTemplate(const std::string& text,
                                   const std::map<std::string, std::string>& variables, bool html) {
  if (Status sections = CheckSections(text); !sections.ok()) return sections;
  InstallEscape();
  try {
    mstch::map context;
    for (const auto& [name, value] : variables) context.emplace(name, value);
    EscapingScope scope(html);
    return mstch::render(text, context);
  } catch (const std::exception& e) {
    return Status::InvalidArgument(std::string("template does not render: ") + e.what());
  } catch (...) {
    return Status::InvalidArgument("template does not render");
  }
}

}  // namespace ar
