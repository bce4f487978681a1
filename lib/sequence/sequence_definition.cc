// ParseSequence: gives the sections of a sequence file their meaning
// (autoresponder-sequence(5)) and checks everything one file can check.
// Every mistake is reported, each as "FILE:LINE: what", so an administrator
// fixes a file in one round.
#include "sequence/sequence_definition.h"

#include <date/tz.h>
#include <openssl/evp.h>
#include <re2/re2.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/strings.h"
#include "message/address.h"
#include "sequence/sequence_file_parser.h"
#include "sequence/when_syntax.h"
#include "sequence/window_syntax.h"

namespace ar {
namespace {

// Variables every template gets from the composer; a trigger capturing one
// of these names would silently shadow it.
const std::set<std::string>& ReservedVariables() {
  static const std::set<std::string> names = {
      "name",          "first_name",      "email",
      "coupon",        "unsubscribe_url", "unsubscribe_mailto",
      "enrolled_date", "today",           "recipient_detail"};
  return names;
}

bool IsSequenceName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c == '-' && i > 0);
    if (!ok) return false;
  }
  return true;
}

// RFC 2919 list-id: dot-atom; we keep to letters, digits, '-', '_', '.'
// with at least one dot, as every list id in practice is.
bool IsListId(std::string_view id) {
  if (id.empty() || id.size() > 200 || id.front() == '.' || id.back() == '.') return false;
  if (id.find('.') == std::string_view::npos || id.find("..") != std::string_view::npos) {
    return false;
  }
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

bool IsFieldName(std::string_view name) {
  if (name.empty() || name.size() > 76) return false;
  for (char c : name) {
    if (c < 33 || c > 126 || c == ':') return false;
  }
  return true;
}

std::string Quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

// The entries of one section by key; unknown and repeated keys are
// reported. Keys in `repeatable` may appear more than once.
class SectionKeys {
 public:
  SectionKeys(const SequenceFileSection& section, const std::set<std::string>& allowed,
              const std::set<std::string>& repeatable, std::string_view where,
              ParseErrors* errors) {
    for (const SequenceFileEntry& entry : section.entries) {
      if (!allowed.count(entry.key)) {
        errors->Add(entry.line, "unknown key " + Quoted(entry.key) + " in " + std::string(where));
        continue;
      }
      auto& list = by_key_[entry.key];
      if (!list.empty() && !repeatable.count(entry.key)) {
        errors->Add(entry.line, "duplicate key " + Quoted(entry.key) + " (first at line " +
                                    std::to_string(list.front()->line) + ")");
        continue;
      }
      list.push_back(&entry);
    }
  }
  const SequenceFileEntry* Get(const std::string& key) const {
    auto it = by_key_.find(key);
    return it == by_key_.end() ? nullptr : it->second.front();
  }
  std::vector<const SequenceFileEntry*> All(const std::string& key) const {
    auto it = by_key_.find(key);
    return it == by_key_.end() ? std::vector<const SequenceFileEntry*>() : it->second;
  }

 private:
  std::map<std::string, std::vector<const SequenceFileEntry*>> by_key_;
};

const std::set<std::string>& ConditionKeys() {
  static const std::set<std::string> keys = {"sender",  "recipient", "from", "reply-to",
                                             "subject", "header",    "body"};
  return keys;
}

// Compiles pattern to check it and adds its named groups to `captured`.
void CheckPattern(const std::string& pattern, int line, std::set<std::string>* captured,
                  ParseErrors* errors) {
  RE2::Options options;
  options.set_log_errors(false);  // RE2::Quiet: we report, RE2 stays silent
  RE2 re(pattern, options);
  if (!re.ok()) {
    errors->Add(line, "pattern " + Quoted(pattern) + " does not compile: " + re.error());
    return;
  }
  for (const auto& [group, index] : re.NamedCapturingGroups()) {
    (void)index;
    if (ReservedVariables().count(group)) {
      errors->Add(line, "the group name " + Quoted(group) +
                            " is a built-in template variable; choose another name");
    } else if (captured != nullptr) {
      captured->insert(group);
    }
  }
}

std::optional<MatchCondition> ParseCondition(const SequenceFileEntry& entry,
                                             std::set<std::string>* captured, ParseErrors* errors) {
  MatchCondition condition;
  condition.line = entry.line;
  if (entry.key == "header") {
    // "header = Name: pattern"
    size_t colon = entry.value.find(':');
    std::string name(colon == std::string::npos
                         ? std::string_view()
                         : Trim(std::string_view(entry.value).substr(0, colon)));
    if (colon == std::string::npos || !IsFieldName(name)) {
      errors->Add(entry.line, "header conditions are \"header = Name: pattern\"");
      return std::nullopt;
    }
    condition.field = "header:" + name;
    condition.pattern = std::string(Trim(std::string_view(entry.value).substr(colon + 1)));
  } else {
    condition.field = entry.key;
    condition.pattern = entry.value;
  }
  if (condition.pattern.empty()) {
    errors->Add(entry.line, "an empty pattern for " + Quoted(entry.key));
    return std::nullopt;
  }
  CheckPattern(condition.pattern, entry.line, captured, errors);
  return condition;
}

// Fills spec from the condition keys, person and direction of a section.
void ParseTriggerKeys(const SectionKeys& keys, TriggerSpec* spec, std::set<std::string>* captured,
                      ParseErrors* errors) {
  std::set<std::string> header_names;
  for (const std::string& key : ConditionKeys()) {
    for (const SequenceFileEntry* entry : keys.All(key)) {
      std::optional<MatchCondition> condition = ParseCondition(*entry, captured, errors);
      if (!condition) continue;
      if (key == "header" && !header_names.insert(ToLowerAscii(condition->field)).second) {
        errors->Add(entry->line, "a second condition on the same header field; write one pattern");
        continue;
      }
      spec->conditions.push_back(std::move(*condition));
    }
  }
  // Keep conditions in file order: logs and errors then read like the file.
  std::sort(spec->conditions.begin(), spec->conditions.end(),
            [](const MatchCondition& a, const MatchCondition& b) { return a.line < b.line; });

  if (const SequenceFileEntry* e = keys.Get("direction")) {
    std::string v = ToLowerAscii(e->value);
    if (v == "smtp") {
      spec->direction = Direction::kSmtp;
    } else if (v == "local") {
      spec->direction = Direction::kLocal;
    } else if (v == "both") {
      spec->direction = Direction::kBoth;
    } else {
      errors->Add(e->line, "direction is smtp, local or both, not " + Quoted(e->value));
    }
  }
  if (const SequenceFileEntry* e = keys.Get("client")) {
    Result<std::vector<IpNetwork>> networks = ParseIpNetworkList(e->value);
    if (networks.ok()) {
      spec->clients = std::move(*networks);
    } else {
      errors->Add(e->line, "client: " + networks.status().message());
    }
  }
  if (const SequenceFileEntry* e = keys.Get("authenticated")) {
    std::string v = ToLowerAscii(e->value);
    if (v == "yes") {
      spec->require_authenticated = true;
    } else if (v == "no") {
      spec->require_authenticated = false;
    } else {
      errors->Add(e->line, "authenticated is yes or no, not " + Quoted(e->value));
    }
  }
  if (const SequenceFileEntry* e = keys.Get("person")) {
    std::string v = ToLowerAscii(e->value);
    if (v == "envelope-sender") {
      spec->person = PersonSource::kEnvelopeSender;
    } else if (v == "envelope-recipient") {
      spec->person = PersonSource::kEnvelopeRecipient;
    } else if (v == "from") {
      spec->person = PersonSource::kFrom;
    } else if (v == "reply-to") {
      spec->person = PersonSource::kReplyTo;
    } else if (StartsWithIgnoreCase(v, "header:") &&
               IsFieldName(Trim(std::string_view(e->value).substr(7)))) {
      spec->person = PersonSource::kHeader;
      spec->person_header = std::string(Trim(std::string_view(e->value).substr(7)));
    } else {
      errors->Add(e->line,
                  "person is envelope-sender, envelope-recipient, from, reply-to or "
                  "header:NAME, not " +
                      Quoted(e->value));
    }
  }
}

std::set<std::string> TriggerKeySet(std::initializer_list<std::string> extra) {
  std::set<std::string> keys = ConditionKeys();
  keys.insert("direction");
  keys.insert("person");
  keys.insert("client");
  keys.insert("authenticated");
  keys.insert(extra.begin(), extra.end());
  return keys;
}

// confirm, confirm_template, confirm_expiry, legal_basis.
void ParseConsentKeys(SectionKeys& keys, const SequenceFileSection& section,
                      const SequenceSource& source, SequenceDefinition* def, ParseErrors* errors) {
  if (const SequenceFileEntry* e = keys.Get("confirm")) {
    const std::string v = ToLowerAscii(e->value);
    if (v == "none") {
      def->confirm = ConfirmMode::kNone;
    } else if (v == "double-opt-in") {
      def->confirm = ConfirmMode::kDoubleOptIn;
    } else {
      errors->Add(e->line, "confirm is none or double-opt-in, not " + Quoted(e->value));
    }
  }
  if (const SequenceFileEntry* e = keys.Get("confirm_expiry")) {
    Result<Seconds> d = ParseSequenceDuration(e->value);
    if (!d.ok()) {
      errors->Add(e->line, "confirm_expiry: " + d.status().message());
    } else if (*d <= Seconds(0)) {
      errors->Add(e->line, "confirm_expiry needs a duration above zero");
    } else {
      def->confirm_expiry = *d;
    }
  }
  if (const SequenceFileEntry* e = keys.Get("legal_basis")) {
    if (e->value.size() > 1000) {
      errors->Add(e->line, "legal_basis is longer than 1000 characters");
    } else {
      def->legal_basis = e->value;
    }
  }
  const SequenceFileEntry* tmpl = keys.Get("confirm_template");
  if (tmpl == nullptr) {
    if (def->confirm == ConfirmMode::kDoubleOptIn)
      errors->Add(section.line, "confirm = double-opt-in needs confirm_template = FILE");
    return;
  }
  if (!IsSafeTemplateName(tmpl->value)) {
    errors->Add(tmpl->line, "confirm_template " + Quoted(tmpl->value) +
                                " must be a file name relative to the sequence file (no \"..\", "
                                "not .html: the .html sibling is found by itself)");
    return;
  }
  def->confirm_template = tmpl->value;
  Result<StepTemplate> parsed = ParseStepTemplate(tmpl->value, source);
  if (parsed.status().IsNotFound()) {
    errors->Add(tmpl->line,
                "template " + tmpl->value + " does not exist next to " + source.file_name);
  } else if (!parsed.ok()) {
    errors->Add(tmpl->line, "template " + tmpl->value + " has errors:");
    errors->AddAll(SplitTrimmed(parsed.status().message(), '\n'));
  }
}

void ParseSequenceSection(const SequenceFileSection& section, const SequenceSource& source,
                          SequenceDefinition* def, ParseErrors* errors) {
  static const std::set<std::string> allowed = {
      "name",    "description",      "time_zone",      "person_time_zone", "from",
      "list_id", "re_entry",         "coupon_format",  "enrol_rate_limit", "enrol_source_limit",
      "confirm", "confirm_template", "confirm_expiry", "legal_basis"};
  SectionKeys keys(section, allowed, {}, "[sequence]", errors);

  if (const SequenceFileEntry* e = keys.Get("name")) {
    if (IsSequenceName(e->value)) {
      def->name = e->value;
    } else {
      errors->Add(e->line, "name " + Quoted(e->value) +
                               " must be lower-case letters, digits and '-' (at most 64)");
    }
  } else {
    std::string stem = source.file_name;
    size_t slash = stem.rfind('/');
    if (slash != std::string::npos) stem = stem.substr(slash + 1);
    if (EndsWithIgnoreCase(stem, ".sequence")) stem.resize(stem.size() - 9);
    if (IsSequenceName(stem)) {
      def->name = stem;
    } else {
      errors->Add(section.line,
                  "the file name " + Quoted(stem) + " is not a sequence name; set name = ...");
    }
  }
  if (const SequenceFileEntry* e = keys.Get("description")) def->description = e->value;
  if (const SequenceFileEntry* e = keys.Get("time_zone")) {
    try {
      date::locate_zone(e->value);
      def->time_zone = e->value;
    } catch (const std::exception&) {
      errors->Add(e->line,
                  "unknown time zone " + Quoted(e->value) + " (an IANA name such as Europe/Oslo)");
    }
  }
  if (const SequenceFileEntry* e = keys.Get("person_time_zone")) {
    if (IsVariableName(e->value)) {
      def->person_time_zone_variable = e->value;
    } else {
      errors->Add(e->line, "person_time_zone names a variable, not " + Quoted(e->value));
    }
  }
  const SequenceFileEntry* from = keys.Get("from");
  std::string from_domain;
  if (from == nullptr) {
    errors->Add(section.line, "[sequence] needs from = \"Name <address>\"");
  } else {
    std::vector<Mailbox> boxes = ParseAddressList(from->value);
    if (boxes.size() != 1 || !IsSafeAddress(boxes[0].address) ||
        from->value.find_first_of("\r\n") != std::string::npos) {
      errors->Add(from->line,
                  "from must be one address such as \"Shop <shop@shop.example>\", "
                  "not " +
                      Quoted(from->value));
    } else {
      def->from = from->value;
      from_domain = DomainOf(boxes[0].address);
    }
  }
  if (const SequenceFileEntry* e = keys.Get("list_id")) {
    std::string id = e->value;
    if (id.size() >= 2 && id.front() == '<' && id.back() == '>') id = id.substr(1, id.size() - 2);
    if (IsListId(id)) {
      def->list_id = id;
    } else {
      errors->Add(e->line, "list_id " + Quoted(e->value) +
                               " is not a list id such as name.shop.example (RFC 2919)");
    }
  } else if (!def->name.empty() && !from_domain.empty()) {
    def->list_id = def->name + "." + from_domain;
  }
  if (const SequenceFileEntry* e = keys.Get("re_entry")) {
    std::string v = ToLowerAscii(e->value);
    if (v == "ignore") {
      def->re_entry = ReEntry::kIgnore;
    } else if (v == "restart") {
      def->re_entry = ReEntry::kRestart;
    } else if (v.rfind("after ", 0) == 0) {
      Result<Seconds> d = ParseSequenceDuration(std::string_view(v).substr(6));
      if (!d.ok()) {
        errors->Add(e->line, "re_entry: " + d.status().message());
      } else if (*d <= Seconds(0)) {
        errors->Add(e->line, "re_entry after needs a duration above zero");
      } else {
        def->re_entry = ReEntry::kAfter;
        def->re_entry_after = *d;
      }
    } else {
      errors->Add(e->line,
                  "re_entry is ignore, restart or \"after <duration>\", not " + Quoted(e->value));
    }
  }
  if (const SequenceFileEntry* e = keys.Get("coupon_format")) {
    size_t xs = 0;
    bool printable = !e->value.empty() && e->value.size() <= 64;
    for (char c : e->value) {
      if (c == 'X') ++xs;
      if (c < 33 || c > 126) printable = false;
    }
    // 8 base32 characters are 40 bits: too many to guess a valid code.
    if (!printable || xs < 8) {
      errors->Add(e->line,
                  "coupon_format needs at least 8 X (each becomes a code character) "
                  "and no blanks, e.g. CAM-XXXX-XXXX");
    } else {
      def->coupon_format = e->value;
    }
  }
  for (auto [key, limit] : {std::pair{"enrol_rate_limit", &def->enrol_rate_limit},
                            std::pair{"enrol_source_limit", &def->enrol_source_limit}}) {
    if (const SequenceFileEntry* e = keys.Get(key)) {
      Result<RateLimit> parsed = ParseRateLimit(e->value);
      if (parsed.ok()) {
        *limit = *parsed;
      } else {
        errors->Add(e->line, std::string(key) + ": " + parsed.status().message());
      }
    }
  }
  ParseConsentKeys(keys, section, source, def, errors);
}

void ParseStepSection(const SequenceFileSection& section, const SequenceSource& source,
                      SequenceDefinition* def, std::map<size_t, int>* when_lines,
                      ParseErrors* errors) {
  static const std::set<std::string> allowed = {"when", "template", "window"};
  std::string where = "[step " + section.name + "]";
  SectionKeys keys(section, allowed, {}, where, errors);
  StepSpec step;
  step.name = section.name;
  step.line = section.line;
  if (const SequenceFileEntry* e = keys.Get("when")) {
    (*when_lines)[def->steps.size()] = e->line;
    Result<StepWhen> when = ParseStepWhen(e->value);
    if (!when.ok()) {
      errors->Add(e->line, "when: " + when.status().message());
    } else {
      step.anchor = when->anchor;
      step.anchor_variable = when->variable;
      step.offset = when->offset;
    }
  }
  if (const SequenceFileEntry* e = keys.Get("window")) {
    Result<SendWindow> window = ParseSendWindow(e->value);
    if (!window.ok()) {
      errors->Add(e->line, "window: " + window.status().message());
    } else {
      step.window = *window;
    }
  }
  const SequenceFileEntry* tmpl = keys.Get("template");
  if (tmpl == nullptr) {
    errors->Add(section.line, where + " needs template = FILE");
  } else if (!IsSafeTemplateName(tmpl->value)) {
    errors->Add(tmpl->line, "template " + Quoted(tmpl->value) +
                                " must be a file name relative to the sequence file (no \"..\", "
                                "not .html: the .html sibling is found by itself)");
  } else {
    step.template_name = tmpl->value;
    Result<StepTemplate> parsed = ParseStepTemplate(tmpl->value, source);
    if (parsed.status().IsNotFound()) {
      errors->Add(tmpl->line,
                  "template " + tmpl->value + " does not exist next to " + source.file_name);
    } else if (!parsed.ok()) {
      errors->Add(tmpl->line, "template " + tmpl->value + " has errors:");
      errors->AddAll(SplitTrimmed(parsed.status().message(), '\n'));
    }
  }
  def->steps.push_back(std::move(step));
}

void ParseExitSection(const SequenceFileSection& section, SequenceDefinition* def,
                      ParseErrors* errors) {
  static const std::set<std::string> allowed = TriggerKeySet({"on", "move_to"});
  std::string where = "[exit " + section.name + "]";
  SectionKeys keys(section, allowed, {"header"}, where, errors);
  ExitSpec exit;
  exit.name = section.name;
  exit.line = section.line;
  ParseTriggerKeys(keys, &exit.trigger, &exit.captured_variables, errors);
  bool has_trigger_keys = !exit.trigger.conditions.empty() || keys.Get("person") ||
                          keys.Get("direction") || keys.Get("client") || keys.Get("authenticated");
  const SequenceFileEntry* on = keys.Get("on");
  if (on == nullptr) {
    errors->Add(section.line, where + " needs on = trigger, reply or no-engagement N");
  } else {
    std::vector<std::string> words = SplitTrimmed(ToLowerAscii(on->value), ' ');
    if (words.size() == 1 && words[0] == "trigger") {
      exit.on = ExitOn::kTrigger;
      if (exit.trigger.conditions.empty()) {
        errors->Add(on->line,
                    "on = trigger needs at least one condition "
                    "(sender, recipient, from, reply-to, subject, header)");
      }
    } else if (words.size() == 1 && words[0] == "reply") {
      exit.on = ExitOn::kReply;
    } else if (!words.empty() && words[0] == "no-engagement") {
      exit.on = ExitOn::kNoEngagement;
      int n = 0;
      bool ok = words.size() == 2 && !words[1].empty() && words[1].size() <= 4;
      for (char c : ok ? words[1] : std::string()) {
        ok = ok && c >= '0' && c <= '9';
        n = n * 10 + (c - '0');
      }
      if (!ok || n <= 0) {
        errors->Add(on->line, "on = no-engagement N needs a number of steps N above zero");
      } else {
        exit.steps = n;
      }
    } else {
      errors->Add(on->line,
                  "on is trigger, reply or \"no-engagement N\", not " + Quoted(on->value));
    }
    if (exit.on != ExitOn::kTrigger && has_trigger_keys) {
      errors->Add(on->line, "conditions, person and direction only apply to on = trigger");
    }
  }
  if (const SequenceFileEntry* e = keys.Get("move_to")) {
    if (!IsSequenceName(e->value)) {
      errors->Add(e->line, "move_to " + Quoted(e->value) + " is not a sequence name");
    } else if (e->value == def->name) {
      errors->Add(e->line, "move_to names this sequence; use re_entry = restart instead");
    } else {
      exit.move_to = e->value;
    }
  }
  def->exits.push_back(std::move(exit));
}

void AddPiece(EVP_MD_CTX* ctx, std::string_view piece) {
  std::array<unsigned char, 8> length;
  uint64_t n = piece.size();
  for (int i = 7; i >= 0; --i) {
    length[i] = static_cast<unsigned char>(n & 0xff);
    n >>= 8;
  }
  EVP_DigestUpdate(ctx, length.data(), length.size());
  EVP_DigestUpdate(ctx, piece.data(), piece.size());
}

}  // namespace

const std::set<std::string>& BuiltInTemplateVariables() { return ReservedVariables(); }

std::string SequenceVersion(const SequenceSource& source) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) return "";
  AddPiece(ctx.get(), "autoresponder-sequence-v1");
  AddPiece(ctx.get(), source.file_name);
  AddPiece(ctx.get(), source.text);
  for (const auto& [name, text] : source.templates) {  // std::map: name order
    AddPiece(ctx.get(), name);
    AddPiece(ctx.get(), text);
  }
  if (EVP_DigestFinal_ex(ctx.get(), digest, &size) != 1) return "";
  return HexEncode(std::string_view(reinterpret_cast<const char*>(digest), size));
}

bool TriggerSpec::ReadsBody() const {
  for (const MatchCondition& condition : conditions) {
    if (EqualsIgnoreCase(Trim(condition.field), "body")) return true;
  }
  return false;
}

bool SequenceDefinition::ReadsBody() const {
  if (trigger.ReadsBody()) return true;
  for (const ExitSpec& exit : exits) {
    if (exit.on == ExitOn::kTrigger && exit.trigger.ReadsBody()) return true;
  }
  return false;
}

Result<SequenceDefinition> ParseSequence(const SequenceSource& source) {
  ParseErrors errors(source.file_name);
  SequenceDefinition def;
  def.file = source.file_name;
  std::vector<SequenceFileSection> sections = SplitSequenceFile(source.text, &errors);

  // [sequence] first: exits compare move_to with the name.
  const SequenceFileSection* sequence_section = nullptr;
  const SequenceFileSection* trigger_section = nullptr;
  for (const SequenceFileSection& section : sections) {
    const SequenceFileSection** slot = section.kind == "sequence"  ? &sequence_section
                                       : section.kind == "trigger" ? &trigger_section
                                                                   : nullptr;
    if (slot == nullptr) continue;
    if (!section.name.empty()) {
      errors.Add(section.line, "[" + section.kind + "] takes no name");
    }
    if (*slot != nullptr) {
      errors.Add(section.line, "a second [" + section.kind + "] section (first at line " +
                                   std::to_string((*slot)->line) + ")");
      continue;
    }
    *slot = &section;
  }
  if (sequence_section == nullptr) {
    errors.Add(1, "no [sequence] section");
  } else {
    ParseSequenceSection(*sequence_section, source, &def, &errors);
  }

  std::set<std::string> captured;
  if (trigger_section == nullptr) {
    errors.Add(1,
               "no [trigger] section (a sequence entered only by moves can trigger on an "
               "address nobody else writes to)");
  } else {
    SectionKeys keys(*trigger_section, TriggerKeySet({}), {"header"}, "[trigger]", &errors);
    ParseTriggerKeys(keys, &def.trigger, &captured, &errors);
    if (def.trigger.conditions.empty()) {
      errors.Add(trigger_section->line,
                 "[trigger] needs at least one condition (sender, recipient, from, reply-to, "
                 "subject, header)");
    }
  }

  std::map<std::string, int> step_names;
  std::map<std::string, int> exit_names;
  std::map<size_t, int> when_lines;  // step index -> line of its `when`
  for (const SequenceFileSection& section : sections) {
    if (section.kind == "sequence" || section.kind == "trigger") continue;
    if (section.kind != "step" && section.kind != "exit") {
      errors.Add(section.line, "unknown section [" + section.kind +
                                   "] (expected [sequence], [trigger], [step NAME], [exit NAME])");
      continue;
    }
    if (section.name.empty()) {
      errors.Add(section.line, "[" + section.kind + "] needs a name: [" + section.kind + " NAME]");
      continue;
    }
    auto& names = section.kind == "step" ? step_names : exit_names;
    auto [it, inserted] = names.emplace(section.name, section.line);
    if (!inserted) {
      errors.Add(section.line, "a second [" + section.kind + " " + section.name +
                                   "] (first at line " + std::to_string(it->second) + ")");
      continue;
    }
    if (section.kind == "step") {
      ParseStepSection(section, source, &def, &when_lines, &errors);
    } else {
      ParseExitSection(section, &def, &errors);
    }
  }
  if (def.steps.empty() && step_names.empty()) {
    errors.Add(sequence_section ? sequence_section->line : 1, "no [step NAME] section");
  }
  // A date anchor must be a variable the trigger captures; anything else
  // would leave the step without a due time for every person.
  for (size_t i = 0; i < def.steps.size(); ++i) {
    const StepSpec& step = def.steps[i];
    if (step.anchor == StepAnchor::kVariable && trigger_section != nullptr &&
        !captured.count(step.anchor_variable)) {
      errors.Add(when_lines[i], "[step " + step.name + "]: no trigger pattern captures " +
                                    Quoted(step.anchor_variable) + " (write (?P<" +
                                    step.anchor_variable + ">...) in a [trigger] condition)");
    }
  }
  def.captured_variables = captured;
  if (!errors.empty()) return errors.ToStatus();
  def.version = SequenceVersion(source);
  return def;
}

}  // namespace ar
