#include "sequence/when_syntax.h"

#include <cstdint>
#include <string>
#include <vector>

#include "core/strings.h"

namespace ar {

bool IsVariableName(std::string_view text) {
  if (text.empty() || text.size() > 64) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    bool digit = c >= '0' && c <= '9';
    if (!letter && !(digit && i > 0)) return false;
  }
  return true;
}

Result<Seconds> ParseSequenceDuration(std::string_view text) {
  text = Trim(text);
  if (text.size() < 2) {
    return Status::InvalidArgument("\"" + std::string(text) +
                                   "\" is not a duration (e.g. 90s, 15m, 12h, 3d, 2w)");
  }
  int64_t unit = 0;
  switch (text.back()) {
    case 's':
      unit = 1;
      break;
    case 'm':
      unit = 60;
      break;
    case 'h':
      unit = 3600;
      break;
    case 'd':
      unit = 86400;
      break;
    case 'w':
      unit = 7 * 86400;
      break;
    default:
      break;
  }
  std::string_view digits = text.substr(0, text.size() - 1);
  bool ok = unit != 0 && !digits.empty() && digits.size() <= 10;
  int64_t n = 0;
  for (char c : digits) {
    // Stop before multiplying once the text is refused: more than ten
    // digits would overflow n.
    if (!ok || c < '0' || c > '9') {
      ok = false;
      break;
    }
    n = n * 10 + (c - '0');
  }
  if (!ok) {
    return Status::InvalidArgument("\"" + std::string(text) +
                                   "\" is not a duration (e.g. 90s, 15m, 12h, 3d, 2w)");
  }
  if (n > kMaxSequenceDuration.count() / unit) {
    return Status::InvalidArgument("duration \"" + std::string(text) +
                                   "\" is longer than ten years");
  }
  return Seconds(n * unit);
}

std::string FormatSequenceDuration(Seconds d) {
  int64_t s = d.count();
  if (s != 0 && s % (7 * 86400) == 0) return std::to_string(s / (7 * 86400)) + "w";
  if (s % 86400 == 0) return std::to_string(s / 86400) + "d";
  if (s % 3600 == 0) return std::to_string(s / 3600) + "h";
  if (s % 60 == 0) return std::to_string(s / 60) + "m";
  return std::to_string(s) + "s";
}

Result<StepWhen> ParseStepWhen(std::string_view text) {
  static constexpr std::string_view kShape =
      " (expected \"<duration> after previous|enrolment|VAR\" or \"<duration> before VAR\")";
  std::vector<std::string> words;
  for (std::string& w : SplitTrimmed(text, ' ')) {
    for (std::string& piece : SplitTrimmed(w, '\t')) words.push_back(std::move(piece));
  }
  if (words.size() != 3) {
    return Status::InvalidArgument("\"" + std::string(Trim(text)) + "\" is not a when" +
                                   std::string(kShape));
  }
  Result<Seconds> offset = ParseSequenceDuration(words[0]);
  if (!offset.ok()) return offset.status();
  std::string direction = ToLowerAscii(words[1]);
  if (direction != "after" && direction != "before") {
    return Status::InvalidArgument("\"" + words[1] + "\": expected \"after\" or \"before\"" +
                                   std::string(kShape));
  }
  StepWhen when;
  const std::string& anchor = words[2];
  if (EqualsIgnoreCase(anchor, "previous") || EqualsIgnoreCase(anchor, "enrolment") ||
      EqualsIgnoreCase(anchor, "enrollment")) {
    if (direction == "before") {
      return Status::InvalidArgument("a step cannot be due before the " + ToLowerAscii(anchor) +
                                     "; \"before\" needs a date variable");
    }
    when.anchor =
        EqualsIgnoreCase(anchor, "previous") ? StepAnchor::kPrevious : StepAnchor::kEnrolment;
  } else if (IsVariableName(anchor)) {
    when.anchor = StepAnchor::kVariable;
    when.variable = anchor;
  } else {
    return Status::InvalidArgument("\"" + anchor +
                                   "\" is neither previous, enrolment nor a variable name");
  }
  when.offset = direction == "before" ? -*offset : *offset;
  return when;
}

std::string FormatStepWhen(const StepSpec& step) {
  Seconds magnitude = step.offset < Seconds(0) ? -step.offset : step.offset;
  std::string text = FormatSequenceDuration(magnitude);
  text += step.offset < Seconds(0) ? " before " : " after ";
  switch (step.anchor) {
    case StepAnchor::kPrevious:
      return text + "previous";
    case StepAnchor::kEnrolment:
      return text + "enrolment";
    case StepAnchor::kVariable:
      return text + step.anchor_variable;
  }
  return text;
}

}  // namespace ar
