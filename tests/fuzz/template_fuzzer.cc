// Fuzzes step templates: ParseStepTemplate (sequence/step_template.cc) on a
// template file and its ".html" sibling, then RenderTemplate
// (compose/template_rendering.cc, Mustache through mstch) on every part, and
// RenderTemplate on the raw input in text and HTML mode.
//
// Input: the template file; a line "--html--" starts the ".html" sibling.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "compose/sequence_composer.h"
#include "core/strings.h"
#include "sequence/sequence_definition.h"
#include "tests/fuzz/fuzz_property.h"
#include "tests/fuzz/wire_message_check.h"

namespace ar {
namespace {

using fuzz::Require;

const std::map<std::string, std::string>& Variables() {
  static const std::map<std::string, std::string> variables = {
      {"name", "Ada <b>Lovelace</b> & \"Co\""},
      {"first_name", "Ada"},
      {"email", "ada@example.org"},
      {"coupon", "CAM-ABCD-EFGH"},
      {"unsubscribe_url", "https://shop.example/u/ABCDEFGH?x=1&y=2"},
      {"unsubscribe_mailto", "unsubscribe+ABCDEFGH@shop.example"},
      {"enrolled_date", "2026-01-15"},
      {"today", "2026-01-18"},
      {"flag", "yes"},
      {"empty", ""},
  };
  return variables;
}

void CheckRender(const std::string& text, bool html) {
  Result<std::string> rendered = RenderTemplate(text, Variables(), html);
  if (text.find("{{") == std::string::npos) {
    Require(rendered.ok() && *rendered == text, "text without tags renders as itself");
  }
  if (!rendered.ok()) return;
  // In HTML every {{name}} is escaped; only a literal '<', a triple or '&'
  // tag, or a delimiter change can put '<' into the output.
  if (html && text.find_first_of("<&=") == std::string::npos &&
      text.find("{{{") == std::string::npos) {
    Require(rendered->find('<') == std::string::npos, "HTML rendering escapes variables");
  }
}

bool IsAllowedTemplateHeader(std::string_view name) {
  return EqualsIgnoreCase(name, "Subject") || EqualsIgnoreCase(name, "From") ||
         EqualsIgnoreCase(name, "Reply-To") || StartsWithIgnoreCase(name, "X-");
}

bool IsStepHeaderName(std::string_view name) {
  for (std::string_view ours :
       {"From", "To", "Reply-To", "Subject", "Date", "Message-ID", "Auto-Submitted",
        "X-Auto-Response-Suppress", "List-Id", "List-Unsubscribe", "List-Unsubscribe-Post",
        "MIME-Version", "Content-Type", "Content-Transfer-Encoding"}) {
    if (EqualsIgnoreCase(name, ours)) return true;
  }
  return StartsWithIgnoreCase(name, "X-");
}

// The whole step message, as the dispatcher composes it.
void CheckComposedStep(const StepTemplate& step_template) {
  StepMessageInput input;
  input.person = "ada@example.org";
  input.display_name = "Ada \"Countess\" Lovelace";
  input.sequence = "fuzz";
  input.version = "v1";
  input.step = 2;
  input.list_id = "fuzz.shop.example";
  input.from = "Shop <shop@shop.example>";
  input.step_template = step_template;
  input.variables = Variables();
  input.unsubscribe_mailto = "unsubscribe+ABCDEFGH@shop.example";
  input.unsubscribe_url = "https://shop.example/u/ABCDEFGH";
  input.now = FromUnixSeconds(1768471200);
  input.enrolled_at = FromUnixSeconds(1768000000);
  ComposeSettings settings;
  settings.hostname = "mx.shop.example";
  settings.loop_marker_value = "sequence";
  Result<ComposedReply> composed = ComposeStepMessage(input, settings);
  if (composed.ok()) fuzz::RequireWireSafeMessage(composed->message, IsStepHeaderName);
}

}  // namespace
}  // namespace ar

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ar;
  const auto [text, html] = fuzz::SplitAt(fuzz::AsText(data, size), "\n--html--\n");

  SequenceSource source;
  source.file_name = "fuzz.sequence";
  source.templates["step.txt"] = std::string(text);
  if (!html.empty()) source.templates["step.html"] = std::string(html);

  Result<StepTemplate> parsed = ParseStepTemplate("step.txt", source);
  if (parsed.ok()) {
    bool has_subject = false;
    for (const auto& [name, value] : parsed->headers) {
      Require(IsAllowedTemplateHeader(name), "a template sets only Subject, From, Reply-To, X-*");
      has_subject = has_subject || EqualsIgnoreCase(name, "Subject");
      CheckRender(value, false);
    }
    Require(has_subject, "a parsed template has a Subject");
    CheckRender(parsed->text_body, false);
    if (!parsed->html_body.empty()) CheckRender(parsed->html_body, true);
    CheckComposedStep(*parsed);
  }

  // The renderer on its own, on everything (bounded: mstch is not fast).
  if (size <= 16 * 1024) {
    CheckRender(std::string(text), false);
    CheckRender(std::string(text), true);
  }
  return 0;
}
