// LoadSequenceDirectory: files on disk, checks across files, the shipped
// examples in conf/sequences.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "sequence/sequence_definition.h"

namespace ar {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class SequenceLoader : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        fs::path(::testing::TempDir()) /
        ("seqdir-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name, std::ios::binary) << text;
  }
  // A valid sequence file named name.sequence with one exit moving to move_to.
  void WriteSequence(const std::string& name, const std::string& move_to = "",
                     const std::string& extra_head = "") {
    std::string text = "[sequence]\n" + extra_head +
                       "from = Shop <shop@shop.example>\n"
                       "[trigger]\nrecipient = ^" +
                       name +
                       "@shop\\.example$\n"
                       "[step one]\ntemplate = " +
                       name + ".txt\n";
    if (!move_to.empty()) text += "[exit out]\non = reply\nmove_to = " + move_to + "\n";
    Write(name + ".sequence", text);
    Write(name + ".txt", "Subject: " + name + "\n\nHello\n");
  }
  std::string Dir() const { return dir_.string(); }

  fs::path dir_;
};

// Issue 12 item 5: {{frist_name}} would render empty in every mail; it is
// an error naming the template file and line (--check-config prints it).
TEST_F(SequenceLoader, UnknownTemplateVariableIsAnErrorWithFileAndLine) {
  WriteSequence("alpha");
  Write("alpha.txt",
        "Subject: Hello {{first_name}}\n\nHi {{frist_name}},\n{{#coupon}}x{{/coupon}}\n");
  Write("alpha.html", "<p>{{{nme}}}</p>\n");
  Result<std::vector<LoadedSequence>> loaded = LoadSequenceDirectory(Dir());
  ASSERT_FALSE(loaded.ok());
  const std::string e = loaded.status().message();
  EXPECT_THAT(e, HasSubstr("alpha.txt:3: unknown template variable {{frist_name}}"));
  EXPECT_THAT(e, HasSubstr("alpha.html:1: unknown template variable {{nme}}"));
  EXPECT_THAT(e, ::testing::Not(HasSubstr("{{first_name}}")));
  EXPECT_THAT(e, ::testing::Not(HasSubstr("{{coupon}}")));
}

// Captured by the trigger, or by the exit trigger of another sequence that
// moves people here: known.
TEST_F(SequenceLoader, CapturedVariablesAreKnownIncludingThoseOfMovesHere) {
  WriteSequence("alpha", "", "");
  Write("alpha.sequence",
        "[sequence]\nfrom = Shop <shop@shop.example>\n"
        "[trigger]\nrecipient = ^alpha@shop\\.example$\nsubject = (?P<product>\\w+)\n"
        "[step one]\ntemplate = alpha.txt\n"
        "[exit bought]\non = trigger\nsubject = order (?P<order>\\d+)\nmove_to = beta\n");
  Write("alpha.txt", "Subject: About {{product}}\n\n{{recipient_detail}} {{today}}\n");
  WriteSequence("beta");
  Write("beta.txt", "Subject: Order {{order}}\n\nThanks {{name}}\n");
  Result<std::vector<LoadedSequence>> loaded = LoadSequenceDirectory(Dir());
  EXPECT_TRUE(loaded.ok()) << loaded.status().message();
}

TEST_F(SequenceLoader, LoadsEverySequenceWithItsTemplates) {
  WriteSequence("alpha", "beta");
  WriteSequence("beta");
  Write("beta.html", "<p>Hello</p>\n");
  Write("notes.txt", "not a sequence\n");
  Write(".#alpha.sequence", "editor lock file\n");
  Write("#beta.sequence#", "editor autosave\n");
  Result<std::vector<LoadedSequence>> loaded = LoadSequenceDirectory(Dir());
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  ASSERT_EQ(loaded->size(), 2u);
  EXPECT_EQ((*loaded)[0].definition.name, "alpha");
  EXPECT_EQ((*loaded)[0].definition.exits[0].move_to, "beta");
  EXPECT_EQ((*loaded)[0].source.file_name, "alpha.sequence");
  EXPECT_EQ((*loaded)[0].source.templates.size(), 1u);
  EXPECT_EQ((*loaded)[1].definition.name, "beta");
  EXPECT_EQ((*loaded)[1].source.templates.count("beta.html"), 1u);
  EXPECT_EQ((*loaded)[1].definition.version, SequenceVersion((*loaded)[1].source));
  // The stored source rebuilds the same definition later.
  Result<SequenceDefinition> again = ParseSequence((*loaded)[1].source);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->version, (*loaded)[1].definition.version);
}

TEST_F(SequenceLoader, EmptyDirectoryHasNoSequences) {
  Result<std::vector<LoadedSequence>> loaded = LoadSequenceDirectory(Dir());
  ASSERT_TRUE(loaded.ok());
  EXPECT_TRUE(loaded->empty());
}

TEST_F(SequenceLoader, MissingDirectoryIsAnIoError) {
  Result<std::vector<LoadedSequence>> loaded = LoadSequenceDirectory(Dir() + "/nope");
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), Status::Code::kIoError);
}

TEST_F(SequenceLoader, MoveToASequenceThatDoesNotExist) {
  WriteSequence("alpha", "gamma");
  Result<std::vector<LoadedSequence>> loaded = LoadSequenceDirectory(Dir());
  ASSERT_FALSE(loaded.ok());
  EXPECT_THAT(loaded.status().message(),
              HasSubstr("alpha.sequence:9: move_to gamma: no sequence of that name"));
}

TEST_F(SequenceLoader, DuplicateSequenceNames) {
  WriteSequence("alpha");
  WriteSequence("beta", "", "name = alpha\n");
  Result<std::vector<LoadedSequence>> loaded = LoadSequenceDirectory(Dir());
  ASSERT_FALSE(loaded.ok());
  EXPECT_THAT(loaded.status().message(),
              HasSubstr("beta.sequence:2: the sequence name alpha is also used by alpha.sequence"));
}

TEST_F(SequenceLoader, ErrorsOfEveryFileAreReportedTogether) {
  WriteSequence("alpha", "beta");
  Write("beta.sequence", "[sequence]\nfrom = Shop <shop@shop.example>\nbogus = 1\n");
  Write("gamma.sequence",
        "[sequence]\nfrom = Shop <shop@shop.example>\n[trigger]\n"
        "recipient = x\n[step one]\ntemplate = missing.txt\n");
  Result<std::vector<LoadedSequence>> loaded = LoadSequenceDirectory(Dir());
  ASSERT_FALSE(loaded.ok());
  const std::string& e = loaded.status().message();
  EXPECT_THAT(e, HasSubstr("beta.sequence:3: unknown key \"bogus\""));
  EXPECT_THAT(e, HasSubstr("gamma.sequence:6: template missing.txt does not exist"));
  // beta exists (though broken): moving into it is not another error.
  EXPECT_THAT(e, ::testing::Not(HasSubstr("move_to beta")));
}

TEST_F(SequenceLoader, OversizedFilesAreRefusedUnread) {
  WriteSequence("alpha");
  Write("alpha.txt", "Subject: big\n\n" + std::string(1024 * 1024, 'x'));
  Result<std::vector<LoadedSequence>> loaded = LoadSequenceDirectory(Dir());
  ASSERT_FALSE(loaded.ok());
  EXPECT_THAT(loaded.status().message(), HasSubstr("alpha.txt:0: larger than 1 MiB"));
}

TEST_F(SequenceLoader, EditingATemplateMakesANewVersion) {
  WriteSequence("alpha");
  std::string v1 = LoadSequenceDirectory(Dir())->at(0).definition.version;
  Write("alpha.txt", "Subject: alpha\n\nHello again\n");
  std::string v2 = LoadSequenceDirectory(Dir())->at(0).definition.version;
  EXPECT_NE(v1, v2);
  Write("alpha.txt", "Subject: alpha\n\nHello\n");
  EXPECT_EQ(LoadSequenceDirectory(Dir())->at(0).definition.version, v1);
}

// The shipped examples: the three stories of autoresponder-sequence(5).
TEST(ShippedSequences, ConfSequencesLoadWithTheExpectedSteps) {
  Result<std::vector<LoadedSequence>> loaded =
      LoadSequenceDirectory(std::string(AR_SOURCE_DIR) + "/conf/sequences");
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  std::map<std::string, const SequenceDefinition*> by_name;
  for (const LoadedSequence& item : *loaded) by_name[item.definition.name] = &item.definition;
  ASSERT_EQ(by_name.size(), 7u);

  const SequenceDefinition& newsletter = *by_name.at("newsletter");
  EXPECT_EQ(newsletter.confirm, ConfirmMode::kDoubleOptIn);
  EXPECT_EQ(newsletter.confirm_template, "newsletter-confirm.txt");
  EXPECT_EQ(newsletter.confirm_expiry, Seconds(7 * 86400));
  EXPECT_FALSE(newsletter.legal_basis.empty());

  const SequenceDefinition& canon = *by_name.at("canon-eos-5d");
  EXPECT_EQ(canon.trigger.person, PersonSource::kReplyTo);
  EXPECT_EQ(canon.trigger.direction, Direction::kSmtp);
  // The contact form's abuse controls: only the web server's own address,
  // and limits per window.
  ASSERT_EQ(canon.trigger.clients.size(), 2u);
  EXPECT_EQ(FormatIpNetwork(canon.trigger.clients[0]), "127.0.0.1/32");
  EXPECT_EQ(FormatIpNetwork(canon.trigger.clients[1]), "::1/128");
  EXPECT_EQ(canon.enrol_rate_limit, (RateLimit{200, Seconds(86400)}));
  EXPECT_EQ(canon.enrol_source_limit, (RateLimit{20, Seconds(3600)}));
  ASSERT_EQ(canon.steps.size(), 3u);
  EXPECT_EQ(canon.steps[0].name, "info");
  EXPECT_EQ(canon.steps[0].offset, Seconds(3 * 86400));
  EXPECT_EQ(canon.steps[1].name, "coupon");
  EXPECT_EQ(canon.steps[1].anchor, StepAnchor::kPrevious);
  EXPECT_EQ(canon.steps[1].offset, Seconds(7 * 86400));
  // The reminder is what the two-step no-engagement exit replaces.
  EXPECT_EQ(canon.steps[2].name, "reminder");
  EXPECT_EQ(canon.coupon_format, "CAM-XXXX-XXXX");
  ASSERT_EQ(canon.exits.size(), 2u);
  EXPECT_EQ(canon.exits[0].on, ExitOn::kTrigger);
  EXPECT_EQ(canon.exits[0].move_to, "accessories");
  EXPECT_EQ(canon.exits[1].on, ExitOn::kNoEngagement);
  EXPECT_EQ(canon.exits[1].steps, 2);
  EXPECT_EQ(canon.exits[1].move_to, "camera-gentle");

  EXPECT_EQ(by_name.at("accessories")->steps.size(), 2u);
  EXPECT_EQ(by_name.at("camera-gentle")->steps.size(), 1u);

  // PX-100 orders are told apart by the body only.
  const SequenceDefinition& px100 = *by_name.at("product-px100");
  EXPECT_TRUE(px100.ReadsBody());
  ASSERT_EQ(px100.steps.size(), 1u);
  EXPECT_EQ(px100.steps[0].anchor, StepAnchor::kEnrolment);
  EXPECT_EQ(px100.steps[0].offset, Seconds(5 * 86400));
  EXPECT_FALSE(by_name.at("canon-eos-5d")->ReadsBody());

  const SequenceDefinition& product = *by_name.at("product-x");
  ASSERT_EQ(product.steps.size(), 2u);
  EXPECT_EQ(product.steps[0].anchor, StepAnchor::kEnrolment);
  EXPECT_EQ(product.steps[0].offset, Seconds(5 * 86400));
  EXPECT_EQ(product.steps[1].anchor, StepAnchor::kEnrolment);
  EXPECT_EQ(product.steps[1].offset, Seconds(10 * 86400));
  EXPECT_EQ(product.trigger.person, PersonSource::kEnvelopeRecipient);

  const SequenceDefinition& course = *by_name.at("course");
  ASSERT_EQ(course.steps.size(), 3u);
  EXPECT_EQ(course.steps[0].anchor_variable, "exam_date");
  EXPECT_EQ(course.steps[0].offset, Seconds(-7 * 86400));
  EXPECT_EQ(course.steps[2].anchor_variable, "certificate_expiry");
  EXPECT_EQ(course.steps[2].offset, Seconds(-30 * 86400));

  // Every template of every shipped sequence parses, in its language.
  for (const LoadedSequence& item : *loaded) {
    for (const StepSpec& step : item.definition.steps) {
      Result<StepTemplate> t = ParseStepTemplate(step.template_name, item.source);
      ASSERT_TRUE(t.ok()) << t.status().message();
      EXPECT_FALSE(t->headers.at("Subject").empty());
    }
  }
}

}  // namespace
}  // namespace ar
