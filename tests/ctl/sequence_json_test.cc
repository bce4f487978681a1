// --json on the sequence read commands (sequence list, sequence show,
// person show, schedule, suppression list): the output parses as JSON and
// carries the fields autoresponder-ctl(8) documents, also when stored
// values hold quotes, control characters or bytes that are not UTF-8.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "sequence_ctl_fixture.h"

namespace ar {
namespace {

using ::ar::testing::kSequenceNow;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;

constexpr int64_t kDay = 86400;
constexpr char kKari[] = "kari@example.org";
constexpr char kOla[] = "ola@example.org";

TimePoint At(int64_t offset) { return FromUnixSeconds(kSequenceNow + offset); }

// Every field name in a document; the keys of "variables" are the person's
// data, not fields.
void CollectFieldNames(const nlohmann::json& document, std::set<std::string>* names) {
  if (document.is_array()) {
    for (const nlohmann::json& element : document) CollectFieldNames(element, names);
  } else if (document.is_object()) {
    for (const auto& [key, value] : document.items()) {
      names->insert(key);
      if (key != "variables") CollectFieldNames(value, names);
    }
  }
}

// The JSON OUTPUT section of autoresponder-ctl(8), roff's "\-" as "-".
std::string ManPageJsonSection() {
  std::ifstream in(std::string(AR_SOURCE_DIR) + "/man/autoresponder-ctl.8");
  std::stringstream s;
  s << in.rdbuf();
  std::string page;
  const std::string text = s.str();
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size() && text[i + 1] == '-') continue;
    page += text[i];
  }
  const size_t start = page.find(".SH JSON OUTPUT");
  const size_t end = page.find(".SS reload", start);
  return start == std::string::npos ? "" : page.substr(start, end - start);
}

// A double opt-in sequence with a legal basis, a window and an exit.
constexpr char kNews[] =
    "[sequence]\n"
    "name = news\n"
    "description = The \"monthly\" letter\n"
    "from = Shop <shop@shop.example>\n"
    "confirm = double-opt-in\n"
    "confirm_template = confirm.txt\n"
    "confirm_expiry = 3d\n"
    "legal_basis = Consent via the shop's form\n"
    "[trigger]\n"
    "recipient = ^news@shop\\.example$\n"
    "client = 192.0.2.0/24\n"
    "[step welcome]\n"
    "when = 1d after previous\n"
    "template = welcome.txt\n"
    "window = mon-fri 09:00-17:00\n"
    "[exit replied]\n"
    "on = reply\n";

class SequenceJson : public ::ar::testing::SequenceCtlTest {
 protected:
  // The command's stdout, parsed; a parse failure (invalid JSON or UTF-8)
  // is a discarded value and fails the test.
  nlohmann::json Json(const std::vector<std::string>& args) {
    ::ar::testing::SequenceCtlRun run = Ctl(args);
    EXPECT_EQ(run.code, 0) << run.err;
    nlohmann::json parsed = nlohmann::json::parse(run.out, nullptr, /*allow_exceptions=*/false);
    EXPECT_FALSE(parsed.is_discarded()) << "not JSON: " << run.out;
    return parsed;
  }

  void WriteNews() {
    WriteSequence("news", kNews);
    WriteTemplate("confirm.txt", "Subject: Confirm\n\nWrite to {{confirm_mailto}}.\n");
  }
};

TEST_F(SequenceJson, ListHasOneObjectPerSequenceWithTheDocumentedFields) {
  ASSERT_EQ(Ctl({"sequence", "enrol", "drip", kKari}).code, 0);
  nlohmann::json list = Json({"sequence", "list", "--json"});
  ASSERT_TRUE(list.is_array());
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["name"], "drip");
  EXPECT_THAT(list[0]["version"].get<std::string>(), MatchesRegex("[0-9a-f]{16,}"));
  EXPECT_EQ(list[0]["file"], "drip.sequence");
  EXPECT_TRUE(list[0]["description"].is_null());
  EXPECT_EQ(list[0]["step_count"], 2);
  EXPECT_EQ(list[0]["active"], 1);
  // The text's short version is the start of the full one.
  const std::string text = Ctl({"sequence", "list"}).out;
  EXPECT_THAT(text, HasSubstr("drip\t" + list[0]["version"].get<std::string>().substr(0, 12)));
}

TEST_F(SequenceJson, ShowHasTriggerStepsExitsAndConsentSettings) {
  WriteNews();
  nlohmann::json show = Json({"sequence", "show", "news", "--json"});
  EXPECT_EQ(show["name"], "news");
  EXPECT_EQ(show["description"], "The \"monthly\" letter");
  EXPECT_EQ(show["active"], 0);
  EXPECT_EQ(show["time_zone"], "UTC");
  EXPECT_EQ(show["from"], "Shop <shop@shop.example>");
  EXPECT_EQ(show["re_entry"], "ignore");
  EXPECT_TRUE(show["re_entry_after_seconds"].is_null());
  EXPECT_EQ(show["confirm"], "double-opt-in");
  EXPECT_EQ(show["confirm_template"], "confirm.txt");
  EXPECT_EQ(show["confirm_expiry_seconds"], 3 * kDay);
  EXPECT_EQ(show["legal_basis"], "Consent via the shop's form");
  EXPECT_EQ(show["trigger"]["direction"], "both");
  EXPECT_EQ(show["trigger"]["person"], "envelope-sender");
  EXPECT_EQ(show["trigger"]["clients"], nlohmann::json::array({"192.0.2.0/24"}));
  EXPECT_EQ(show["trigger"]["authenticated"], false);
  ASSERT_EQ(show["trigger"]["conditions"].size(), 1u);
  EXPECT_EQ(show["trigger"]["conditions"][0]["field"], "recipient");
  EXPECT_EQ(show["trigger"]["conditions"][0]["pattern"], "^news@shop\\.example$");
  ASSERT_EQ(show["steps"].size(), 1u);
  EXPECT_EQ(show["steps"][0]["number"], 1);
  EXPECT_EQ(show["steps"][0]["name"], "welcome");
  EXPECT_EQ(show["steps"][0]["when"], "1d after previous");
  EXPECT_EQ(show["steps"][0]["template"], "welcome.txt");
  EXPECT_EQ(show["steps"][0]["window"], "mon-fri 09:00-17:00");
  ASSERT_EQ(show["exits"].size(), 1u);
  EXPECT_EQ(show["exits"][0]["name"], "replied");
  EXPECT_EQ(show["exits"][0]["on"], "reply");
  EXPECT_TRUE(show["exits"][0]["move_to"].is_null());
  EXPECT_FALSE(show.contains("step_count"));

  nlohmann::json drip = Json({"sequence", "show", "drip", "--json"});
  EXPECT_EQ(drip["confirm"], "none");
  EXPECT_TRUE(drip["confirm_expiry_seconds"].is_null());
  EXPECT_TRUE(drip["steps"][1]["window"].is_null());
}

TEST_F(SequenceJson, PersonShowHasEnrolmentsSentAndUpcomingSteps) {
  ASSERT_EQ(Ctl({"sequence", "enrol", "drip", kKari, "--name", "Kari", "--var", "sku=PX-100"}).code,
            0);
  RecordNextStepSent(kKari, At(kDay + 60), At(3 * kDay + 60), "<w1@shop.example>");
  nlohmann::json person = Json({"person", "show", kKari, "--json"});
  EXPECT_EQ(person["person"], kKari);
  EXPECT_TRUE(person["suppression"].is_null());
  ASSERT_EQ(person["enrolments"].size(), 1u);
  const nlohmann::json& e = person["enrolments"][0];
  EXPECT_EQ(e["sequence"], "drip");
  EXPECT_TRUE(e["version_problem"].is_null());
  EXPECT_EQ(e["state"], "active");
  EXPECT_EQ(e["enrolled"], "2026-12-21T12:00:00Z");
  EXPECT_TRUE(e["left_reason"].is_null());
  EXPECT_EQ(e["name"], "Kari");
  EXPECT_EQ(e["variables"]["sku"], "PX-100");
  EXPECT_EQ(e["time_zone"], "UTC");
  ASSERT_EQ(e["sent"].size(), 1u);
  EXPECT_EQ(e["sent"][0]["at"], "2026-12-22T12:01:00Z");
  EXPECT_EQ(e["sent"][0]["number"], 1);
  EXPECT_EQ(e["sent"][0]["step"], "welcome");
  EXPECT_EQ(e["sent"][0]["message_id"], "<w1@shop.example>");
  EXPECT_EQ(e["sent"][0]["skipped"], false);
  ASSERT_EQ(e["upcoming"].size(), 1u);
  EXPECT_EQ(e["upcoming"][0]["due"], "2026-12-24T12:01:00Z");
  EXPECT_EQ(e["upcoming"][0]["step"], "coupon");
  EXPECT_EQ(e["upcoming"][0]["queued"], true);
  // An operator's enrolment: consent by the enrolment itself, no confirmation.
  EXPECT_EQ(e["consent"]["state"], "by-trigger");
  EXPECT_EQ(e["consent"]["trigger"], "manual");
  EXPECT_EQ(e["consent"]["at"], "2026-12-21T12:00:00Z");
  EXPECT_EQ(e["consent"]["double_opt_in"], false);
  EXPECT_TRUE(e["consent"]["confirmed_at"].is_null());

  // Unenrolled and suppressed: both show.
  ASSERT_EQ(Ctl({"sequence", "unenrol", "drip", kKari}).code, 0);
  ASSERT_EQ(Ctl({"suppression", "add", kKari, "--reason", "asked by phone"}).code, 0);
  person = Json({"person", "show", kKari, "--json"});
  EXPECT_EQ(person["suppression"]["reason"], "asked by phone");
  EXPECT_EQ(person["suppression"]["at"], "2026-12-21T12:00:00Z");
  EXPECT_EQ(person["suppression"]["soft_bounces"], 0);
  EXPECT_EQ(person["enrolments"][0]["state"], "left");
  EXPECT_EQ(person["enrolments"][0]["left_reason"], "manual");
  EXPECT_EQ(person["enrolments"][0]["upcoming"], nlohmann::json::array());

  nlohmann::json nobody = Json({"person", "show", kOla, "--json"});
  EXPECT_EQ(nobody["enrolments"], nlohmann::json::array());
}

TEST_F(SequenceJson, PersonShowHasTheConsentRecordOfADoubleOptInEnrolment) {
  WriteNews();
  ASSERT_EQ(Ctl({"sequence", "enrol", "news", kKari}).code, 0);
  nlohmann::json person = Json({"person", "show", kKari, "--json"});
  ASSERT_EQ(person["enrolments"].size(), 1u);
  const nlohmann::json& consent = person["enrolments"][0]["consent"];
  EXPECT_EQ(consent["state"], "awaiting-request");
  EXPECT_EQ(consent["trigger"], "manual");
  EXPECT_TRUE(consent["source_message_id"].is_null());
  EXPECT_EQ(consent["legal_basis"], "Consent via the shop's form");
  EXPECT_EQ(consent["double_opt_in"], true);
  EXPECT_TRUE(consent["requested_at"].is_null());
  EXPECT_TRUE(consent["confirmed_at"].is_null());
  EXPECT_EQ(consent["expires_at"], "2026-12-24T12:00:00Z");
  // Nothing is projected before the confirmation.
  EXPECT_EQ(person["enrolments"][0]["upcoming"], nlohmann::json::array());
}

TEST_F(SequenceJson, ScheduleListsQueuedAndProjectedEntries) {
  ASSERT_EQ(Ctl({"sequence", "enrol", "drip", kKari}).code, 0);
  nlohmann::json list = Json({"schedule", "--from", "2026-12-22", "--to", "2026-12-25", "--json"});
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0]["due"], "2026-12-22T12:00:00Z");
  EXPECT_EQ(list[0]["kind"], "step");
  EXPECT_EQ(list[0]["person"], kKari);
  EXPECT_EQ(list[0]["sequence"], "drip");
  EXPECT_EQ(list[0]["step"], "welcome");
  EXPECT_EQ(list[0]["state"], "queued");
  EXPECT_TRUE(list[0]["item"].is_number_unsigned());
  EXPECT_EQ(list[1]["due"], "2026-12-24T12:00:00Z");
  EXPECT_EQ(list[1]["step"], "coupon");
  EXPECT_EQ(list[1]["state"], "projected");
  EXPECT_TRUE(list[1]["item"].is_null());
  // An empty span is an empty array, not nothing.
  EXPECT_EQ(Json({"schedule", "--from", "2027-06-01", "--to", "2027-06-02", "--json"}),
            nlohmann::json::array());
}

// What a hostile sender or a damaged record can put in the store: quotes,
// backslashes, control characters and bytes that are not UTF-8.
TEST_F(SequenceJson, HostileStoredValuesStillGiveValidJson) {
  const std::string name = "Evil \"Name\" \\ \x1b[2J\x07\xff\xfe";
  ASSERT_EQ(
      Ctl({"sequence", "enrol", "drip", kKari, "--name", name, "--var", "note=a\rb\n\"c\"\x01\xc3"})
          .code,
      0);
  const std::string bad_address = "bad\"\xff\x01@example.org";
  {
    auto store = OpenStore();
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->sequences().Suppress(bad_address, "said \"stop\"\n\xfe", At(0)).ok());
    NewReply reply;
    reply.user = "ole@example.no";
    reply.generation = 1;
    reply.dedupe_sender = bad_address;
    reply.period = Seconds(kDay);
    reply.envelope_recipient = bad_address;
    reply.message_id = "<1@example.no>";
    reply.message = "Subject: \xff\r\n\r\nx\r\n";
    reply.due = At(kDay + 600);
    ASSERT_TRUE(store->Enqueue({reply}, At(0)).ok());
  }
  const std::string kReplacement = "\xEF\xBF\xBD";  // U+FFFD

  nlohmann::json person = Json({"person", "show", kKari, "--json"});
  const std::string shown_name = person["enrolments"][0]["name"].get<std::string>();
  EXPECT_EQ(shown_name.substr(0, 16), "Evil \"Name\" \\ \x1b[");
  EXPECT_THAT(shown_name, HasSubstr(kReplacement));
  EXPECT_THAT(person["enrolments"][0]["variables"]["note"].get<std::string>(),
              HasSubstr("a\rb\n\"c\"\x01"));

  nlohmann::json suppressions = Json({"suppression", "list", "--json"});
  ASSERT_EQ(suppressions.size(), 1u);
  EXPECT_EQ(suppressions[0]["person"], "bad\"" + kReplacement + "\x01@example.org");
  EXPECT_EQ(suppressions[0]["reason"], "said \"stop\"\n" + kReplacement);

  nlohmann::json schedule =
      Json({"schedule", "--from", "2026-12-21", "--to", "2026-12-31", "--json"});
  bool found_reply = false;
  for (const nlohmann::json& entry : schedule) {
    if (entry["kind"] != "reply") continue;
    found_reply = true;
    EXPECT_EQ(entry["person"], "bad\"" + kReplacement + "\x01@example.org");
    EXPECT_TRUE(entry["sequence"].is_null());
    EXPECT_TRUE(entry["step"].is_null());
  }
  EXPECT_TRUE(found_reply);

  // The real program's bytes on stdout, not only the in-process stream.
  ::ar::testing::SequenceCtlRun binary = Binary({"person", "show", kKari, "--json"});
  ASSERT_EQ(binary.code, 0) << binary.err;
  EXPECT_FALSE(nlohmann::json::parse(binary.out, nullptr, false).is_discarded()) << binary.out;
}

TEST_F(SequenceJson, TextTablesStartWithAHeaderLine) {
  ASSERT_EQ(Ctl({"sequence", "enrol", "drip", kKari}).code, 0);
  ASSERT_EQ(Ctl({"suppression", "add", kOla}).code, 0);
  EXPECT_THAT(Ctl({"sequence", "list"}).out,
              ::testing::StartsWith("NAME\tVERSION\tSTEPS\tACTIVE\n"));
  EXPECT_THAT(Ctl({"suppression", "list"}).out,
              ::testing::StartsWith("PERSON\tREASON\tSINCE\tSOFT_BOUNCES\n"));
  EXPECT_THAT(Ctl({"schedule", "--from", "2026-12-21", "--to", "2026-12-31"}).out,
              ::testing::StartsWith("DUE\tPERSON\tSEQUENCE\tSTEP\tSTATE\n"));
  // The JSON has no header, and --json is refused where there is no table.
  EXPECT_EQ(Ctl({"sequence", "enrol", "drip", kOla, "--json"}).code, 2);
}

TEST_F(SequenceJson, EveryFieldIsDocumentedInTheManPage) {
  WriteNews();
  ASSERT_EQ(Ctl({"sequence", "enrol", "drip", kKari, "--var", "sku=PX-100"}).code, 0);
  ASSERT_EQ(Ctl({"sequence", "enrol", "news", kKari}).code, 0);
  RecordNextStepSent(kKari, At(kDay + 60), At(3 * kDay + 60), "<w1@shop.example>");
  ASSERT_EQ(Ctl({"suppression", "add", kOla}).code, 0);
  std::set<std::string> names;
  for (const std::vector<std::string>& command :
       {std::vector<std::string>{"sequence", "list", "--json"},
        std::vector<std::string>{"sequence", "show", "news", "--json"},
        std::vector<std::string>{"person", "show", kKari, "--json"},
        std::vector<std::string>{"person", "show", kOla, "--json"},
        std::vector<std::string>{"schedule", "--from", "2026-12-21", "--to", "2027-01-31",
                                 "--json"}}) {
    CollectFieldNames(Json(command), &names);
  }
  const std::string section = ManPageJsonSection();
  ASSERT_FALSE(section.empty());
  for (const std::string& name : names) {
    EXPECT_NE(section.find(name), std::string::npos) << name << " is not in JSON OUTPUT";
  }
}

}  // namespace
}  // namespace ar
