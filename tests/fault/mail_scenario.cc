#include "tests/fault/mail_scenario.h"

#include <algorithm>
#include <filesystem>
#include <utility>

#include "core/logger.h"
#include "dispatch/dispatcher.h"
#include "sequence/tokens.h"
#include "tests/support/write_faults.h"

namespace ar {
namespace {

// Monday 2026-01-05 09:00 UTC: inside the canon-eos-5d send window.
const TimePoint kStart = FromUnixSeconds(1767603600);
constexpr Seconds kMinute{60};
constexpr Seconds kDay{86400};
// Far past the last step of the story (camera-gentle, about day 33): a
// queue still not empty by then is a failure, not a slow story.
constexpr Seconds kGiveUpAfter = 90 * kDay;
constexpr size_t kMaxDispatchRounds = 2000;
const char kSecretKey[] = "fault-injection-test-key-0123456789";

using Headers = std::vector<std::pair<std::string, std::string>>;

Headers Plain(const std::string& from, const std::string& to, const std::string& subject,
              const std::string& message_id) {
  return {{"From", from},
          {"To", to},
          {"Subject", subject},
          {"Message-ID", message_id},
          {"Date", "Mon, 05 Jan 2026 09:00:00 +0000"}};
}

ScenarioMessage Lead(const std::string& person, const std::string& name, int n) {
  ScenarioMessage m;
  m.name = "camera lead " + person;
  m.sender = "www-data@shop.example";
  m.recipients = {"leads+canon-eos-5d@shop.example"};
  m.headers = Plain("Kontaktskjema <www-data@shop.example>", "leads+canon-eos-5d@shop.example",
                    "Kontaktskjema: Canon EOS 5D", "<lead" + std::to_string(n) + "@shop.example>");
  m.headers.emplace_back("Reply-To", name + " <" + person + ">");
  m.body = "Passer Canon EOS 5D for meg?\r\n";
  return m;
}

std::string Dsn(const std::string& verp, const std::string& failed, const std::string& status) {
  return "This is a MIME-encapsulated message.\r\n\r\n"
         "--b1\r\nContent-Type: text/plain\r\n\r\nCould not deliver.\r\n\r\n"
         "--b1\r\nContent-Type: message/delivery-status\r\n\r\n"
         "Reporting-MTA: dns; mx.example.net\r\n\r\n"
         "Final-Recipient: rfc822; " +
         failed + "\r\nAction: failed\r\nStatus: " + status +
         "\r\n\r\n--b1\r\nContent-Type: text/rfc822-headers\r\n\r\nTo: " + failed +
         "\r\nX-Verp: " + verp + "\r\n\r\n--b1--\r\n";
}

std::vector<ScenarioMessage> StoryMessages(const std::string& key) {
  std::vector<ScenarioMessage> messages;
  auto add = [&](ScenarioMessage m) { messages.push_back(std::move(m)); };
  add({"first mail from carol to alice (away)",
       "carol@example.net",
       {"alice@example.org"},
       Plain("Carol <carol@example.net>", "alice@example.org", "Lunch on Friday?",
             "<m1@example.net>"),
       "Hi\r\n"});
  add({"second mail from carol to alice (already answered)",
       "carol@example.net",
       {"alice@example.org"},
       Plain("Carol <carol@example.net>", "alice@example.org", "Re: Lunch on Friday?",
             "<m2@example.net>"),
       "Hi again\r\n"});
  add({"mail from dave to alice and bob (both away)",
       "dave@example.net",
       {"alice@example.org", "bob@example.org"},
       Plain("Dave <dave@example.net>", "alice@example.org, bob@example.org", "Project status",
             "<m3@example.net>"),
       "Status?\r\n"});
  add(Lead("ole@example.net", "Ole Nordmann", 1));
  add(Lead("kari@example.net", "Kari Nordmann", 2));
  const size_t per_enrols = messages.size();
  add(Lead("per@example.net", "Per Hansen", 3));
  const size_t siri_enrols = messages.size();
  add(Lead("siri@example.net", "Siri Vik", 4));
  add({"order confirmation to ole (purchase exit, moves to accessories)",
       "orders@shop.example",
       {"ole@example.net"},
       Plain("Shop <orders@shop.example>", "ole@example.net", "Ordrebekreftelse 20417",
             "<order20417@shop.example>"),
       "Takk for ordren.\r\n"});
  const std::string unsubscribe =
      "unsubscribe+" + PersonToken(key, "per@example.net") + "@shop.example";
  add({"per unsubscribes",
       "per@example.net",
       {unsubscribe},
       Plain("Per Hansen <per@example.net>", unsubscribe, "unsubscribe", "<u1@example.net>"),
       "unsubscribe\r\n",
       Verdict::kDiscard,
       per_enrols});
  const std::string verp = "bounces+" + PersonToken(key, "siri@example.net") + "@shop.example";
  ScenarioMessage bounce{
      "hard bounce for siri", "", {verp}, {}, Dsn(verp, "siri@example.net", "5.1.1"),
      Verdict::kDiscard, siri_enrols};
  bounce.headers = Plain("Mail Delivery System <MAILER-DAEMON@mx.example.net>", verp,
                         "Undelivered Mail Returned to Sender", "<dsn1@mx.example.net>");
  bounce.headers.emplace_back("Content-Type",
                              "multipart/report; report-type=delivery-status; boundary=\"b1\"");
  bounce.headers.emplace_back("MIME-Version", "1.0");
  add(bounce);
  add({"plain mail to frank (not away)",
       "eve@example.net",
       {"frank@example.org"},
       Plain("Eve <eve@example.net>", "frank@example.org", "Hello", "<m4@example.net>"),
       "Hello\r\n"});
  ScenarioMessage list{"list mail to alice (never answered)",
                       "list-bounces@lists.example.net",
                       {"alice@example.org"},
                       Plain("Dev list <dev@lists.example.net>", "dev@lists.example.net",
                             "[dev] release", "<l1@lists.example.net>"),
                       "Released.\r\n"};
  list.headers.emplace_back("List-Id", "<dev.lists.example.net>");
  add(list);
  return messages;
}

// The MTA queue id of message i, as the milter logs it.
std::string QueueId(size_t i) { return "4Q" + std::to_string(1000 + i); }

OutOfOfficeRule AwayRule(const std::string& address, const std::string& name) {
  OutOfOfficeRule rule;
  rule.address = address;
  rule.display_name = name;
  rule.text_body = "I am away until the end of the month.";
  return rule;
}

Config ScenarioConfig(const std::string& sequence_dir, const std::string& key) {
  Config config;
  config.compose.hostname = "mx.shop.example";
  config.sequences.directory = sequence_dir;
  config.sequences.secret_key = key;
  return config;
}

}  // namespace

Result<std::unique_ptr<MailScenario>> MailScenario::Create(const std::string& work_dir) {
  std::unique_ptr<MailScenario> scenario(new MailScenario());
  Status setup = scenario->Setup(work_dir);
  if (!setup.ok()) return setup;
  return scenario;
}

MailScenario::~MailScenario() {
  std::error_code ec;
  std::filesystem::remove_all(work_dir_, ec);
}

Status MailScenario::Setup(const std::string& work_dir) {
  work_dir_ = work_dir;
  template_dir_ = work_dir + "/template";
  sequence_dir_ = std::string(AR_SOURCE_DIR) + "/conf/sequences";
  secret_key_ = kSecretKey;
  messages_ = StoryMessages(secret_key_);
  std::error_code ec;
  std::filesystem::remove_all(work_dir, ec);
  std::filesystem::create_directories(work_dir, ec);
  if (ec) return Status::IoError("cannot create " + work_dir + ": " + ec.message());

  {
    StoreOptions options;
    options.path = template_dir_;
    options.map_size = 64u << 20;
    auto store = Store::Open(options);
    if (!store.ok()) return store.status();
    for (const auto& [address, name] :
         {std::pair<std::string, std::string>{"alice@example.org", "Alice Smith"},
          {"bob@example.org", "Bob Jones"}}) {
      Status put = (*store)->PutRule(AwayRule(address, name));
      if (!put.ok()) return put;
    }
    auto settings = LoadMessageSettings(ScenarioConfig(sequence_dir_, secret_key_), **store);
    if (!settings.ok()) return settings.status();
    if (!settings->sequences->enabled())
      return Status::NotFound("no sequences in " + sequence_dir_);
    settings_ = std::make_shared<const MessageSettings>(std::move(*settings));
  }

  // The loop means nothing unless the store honours StoreOptions::faults.
  StoreOptions probe;
  probe.path = work_dir + "/probe";
  probe.map_size = 1u << 20;
  probe.initial_map_size = 1u << 20;
  auto every_write_fails = std::make_shared<testing::WriteFaults>(Status::IoError("probe"));
  every_write_fails->failing = true;
  probe.faults = every_write_fails;
  auto store = Store::Open(probe);
  if (!store.ok()) return store.status();
  const bool honoured = !(*store)->PutRule(AwayRule("x@example.org", "X")).ok();
  store->reset();
  std::filesystem::remove_all(probe.path, ec);
  if (!honoured) return Status::InvalidArgument("the store ignores StoreOptions::faults");
  return Status::Ok();
}

void MailScenario::Discard(const ScenarioResult& result) {
  std::error_code ec;
  if (!result.store_dir.empty()) std::filesystem::remove_all(result.store_dir, ec);
}

Result<ScenarioResult> MailScenario::Run(const ScenarioFaults& faults,
                                         const std::string& run_name) {
  ScenarioResult result;
  result.store_dir = work_dir_ + "/" + run_name;
  std::error_code ec;
  std::filesystem::remove_all(result.store_dir, ec);
  std::filesystem::copy(template_dir_, result.store_dir, std::filesystem::copy_options::recursive,
                        ec);
  if (ec) return Status::IoError("cannot copy the template store: " + ec.message());

  auto fault = std::make_shared<testing::WriteFaults>(faults.store_failure, faults.store_write);
  StoreOptions options;
  options.path = result.store_dir;
  options.map_size = 64u << 20;
  options.faults = fault;
  auto opened = Store::Open(options);
  if (!opened.ok()) return opened.status();
  std::unique_ptr<Store> store = std::move(opened).value();

  ManualClock clock(kStart);
  CapturingLogger logger(LogLevel::kWarning);
  testing::TestTransport transport;
  transport.fail_at = faults.send;
  transport.fail_kind = faults.send_failure;
  fault->OnFailure([&] { result.sends_before_failed_write = transport.attempts().size(); });
  fault->Arm();

  // --- the milter: one message a minute ---
  std::shared_ptr<const MessageSettings> settings = settings_;
  if (faults.tempfail_on_error) {
    auto changed = std::make_shared<MessageSettings>(*settings_);
    changed->tempfail_on_error = true;
    settings = std::move(changed);
  }
  MilterService service(settings, *store, clock, logger);
  for (size_t i = 0; i < messages_.size(); ++i) {
    clock.Set(kStart + static_cast<int64_t>(i) * kMinute);
    if (faults.omit_message == i) {
      result.verdicts.push_back(Verdict::kContinue);
      continue;
    }
    const ScenarioMessage& m = messages_[i];
    const bool hit_before = fault->hit();
    Session session(service);
    // Over the local smtpd, as the shop's web server submits its contact
    // form (the canon-eos-5d trigger takes mail from 127.0.0.1 only).
    SmtpClient client;
    client.address = "127.0.0.1";
    session.OnMailFrom("<" + m.sender + ">", client);
    for (const std::string& rcpt : m.recipients) session.OnRecipient("<" + rcpt + ">");
    for (const auto& [name, value] : m.headers) session.OnHeader(name, value);
    if (session.WantsBody()) session.OnBodyChunk(m.body);
    result.verdicts.push_back(session.OnEndOfMessage(QueueId(i)).verdict);
    if (!hit_before && fault->hit()) result.failed_in_message = i;
  }
  result.milter_writes = fault->writes();
  auto queued = store->ListQueue(1000);
  if (!queued.ok()) return queued.status();
  result.queued_after_milter = std::move(queued).value();

  // --- the dispatcher: at every next due time until the queue is empty ---
  DispatchSettings dispatch;
  dispatch.concurrency = 1;  // one send at a time: the N-th write is the same write in every run
  SequenceSendSettings send;
  send.directory = sequence_dir_;
  send.addresses.secret_key = secret_key_;
  send.compose.hostname = "mx.shop.example";
  Dispatcher dispatcher(*store, transport, clock, logger, dispatch, send);
  const TimePoint give_up = kStart + kGiveUpAfter;
  for (size_t round = 0; round < kMaxDispatchRounds; ++round) {
    auto next = store->NextDue();
    if (!next.ok()) return next.status();
    if (!next->has_value()) {
      result.drained = true;
      break;
    }
    if (**next > give_up) break;
    clock.Set(std::max(clock.Now(), **next));
    auto outcome = dispatcher.RunOnce();
    if (!outcome.ok()) {
      // As Dispatcher::Run() does: a failed round is logged and retried.
      ++result.dispatcher_errors;
      logger.Error("dispatch round failed: " + outcome.status().ToString());
    }
  }

  auto failed = store->ListFailed(1000);
  if (!failed.ok()) return failed.status();
  result.failed_items = std::move(failed).value();
  result.writes = fault->writes();
  result.failed_operation = fault->failed_operation();
  result.sends = transport.attempts();
  for (const std::string& line : logger.Lines()) {
    if (line.find("injected") != std::string::npos) ++result.injected_failures_logged;
    for (size_t i = 0; i < messages_.size(); ++i)
      if (line.find(QueueId(i) + ": cannot record") != std::string::npos &&
          line.find("message accepted") != std::string::npos)
        result.unrecorded_messages.push_back(i);
  }
  store.reset();  // closed, so the invariant checker may open it
  return result;
}

}  // namespace ar
