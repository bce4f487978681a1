// Step templates (autoresponder-sequence(5), TEMPLATES): header lines, a
// blank line, a text body; an optional ".html" sibling holds the HTML body.
// Only Subject, From, Reply-To and X-* fields may be set: every other field
// of a sequence mail (To, Message-ID, List-*, Auto-Submitted, MIME) belongs
// to the composer, and a template must not be able to forge or drop them.
#include <algorithm>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/strings.h"
#include "message/utf8.h"
#include "sequence/sequence_definition.h"
#include "sequence/sequence_file_parser.h"

namespace ar {
namespace {

// RFC 5322 section 3.6.8: printable US-ASCII except ':'.
bool IsFieldName(std::string_view name) {
  if (name.empty() || name.size() > 76) return false;
  for (char c : name) {
    if (c < 33 || c > 126 || c == ':') return false;
  }
  return true;
}

bool IsAllowedTemplateField(std::string_view name) {
  return EqualsIgnoreCase(name, "Subject") || EqualsIgnoreCase(name, "From") ||
         EqualsIgnoreCase(name, "Reply-To") || StartsWithIgnoreCase(name, "X-");
}

bool IsValidUtf8(std::string_view text) {
  std::string clean;
  AppendSanitizedUtf8(text, &clean);
  return clean == text;
}

bool HasControlCharacter(std::string_view text) {
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if ((u < 32 && c != '\t') || u == 127) return true;
  }
  return false;
}

// Splits into lines without their "\n" / "\r\n".
std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return lines;
}

// Checks the Mustache tags: every "{{" is closed, sections open and close in
// order, and no partials or delimiter changes (nothing to include them from).
void CheckMustacheTags(std::string_view text, int first_line, ParseErrors* errors) {
  std::vector<std::pair<std::string, int>> open_sections;
  size_t pos = 0;
  size_t counted = 0;  // newlines before `counted` are in `line`: linear work
  int line = first_line;
  while ((pos = text.find("{{", pos)) != std::string_view::npos) {
    line += static_cast<int>(std::count(text.begin() + counted, text.begin() + pos, '\n'));
    counted = pos;
    bool triple = text.substr(pos, 3) == "{{{";
    std::string_view closer = triple ? "}}}" : "}}";
    size_t body = pos + (triple ? 3 : 2);
    size_t close = text.find(closer, body);
    if (close == std::string_view::npos) {
      errors->Add(line,
                  "\"" + std::string(closer.size() == 3 ? "{{{" : "{{") + "\" is never closed");
      return;
    }
    std::string_view tag = Trim(text.substr(body, close - body));
    pos = close + closer.size();
    if (triple || tag.empty()) continue;
    char kind = tag.front();
    std::string name(Trim(tag.substr(1)));
    if (kind == '#' || kind == '^') {
      open_sections.emplace_back(name, line);
    } else if (kind == '/') {
      if (open_sections.empty() || open_sections.back().first != name) {
        errors->Add(line, "{{/" + name + "}} closes no open {{#" + name + "}}");
        return;
      }
      open_sections.pop_back();
    } else if (kind == '>') {
      errors->Add(line, "partials ({{>" + name + "}}) are not supported");
    } else if (kind == '=') {
      errors->Add(line, "changing the delimiters ({{=...=}}) is not supported");
      return;
    }
  }
  for (const auto& [name, line] : open_sections) {
    errors->Add(line, "{{#" + name + "}} is never closed with {{/" + name + "}}");
  }
}

void CheckBody(std::string_view body, int first_line, ParseErrors* errors) {
  int line = first_line;
  for (std::string_view l : Lines(body)) {
    if (!IsValidUtf8(l)) errors->Add(line, "not valid UTF-8");
    ++line;
  }
  CheckMustacheTags(body, first_line, errors);
}

}  // namespace

std::string HtmlSiblingName(const std::string& template_name) {
  size_t slash = template_name.rfind('/');
  size_t dot = template_name.rfind('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) {
    return template_name + ".html";
  }
  return template_name.substr(0, dot) + ".html";
}

Result<StepTemplate> ParseStepTemplate(const std::string& name, const SequenceSource& source) {
  auto found = source.templates.find(name);
  if (found == source.templates.end()) {
    return Status::NotFound("template " + name + " not found");
  }
  std::string_view text = found->second;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);

  ParseErrors errors(name);
  StepTemplate result;
  std::vector<std::string_view> lines = Lines(text);
  size_t i = 0;
  std::string current;              // the field being read, for continuation lines
  std::map<std::string, int> seen;  // lower-cased name -> line
  for (; i < lines.size(); ++i) {
    std::string_view line = lines[i];
    int number = static_cast<int>(i) + 1;
    if (line.empty()) break;
    if (!IsValidUtf8(line)) {
      errors.Add(number, "not valid UTF-8");
      continue;
    }
    if (line.front() == ' ' || line.front() == '\t') {
      // RFC 5322 section 2.2.3 folding: the line continues the field above.
      if (current.empty()) {
        errors.Add(number, "a continuation line without a header field above it");
      } else {
        result.headers[current] += " " + std::string(Trim(line));
      }
      continue;
    }
    size_t colon = line.find(':');
    std::string field(colon == std::string_view::npos ? std::string_view() : line.substr(0, colon));
    current.clear();
    if (colon == std::string_view::npos || !IsFieldName(field)) {
      errors.Add(number,
                 "not a header field \"Name: value\" (a blank line must separate the "
                 "headers from the body)");
      continue;
    }
    if (!IsAllowedTemplateField(field)) {
      errors.Add(number,
                 "header field " + field +
                     " is not allowed in a template (only Subject, From, Reply-To and X-*)");
      continue;
    }
    std::string value(Trim(line.substr(colon + 1)));
    if (HasControlCharacter(value)) {
      errors.Add(number, "control characters in header field " + field);
      continue;
    }
    auto [it, inserted] = seen.emplace(ToLowerAscii(field), number);
    if (!inserted) {
      errors.Add(number, "header field " + field + " given twice (first at line " +
                             std::to_string(it->second) + ")");
      continue;
    }
    result.headers[field] = value;
    current = field;
  }
  bool has_subject = false;
  for (const auto& [field, value] : result.headers) {
    if (EqualsIgnoreCase(field, "Subject")) has_subject = !value.empty();
  }
  if (!has_subject && !seen.count("subject")) {
    errors.Add(1, "no Subject header field (every template needs one)");
  } else if (!has_subject) {
    errors.Add(seen["subject"], "the Subject is empty");
  }
  for (const auto& [field, value] : result.headers) {
    CheckMustacheTags(value, seen[ToLowerAscii(field)], &errors);
  }

  // The body: everything after the blank line, with LF line ends.
  int body_line = static_cast<int>(i) + 2;
  for (size_t j = i + 1; j < lines.size(); ++j) {
    result.text_body += lines[j];
    result.text_body += '\n';
  }
  CheckBody(result.text_body, body_line, &errors);

  std::string html_name = HtmlSiblingName(name);
  auto html = source.templates.find(html_name);
  if (html != source.templates.end() && html_name != name) {
    ParseErrors html_errors(html_name);
    std::string_view body = html->second;
    if (body.substr(0, 3) == "\xEF\xBB\xBF") body.remove_prefix(3);
    for (std::string_view l : Lines(body)) {
      result.html_body += l;
      result.html_body += '\n';
    }
    CheckBody(result.html_body, 1, &html_errors);
    errors.AddAll(html_errors.messages());
  }
  if (!errors.empty()) return errors.ToStatus();
  return result;
}

namespace {

// The variable names the tags of text refer to, with their lines (counted
// from 1 at the start of text): {{name}}, {{{name}}}, {{&name}} and the
// sections {{#name}} / {{^name}}. A dotted name counts by its first part;
// comments, closers and the implicit iterator {{.}} name nothing.
void CollectVariableUses(std::string_view text, const std::string& file,
                         std::vector<TemplateVariableUse>* uses) {
  size_t pos = 0;
  size_t counted = 0;
  int line = 1;
  while ((pos = text.find("{{", pos)) != std::string_view::npos) {
    line += static_cast<int>(std::count(text.begin() + counted, text.begin() + pos, '\n'));
    counted = pos;
    const bool triple = text.substr(pos, 3) == "{{{";
    const std::string_view closer = triple ? "}}}" : "}}";
    const size_t body = pos + (triple ? 3 : 2);
    const size_t close = text.find(closer, body);
    if (close == std::string_view::npos) return;  // CheckMustacheTags reports it
    std::string_view tag = Trim(text.substr(body, close - body));
    pos = close + closer.size();
    if (tag.empty()) continue;
    if (!triple) {
      const char kind = tag.front();
      if (kind == '!' || kind == '/' || kind == '>' || kind == '=') continue;
      if (kind == '#' || kind == '^' || kind == '&') tag = Trim(tag.substr(1));
    }
    if (tag.empty() || tag == ".") continue;
    uses->push_back(TemplateVariableUse{std::string(tag.substr(0, tag.find('.'))), file, line});
  }
}

}  // namespace

std::vector<TemplateVariableUse> TemplateVariableUses(const std::string& name,
                                                      const SequenceSource& source) {
  std::vector<TemplateVariableUse> uses;
  auto found = source.templates.find(name);
  if (found == source.templates.end()) return uses;
  CollectVariableUses(found->second, name, &uses);
  const std::string html_name = HtmlSiblingName(name);
  auto html = source.templates.find(html_name);
  if (html != source.templates.end() && html_name != name)
    CollectVariableUses(html->second, html_name, &uses);
  return uses;
}

}  // namespace ar
