// ParseSequence and ParseStepTemplate: the file format of
// autoresponder-sequence(5), every error kind with its FILE:LINE, versions.
#include "sequence/sequence_definition.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include <string>

namespace ar {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const char kCanon[] = R"(# a comment line
[sequence]
name = canon-eos-5d                 # trailing comment
description = Camera lead from the contact form
time_zone = Europe/Oslo
person_time_zone = tz
from = Nettbutikken <shop@shop.example>
re_entry = after 30d
coupon_format = CAM-XXXX-XXXX

[trigger]
direction = smtp
recipient = ^leads\+(?P<product>canon-eos-5d)@shop\.example$
header = X-Exam-Date: ^(?P<exam_date>\d{4}-\d\d-\d\d)$
person = reply-to

[step info]
when = 3d after previous
template = canon-info.txt
window = mon-fri 09:00-17:00

[step coupon]
when = 7d after previous
template = canon-coupon.txt

[step exam]
when = 2d before exam_date
template = canon-info.txt

[exit purchase]
on = trigger
sender = ^orders@shop\.example$
person = envelope-recipient
move_to = accessories

[exit quiet]
on = no-engagement 2
move_to = camera-gentle

[exit replied]
on = reply
)";

const char kInfo[] = "Subject: Hei {{first_name}}\nX-Campaign: canon\n\nHei!\n";
const char kCoupon[] = "Subject: Kode {{coupon}}\n\nBruk {{coupon}}.\n";

SequenceSource CanonSource() {
  SequenceSource source;
  source.file_name = "canon-eos-5d.sequence";
  source.text = kCanon;
  source.templates["canon-info.txt"] = kInfo;
  source.templates["canon-coupon.txt"] = kCoupon;
  return source;
}

// A minimal valid file with `extra` appended (as more sections or keys of
// the last section, [step one]).
SequenceSource Minimal(const std::string& extra, const std::string& head = "") {
  SequenceSource source;
  source.file_name = "s.sequence";
  source.text =
      "[sequence]\n"                       // line 1
      "from = Shop <shop@shop.example>\n"  // line 2
      + head +
      "[trigger]\n"                       // line 3 (+head lines)
      "recipient = ^a@shop\\.example$\n"  // line 4
      "[step one]\n"                      // line 5
      "template = t.txt\n"                // line 6
      + extra;
  source.templates["t.txt"] = "Subject: Hello\n\nBody\n";
  return source;
}

std::string ErrorsOf(const SequenceSource& source) {
  Result<SequenceDefinition> def = ParseSequence(source);
  EXPECT_FALSE(def.ok()) << "expected errors in:\n" << source.text;
  return def.ok() ? "" : def.status().message();
}

TEST(SequenceDefinition, FullExampleParsesIntoItsStructure) {
  Result<SequenceDefinition> def = ParseSequence(CanonSource());
  ASSERT_TRUE(def.ok()) << def.status().message();
  EXPECT_EQ(def->name, "canon-eos-5d");
  EXPECT_EQ(def->file, "canon-eos-5d.sequence");
  EXPECT_EQ(def->description, "Camera lead from the contact form");
  EXPECT_EQ(def->time_zone, "Europe/Oslo");
  EXPECT_EQ(def->person_time_zone_variable, "tz");
  EXPECT_EQ(def->from, "Nettbutikken <shop@shop.example>");
  EXPECT_EQ(def->list_id, "canon-eos-5d.shop.example");
  EXPECT_EQ(def->re_entry, ReEntry::kAfter);
  EXPECT_EQ(def->re_entry_after, Seconds(30 * 86400));
  EXPECT_EQ(def->coupon_format, "CAM-XXXX-XXXX");
  EXPECT_EQ(def->version.size(), 64u);

  EXPECT_EQ(def->trigger.direction, Direction::kSmtp);
  EXPECT_EQ(def->trigger.person, PersonSource::kReplyTo);
  ASSERT_EQ(def->trigger.conditions.size(), 2u);
  EXPECT_EQ(def->trigger.conditions[0].field, "recipient");
  EXPECT_EQ(def->trigger.conditions[0].pattern,
            R"(^leads\+(?P<product>canon-eos-5d)@shop\.example$)");
  EXPECT_EQ(def->trigger.conditions[0].line, 13);
  EXPECT_EQ(def->trigger.conditions[1].field, "header:X-Exam-Date");
  EXPECT_EQ(def->trigger.conditions[1].pattern, R"(^(?P<exam_date>\d{4}-\d\d-\d\d)$)");

  ASSERT_EQ(def->steps.size(), 3u);
  EXPECT_EQ(def->steps[0].name, "info");
  EXPECT_EQ(def->steps[0].anchor, StepAnchor::kPrevious);
  EXPECT_EQ(def->steps[0].offset, Seconds(3 * 86400));
  EXPECT_EQ(def->steps[0].template_name, "canon-info.txt");
  EXPECT_EQ(def->steps[0].line, 17);
  ASSERT_TRUE(def->steps[0].window.has_value());
  EXPECT_EQ(def->steps[0].window->weekdays, 0x1fu);
  EXPECT_EQ(def->steps[0].window->start_minute, 9 * 60);
  EXPECT_EQ(def->steps[0].window->end_minute, 17 * 60);
  EXPECT_EQ(def->steps[1].name, "coupon");
  EXPECT_EQ(def->steps[1].offset, Seconds(7 * 86400));
  EXPECT_FALSE(def->steps[1].window.has_value());
  EXPECT_EQ(def->steps[2].anchor, StepAnchor::kVariable);
  EXPECT_EQ(def->steps[2].anchor_variable, "exam_date");
  EXPECT_EQ(def->steps[2].offset, Seconds(-2 * 86400));

  ASSERT_EQ(def->exits.size(), 3u);
  EXPECT_EQ(def->exits[0].name, "purchase");
  EXPECT_EQ(def->exits[0].on, ExitOn::kTrigger);
  EXPECT_EQ(def->exits[0].move_to, "accessories");
  EXPECT_EQ(def->exits[0].trigger.person, PersonSource::kEnvelopeRecipient);
  ASSERT_EQ(def->exits[0].trigger.conditions.size(), 1u);
  EXPECT_EQ(def->exits[0].trigger.conditions[0].field, "sender");
  EXPECT_EQ(def->exits[1].on, ExitOn::kNoEngagement);
  EXPECT_EQ(def->exits[1].steps, 2);
  EXPECT_EQ(def->exits[1].move_to, "camera-gentle");
  EXPECT_EQ(def->exits[2].on, ExitOn::kReply);
  EXPECT_EQ(def->exits[2].move_to, "");
}

TEST(SequenceDefinition, DefaultsComeFromTheFileNameAndFromAddress) {
  SequenceSource source = Minimal("");
  Result<SequenceDefinition> def = ParseSequence(source);
  ASSERT_TRUE(def.ok()) << def.status().message();
  EXPECT_EQ(def->name, "s");
  EXPECT_EQ(def->list_id, "s.shop.example");
  EXPECT_EQ(def->time_zone, "UTC");
  EXPECT_EQ(def->re_entry, ReEntry::kIgnore);
  EXPECT_EQ(def->trigger.direction, Direction::kBoth);
  EXPECT_EQ(def->trigger.person, PersonSource::kEnvelopeSender);
  ASSERT_EQ(def->steps.size(), 1u);
  EXPECT_EQ(def->steps[0].anchor, StepAnchor::kPrevious);
  EXPECT_EQ(def->steps[0].offset, Seconds(0));
  EXPECT_TRUE(def->exits.empty());
}

TEST(SequenceDefinition, PersonFromANamedHeader) {
  SequenceSource source = Minimal("", "");
  source.text.insert(source.text.find("[step"), "person = header:X-Customer\n");
  Result<SequenceDefinition> def = ParseSequence(source);
  ASSERT_TRUE(def.ok()) << def.status().message();
  EXPECT_EQ(def->trigger.person, PersonSource::kHeader);
  EXPECT_EQ(def->trigger.person_header, "X-Customer");
}

TEST(SequenceDefinition, CrlfLinesAndByteOrderMarkAreAccepted) {
  SequenceSource source = Minimal("");
  std::string crlf = "\xEF\xBB\xBF";
  for (char c : source.text) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  source.text = crlf;
  EXPECT_TRUE(ParseSequence(source).ok());
}

TEST(SequenceDefinition, HashInsideAWordIsNotAComment) {
  SequenceSource source = Minimal("");
  source.text.replace(source.text.find("^a@"), 3, "^a[#]b@");
  Result<SequenceDefinition> def = ParseSequence(source);
  ASSERT_TRUE(def.ok()) << def.status().message();
  EXPECT_EQ(def->trigger.conditions[0].pattern, "^a[#]b@shop\\.example$");
}

// ---- every error kind, with its FILE:LINE ----

TEST(SequenceDefinitionErrors, UnknownSectionAndKeys) {
  std::string e = ErrorsOf(Minimal("colour = blue\n[stage two]\ntemplate = t.txt\n"));
  EXPECT_THAT(e, HasSubstr("s.sequence:7: unknown key \"colour\" in [step one]"));
  EXPECT_THAT(e, HasSubstr("s.sequence:8: unknown section [stage]"));
}

TEST(SequenceDefinitionErrors, UnknownKeyInSequenceAndTrigger) {
  SequenceSource source = Minimal("", "colour = blue\n");
  source.text.insert(source.text.find("[step"), "bodies = x\n");
  std::string e = ErrorsOf(source);
  EXPECT_THAT(e, HasSubstr("s.sequence:3: unknown key \"colour\" in [sequence]"));
  EXPECT_THAT(e, HasSubstr("s.sequence:6: unknown key \"bodies\" in [trigger]"));
}

TEST(SequenceDefinitionErrors, DuplicateKeysAndSections) {
  std::string e =
      ErrorsOf(Minimal("template = u.txt\n[step one]\ntemplate = t.txt\n[trigger]\n"
                       "recipient = x\n",
                       "from = Other <o@shop.example>\n"));
  EXPECT_THAT(e, HasSubstr("s.sequence:3: duplicate key \"from\" (first at line 2)"));
  EXPECT_THAT(e, HasSubstr("s.sequence:8: duplicate key \"template\" (first at line 7)"));
  EXPECT_THAT(e, HasSubstr("s.sequence:9: a second [step one] (first at line 6)"));
  EXPECT_THAT(e, HasSubstr("s.sequence:11: a second [trigger] section (first at line 4)"));
}

TEST(SequenceDefinitionErrors, LinesThatAreNotKeyValue) {
  SequenceSource source = Minimal("just words\n[step\n");
  source.text = "orphan = 1\n" + source.text;
  std::string e = ErrorsOf(source);
  EXPECT_THAT(e, HasSubstr("s.sequence:1: \"orphan\" before the first [section]"));
  EXPECT_THAT(e, HasSubstr("s.sequence:8: expected \"key = value\""));
  EXPECT_THAT(e, HasSubstr("s.sequence:9: a section header must end with ']'"));
}

TEST(SequenceDefinitionErrors, AllMistakesAreReportedAtOnce) {
  std::string e = ErrorsOf(Minimal("when = soon\nwindow = someday\n", "time_zone = Mars/Base\n"));
  EXPECT_THAT(e, HasSubstr("s.sequence:3: unknown time zone \"Mars/Base\""));
  EXPECT_THAT(e, HasSubstr("s.sequence:8: when:"));
  EXPECT_THAT(e, HasSubstr("s.sequence:9: window:"));
}

TEST(SequenceDefinitionErrors, BadDurations) {
  EXPECT_THAT(ErrorsOf(Minimal("when = 3x after previous\n")),
              HasSubstr("s.sequence:7: when: \"3x\" is not a duration"));
  EXPECT_THAT(ErrorsOf(Minimal("when = d after previous\n")), HasSubstr("s.sequence:7: when:"));
  EXPECT_THAT(ErrorsOf(Minimal("when = 99999w after previous\n")),
              HasSubstr("longer than ten years"));
  EXPECT_THAT(ErrorsOf(Minimal("", "re_entry = after 0d\n")),
              HasSubstr("s.sequence:3: re_entry after needs a duration above zero"));
  EXPECT_THAT(ErrorsOf(Minimal("", "re_entry = sometimes\n")),
              HasSubstr("s.sequence:3: re_entry is ignore, restart"));
}

TEST(SequenceDefinitionErrors, BadWhen) {
  EXPECT_THAT(ErrorsOf(Minimal("when = 3d before previous\n")),
              HasSubstr("s.sequence:7: when: a step cannot be due before the previous"));
  EXPECT_THAT(ErrorsOf(Minimal("when = 3d around previous\n")),
              HasSubstr("s.sequence:7: when: \"around\""));
  EXPECT_THAT(ErrorsOf(Minimal("when = 3d after\n")), HasSubstr("s.sequence:7: when:"));
  EXPECT_THAT(ErrorsOf(Minimal("when = 3d after 9lives\n")),
              HasSubstr("neither previous, enrolment nor a variable name"));
}

TEST(SequenceDefinitionErrors, BadWindowsAndDayNames) {
  EXPECT_THAT(ErrorsOf(Minimal("window = mon-fry 09:00-17:00\n")),
              HasSubstr("s.sequence:7: window: \"mon-fry\" is not a day"));
  EXPECT_THAT(ErrorsOf(Minimal("window = mon 17:00-09:00\n")),
              HasSubstr("s.sequence:7: window: \"17:00-09:00\": the window must start before"));
  EXPECT_THAT(ErrorsOf(Minimal("window = 9-17\n")),
              HasSubstr("s.sequence:7: window: \"9-17\" is not an hour range"));
  EXPECT_THAT(ErrorsOf(Minimal("window = mon 09:60-10:00\n")), HasSubstr("not an hour range"));
}

TEST(SequenceDefinitionErrors, UnknownTimeZone) {
  EXPECT_THAT(ErrorsOf(Minimal("", "time_zone = Europe/Atlantis\n")),
              HasSubstr("s.sequence:3: unknown time zone \"Europe/Atlantis\""));
}

TEST(SequenceDefinitionErrors, PatternThatDoesNotCompile) {
  SequenceSource source = Minimal("");
  source.text.replace(source.text.find("^a@"), 3, "^(a@");
  EXPECT_THAT(ErrorsOf(source),
              HasSubstr("s.sequence:4: pattern \"^(a@shop\\.example$\" does not compile: "
                        "missing )"));
}

TEST(SequenceDefinitionErrors, CaptureNamedLikeABuiltInVariable) {
  SequenceSource source = Minimal("");
  source.text.replace(source.text.find("^a@"), 3, "^(?P<coupon>a)@");
  EXPECT_THAT(ErrorsOf(source), HasSubstr("s.sequence:4: the group name \"coupon\" is a built-in"));
}

TEST(SequenceDefinitionErrors, TriggerMistakes) {
  SequenceSource source = Minimal("");
  source.text.replace(source.text.find("recipient = ^a@shop\\.example$\n"), 30,
                      "direction = sideways\nperson = boss\nheader = no colon here\n");
  std::string e = ErrorsOf(source);
  EXPECT_THAT(e, HasSubstr("s.sequence:3: [trigger] needs at least one condition"));
  EXPECT_THAT(e, HasSubstr("s.sequence:4: direction is smtp, local or both"));
  EXPECT_THAT(e, HasSubstr("s.sequence:5: person is envelope-sender"));
  EXPECT_THAT(e, HasSubstr("s.sequence:6: header conditions are \"header = Name: pattern\""));
}

TEST(SequenceDefinitionErrors, MissingSectionsAndKeys) {
  SequenceSource source;
  source.file_name = "bare.sequence";
  source.text = "[sequence]\ndescription = nothing else\n";
  std::string e = ErrorsOf(source);
  EXPECT_THAT(e, HasSubstr("bare.sequence:1: [sequence] needs from ="));
  EXPECT_THAT(e, HasSubstr("bare.sequence:1: no [trigger] section"));
  EXPECT_THAT(e, HasSubstr("bare.sequence:1: no [step NAME] section"));
  source.text = "# only a comment\n";
  EXPECT_THAT(ErrorsOf(source), HasSubstr("bare.sequence:1: no [sequence] section"));
  EXPECT_THAT(ErrorsOf(Minimal("[step]\ntemplate = t.txt\n")),
              HasSubstr("s.sequence:7: [step] needs a name: [step NAME]"));
}

TEST(SequenceDefinitionErrors, BadNamesAddressesAndFormats) {
  SequenceSource bad_file = Minimal("");
  bad_file.file_name = "Canon EOS.sequence";
  EXPECT_THAT(ErrorsOf(bad_file), HasSubstr("Canon EOS.sequence:1: the file name"));
  EXPECT_THAT(ErrorsOf(Minimal("", "name = Canon\n")),
              HasSubstr("s.sequence:3: name \"Canon\" must be lower-case"));
  EXPECT_THAT(ErrorsOf(Minimal("", "list_id = no spaces allowed\n")),
              HasSubstr("s.sequence:3: list_id"));
  EXPECT_THAT(ErrorsOf(Minimal("", "coupon_format = AB-XXXX\n")),
              HasSubstr("s.sequence:3: coupon_format needs at least 8 X"));
  EXPECT_THAT(ErrorsOf(Minimal("", "person_time_zone = 1tz\n")),
              HasSubstr("s.sequence:3: person_time_zone names a variable"));
  SequenceSource two_from = Minimal("");
  two_from.text.replace(two_from.text.find("Shop <shop@shop.example>"), 24,
                        "a@x.example, b@x.example");
  EXPECT_THAT(ErrorsOf(two_from), HasSubstr("s.sequence:2: from must be one address"));
}

TEST(SequenceDefinitionErrors, ExitMistakes) {
  std::string e =
      ErrorsOf(Minimal("[exit a]\nmove_to = elsewhere\n"                // 7, 8: no on
                       "[exit b]\non = no-engagement\n"                 // 9, 10
                       "[exit c]\non = no-engagement 0\n"               // 11, 12
                       "[exit d]\non = trigger\n"                       // 13, 14
                       "[exit e]\non = reply\nsender = ^x$\n"           // 15, 16, 17
                       "[exit f]\non = eventually\n"                    // 18, 19
                       "[exit g]\non = reply\nmove_to = s\n"            // 20, 21, 22
                       "[exit h]\non = reply\nmove_to = Bad_Name\n"));  // 23, 24, 25
  EXPECT_THAT(e, HasSubstr("s.sequence:7: [exit a] needs on = trigger, reply or no-engagement N"));
  EXPECT_THAT(
      e, HasSubstr("s.sequence:10: on = no-engagement N needs a number of steps N above zero"));
  EXPECT_THAT(e, HasSubstr("s.sequence:12: on = no-engagement N needs"));
  EXPECT_THAT(e, HasSubstr("s.sequence:14: on = trigger needs at least one condition"));
  EXPECT_THAT(
      e, HasSubstr("s.sequence:16: conditions, person and direction only apply to on = trigger"));
  EXPECT_THAT(e, HasSubstr("s.sequence:19: on is trigger, reply or \"no-engagement N\""));
  EXPECT_THAT(e, HasSubstr("s.sequence:22: move_to names this sequence"));
  EXPECT_THAT(e, HasSubstr("s.sequence:25: move_to \"Bad_Name\" is not a sequence name"));
  EXPECT_THAT(e, Not(HasSubstr("s.sequence:8:")));
}

TEST(SequenceDefinitionErrors, DateAnchorMustBeCaptured) {
  EXPECT_THAT(ErrorsOf(Minimal("when = 7d before exam_date\n")),
              HasSubstr("s.sequence:7: [step one]: no trigger pattern captures \"exam_date\""));
  // A capture in a header condition counts.
  SequenceSource source = Minimal("when = 7d before exam_date\n");
  source.text.insert(source.text.find("[step"),
                     "header = X-Exam-Date: (?P<exam_date>\\d{4}-\\d\\d-\\d\\d)\n");
  EXPECT_TRUE(ParseSequence(source).ok());
}

TEST(SequenceDefinitionErrors, TemplateMissingUnsafeOrBroken) {
  EXPECT_THAT(ErrorsOf(Minimal("[step two]\ntemplate = gone.txt\n")),
              HasSubstr("s.sequence:8: template gone.txt does not exist next to s.sequence"));
  EXPECT_THAT(ErrorsOf(Minimal("[step two]\ntemplate = ../etc/passwd\n")),
              HasSubstr("s.sequence:8: template \"../etc/passwd\" must be a file name"));
  EXPECT_THAT(ErrorsOf(Minimal("[step two]\ntemplate = /etc/passwd\n")),
              HasSubstr("s.sequence:8: template \"/etc/passwd\""));
  EXPECT_THAT(ErrorsOf(Minimal("[step two]\n")),
              HasSubstr("s.sequence:7: [step two] needs template"));
  SequenceSource source = Minimal("");
  source.templates["t.txt"] = "X-Note: no subject\n\nBody\n";
  std::string e = ErrorsOf(source);
  EXPECT_THAT(e, HasSubstr("s.sequence:6: template t.txt has errors:"));
  EXPECT_THAT(e, HasSubstr("t.txt:1: no Subject header field"));
}

TEST(SequenceDefinition, RecordsTheVariablesTriggersCapture) {
  SequenceSource source = Minimal("[exit bought]\non = trigger\nsubject = order (?P<order>\\d+)\n");
  source.text.insert(source.text.find("[step"), "subject = lead (?P<product>\\w+)\n");
  Result<SequenceDefinition> def = ParseSequence(source);
  ASSERT_TRUE(def.ok()) << def.status().ToString();
  EXPECT_EQ(def->captured_variables, (std::set<std::string>{"product"}));
  ASSERT_EQ(def->exits.size(), 1u);
  EXPECT_EQ(def->exits[0].captured_variables, (std::set<std::string>{"order"}));
}

TEST(StepTemplate, VariableUsesWithFileAndLine) {
  SequenceSource source;
  source.templates["t.txt"] =
      "Subject: Hi {{first_name}}\n\n{{! note }}{{#coupon}}{{coupon}}{{/coupon}}\n{{{raw.part}}} {{.}}\n";
  source.templates["t.html"] = "<p>\n{{&name}}</p>\n";
  std::vector<std::string> seen;
  for (const TemplateVariableUse& use : TemplateVariableUses("t.txt", source))
    seen.push_back(use.file + ":" + std::to_string(use.line) + ":" + use.name);
  EXPECT_EQ(seen, (std::vector<std::string>{"t.txt:1:first_name", "t.txt:3:coupon",
                                            "t.txt:3:coupon", "t.txt:4:raw", "t.html:2:name"}));
}

// ---- templates ----

Result<StepTemplate> Template(const std::string& text, const std::string& html = "") {
  SequenceSource source;
  source.file_name = "x.sequence";
  source.templates["t.txt"] = text;
  if (!html.empty()) source.templates["t.html"] = html;
  return ParseStepTemplate("t.txt", source);
}

TEST(StepTemplate, HeadersAndBody) {
  Result<StepTemplate> t = Template(
      "Subject: Hei {{first_name}}\r\nFrom: Butikken <shop@shop.example>\r\n"
      "Reply-To: help@shop.example\r\nX-Campaign: a\r\n  b\r\n\r\nLine 1\r\n\r\nLine 3");
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_EQ(t->headers.at("Subject"), "Hei {{first_name}}");
  EXPECT_EQ(t->headers.at("From"), "Butikken <shop@shop.example>");
  EXPECT_EQ(t->headers.at("Reply-To"), "help@shop.example");
  EXPECT_EQ(t->headers.at("X-Campaign"), "a b");  // folded lines are unfolded
  EXPECT_EQ(t->text_body, "Line 1\n\nLine 3\n");
  EXPECT_EQ(t->html_body, "");
}

TEST(StepTemplate, HtmlSiblingBecomesTheHtmlBody) {
  Result<StepTemplate> t = Template("Subject: s\n\ntext\n", "<p>{{name}}</p>\n");
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_EQ(t->text_body, "text\n");
  EXPECT_EQ(t->html_body, "<p>{{name}}</p>\n");
  EXPECT_EQ(HtmlSiblingName("canon-info.txt"), "canon-info.html");
  EXPECT_EQ(HtmlSiblingName("info"), "info.html");
  EXPECT_EQ(HtmlSiblingName("dir.d/info"), "dir.d/info.html");
}

TEST(StepTemplate, HeaderInjectionAndForeignFieldsAreRefused) {
  std::string e =
      Template("Subject: s\nBcc: all@x.example\nTo: y@x.example\n\nbody\n").status().message();
  EXPECT_THAT(e, HasSubstr("t.txt:2: header field Bcc is not allowed"));
  EXPECT_THAT(e, HasSubstr("t.txt:3: header field To is not allowed"));
  EXPECT_THAT(Template("Subject: s\nX Bad: v\n\nbody\n").status().message(),
              HasSubstr("t.txt:2: not a header field"));
  EXPECT_THAT(Template("Subject: a\rBcc: b\n\nbody\n").status().message(),
              HasSubstr("t.txt:1: control characters in header field Subject"));
  EXPECT_THAT(Template("Subject: a\nSubject: b\n\nbody\n").status().message(),
              HasSubstr("t.txt:2: header field Subject given twice (first at line 1)"));
  EXPECT_THAT(Template(" folded\nSubject: a\n\nbody\n").status().message(),
              HasSubstr("t.txt:1: a continuation line without a header field"));
}

TEST(StepTemplate, SubjectIsRequired) {
  EXPECT_THAT(Template("\nbody only\n").status().message(), HasSubstr("t.txt:1: no Subject"));
  EXPECT_THAT(Template("Subject:\n\nbody\n").status().message(),
              HasSubstr("t.txt:1: the Subject is empty"));
  EXPECT_THAT(Template("Subject: hi\nforgot the blank line\n").status().message(),
              HasSubstr("t.txt:2: not a header field"));
}

TEST(StepTemplate, BrokenUtf8AndMustacheTagsAreReportedWithLines) {
  std::string e =
      Template("Subject: ok\n\nline 3\nbad \xC3\x28 here\n{{#open}}\n").status().message();
  EXPECT_THAT(e, HasSubstr("t.txt:4: not valid UTF-8"));
  EXPECT_THAT(e, HasSubstr("t.txt:5: {{#open}} is never closed"));
  EXPECT_THAT(Template("Subject: {{name\n\nx\n").status().message(),
              HasSubstr("t.txt:1: \"{{\" is never closed"));
  EXPECT_THAT(Template("Subject: s\n\n{{>partial}}\n").status().message(),
              HasSubstr("t.txt:3: partials"));
  EXPECT_THAT(Template("Subject: s\n\n{{#a}}x{{/b}}\n").status().message(),
              HasSubstr("t.txt:3: {{/b}} closes no open {{#b}}"));
  EXPECT_THAT(Template("Subject: s\n\nok\n", "<p>{{#a}}</p>\n").status().message(),
              HasSubstr("t.html:1: {{#a}} is never closed"));
  EXPECT_TRUE(
      Template("Subject: {{{raw}}} {{! note }}\n\n{{#a}}{{b}}{{/a}}{{^a}}none{{/a}}\n").ok());
}

TEST(StepTemplate, MissingTemplateIsNotFound) {
  SequenceSource source;
  EXPECT_TRUE(ParseStepTemplate("nope.txt", source).status().IsNotFound());
}

// ---- versions ----

TEST(SequenceVersion, ChangesWithTheFileOrAnyTemplateOnly) {
  SequenceSource source = CanonSource();
  std::string v1 = ParseSequence(source)->version;
  EXPECT_EQ(v1, SequenceVersion(source));
  EXPECT_EQ(ParseSequence(CanonSource())->version, v1);  // deterministic

  SequenceSource edited_template = CanonSource();
  edited_template.templates["canon-coupon.txt"] = "Subject: Kode {{coupon}}\n\nBruk {{coupon}}!\n";
  EXPECT_NE(ParseSequence(edited_template)->version, v1);

  SequenceSource added_html = CanonSource();
  added_html.templates["canon-coupon.html"] = "<p>{{coupon}}</p>\n";
  EXPECT_NE(ParseSequence(added_html)->version, v1);

  SequenceSource edited_text = CanonSource();
  edited_text.text += "# a comment changes the version too\n";
  EXPECT_NE(ParseSequence(edited_text)->version, v1);

  SequenceSource renamed = CanonSource();
  renamed.file_name = "canon.sequence";
  EXPECT_NE(SequenceVersion(renamed), v1);
}

TEST(SequenceVersion, PiecesCannotBeShiftedBetweenNameAndText) {
  SequenceSource a;
  a.file_name = "ab";
  a.text = "c";
  SequenceSource b;
  b.file_name = "a";
  b.text = "bc";
  EXPECT_NE(SequenceVersion(a), SequenceVersion(b));
}

}  // namespace
}  // namespace ar

namespace ar {
namespace {

// Untrusted files never crash the parser: random bytes drawn from the
// characters the format gives meaning to, with a fixed seed.
TEST(SequenceDefinitionHostile, RandomTextNeverCrashes) {
  const std::string alphabet =
      "[]=#:\n\r\t {}()?P<>^$\\+*.|abcdefghstuvwxyz0123456789-_/\xC3\xA5\xFF";
  const std::vector<std::string> words = {"[sequence]\n",
                                          "[trigger]\n",
                                          "[step a]\n",
                                          "[exit b]\n",
                                          "from = a@b.example\n",
                                          "when = ",
                                          "window = ",
                                          "template = t.txt\n",
                                          "on = ",
                                          "recipient = ",
                                          "header = ",
                                          "person = header:",
                                          "move_to = "};
  uint32_t state = 12345;
  auto next = [&state]() {
    state = state * 1103515245u + 12345u;
    return state >> 8;
  };
  for (int round = 0; round < 500; ++round) {
    SequenceSource source;
    source.file_name = "fuzz.sequence";
    int pieces = static_cast<int>(next() % 60);
    for (int i = 0; i < pieces; ++i) {
      if (next() % 3 == 0) {
        source.text += words[next() % words.size()];
      } else {
        source.text += alphabet[next() % alphabet.size()];
      }
    }
    std::string tmpl;
    for (int i = 0; i < pieces; ++i) tmpl += alphabet[next() % alphabet.size()];
    source.templates["t.txt"] = tmpl;
    source.templates["t.html"] = tmpl;
    Result<SequenceDefinition> def = ParseSequence(source);
    if (!def.ok()) {
      EXPECT_FALSE(def.status().message().empty());
    }
    (void)ParseStepTemplate("t.txt", source);
  }
}

TEST(SequenceDefinitionHostile, ManyTagsParseInLinearTime) {
  std::string body;
  for (int i = 0; i < 100000; ++i) body += "{{name}}\n";
  Result<StepTemplate> t = Template("Subject: s\n\n" + body);
  EXPECT_TRUE(t.ok());
}

}  // namespace
}  // namespace ar

namespace ar {
namespace {

TEST(SequenceDefinition, BodyConditionsInTriggersAndExitsAreRead) {
  SequenceSource source = Minimal("");
  source.text.insert(source.text.find("[step"), "body = \\bSKU (?P<sku>PX-100)\\b\n");
  Result<SequenceDefinition> def = ParseSequence(source);
  ASSERT_TRUE(def.ok()) << def.status().message();
  EXPECT_TRUE(def->ReadsBody());
  ASSERT_FALSE(def->trigger.conditions.empty());
  EXPECT_EQ(def->trigger.conditions.back().field, "body");

  Result<SequenceDefinition> plain = ParseSequence(Minimal(""));
  ASSERT_TRUE(plain.ok()) << plain.status().message();
  EXPECT_FALSE(plain->ReadsBody());
  ExitSpec exit;
  exit.on = ExitOn::kTrigger;
  exit.trigger.conditions = {{"body", "PX-200"}};
  plain->exits.push_back(exit);
  EXPECT_TRUE(plain->ReadsBody());
}

}  // namespace
}  // namespace ar
