// The lexical shape of a sequence file (autoresponder-sequence(5)): sections
// "[kind name]" holding "key = value" lines, each with its line number. No
// meaning is attached here; sequence_definition.cc gives it one. Also the
// error list every sequence parser fills: "FILE:LINE: what" lines.
//
// Pure functions and plain values; thread-compatible.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace ar {

// Collects "FILE:LINE: what" messages so that every mistake in a file is
// reported at once, not just the first.
class ParseErrors {
 public:
  explicit ParseErrors(std::string file) : file_(std::move(file)) {}
  void Add(int line, std::string_view what);
  // Appends messages that already carry their own "FILE:LINE: " prefix.
  void AddAll(const std::vector<std::string>& messages);
  bool empty() const { return messages_.empty(); }
  const std::vector<std::string>& messages() const { return messages_; }
  // InvalidArgument with the messages joined by newlines (Ok when empty).
  Status ToStatus() const;

 private:
  std::string file_;
  std::vector<std::string> messages_;
};

struct SequenceFileEntry {
  std::string key;  // lower-cased
  std::string value;
  int line = 0;
};

struct SequenceFileSection {
  std::string kind;  // lower-cased: "sequence", "trigger", "step", "exit", ...
  std::string name;  // "" when the header has none
  int line = 0;
  std::vector<SequenceFileEntry> entries;
};

// Splits text into sections. Lines are "[kind]", "[kind name]",
// "key = value", blank, or comments: '#' at the start of a line or after
// whitespace starts a comment (so "a#b" keeps its '#'). CRLF line ends and a
// leading UTF-8 byte order mark are accepted. Lines that are none of these,
// and keys before the first section, are reported to errors.
std::vector<SequenceFileSection> SplitSequenceFile(std::string_view text, ParseErrors* errors);

// A template name as a sequence file may give it: a relative path of
// printable ASCII without blanks, "..", "\\" or a leading '/', not itself
// ".html" or ".sequence". Anything else could read outside the directory.
bool IsSafeTemplateName(std::string_view name);

// Strips a trailing comment (see above) and surrounding whitespace.
std::string_view StripLineComment(std::string_view line);

}  // namespace ar
