#include "milter/session.h"

#include <algorithm>
#include <optional>
#include <set>

#include "core/logged_trail.h"
#include "core/strings.h"
#include "message/body_text.h"
#include "sequence/control_mail.h"

namespace ar {

std::string StripAngleBrackets(std::string_view path) {
  path = Trim(path);
  if (path.size() >= 2 && path.front() == '<' && path.back() == '>')
    path = path.substr(1, path.size() - 2);
  return std::string(Trim(path));
}

bool EveryRecipientRemoved(const Envelope& envelope, const std::vector<std::string>& removed) {
  // A recipient past the cap was never seen by the decision, so it cannot
  // have been consumed: the message still has someone to go to.
  if (envelope.recipients_dropped > 0 || envelope.recipients.empty()) return false;
  std::set<std::string> gone;
  for (const std::string& r : removed) gone.insert(ToLowerAscii(r));
  for (const std::string& recipient : envelope.recipients) {
    if (gone.count(ToLowerAscii(recipient)) == 0) return false;
  }
  return true;
}

void Session::OnMailFrom(std::string_view sender, bool local_submission) {
  SmtpClient client;
  client.local_submission = local_submission;
  OnMailFrom(sender, client);
}

void Session::OnMailFrom(std::string_view sender, const SmtpClient& client) {
  settings_ = service_.Snapshot();
  Envelope envelope;
  envelope.sender = StripAngleBrackets(sender);
  envelope.local_submission = client.local_submission;
  // Macro values are the MTA's, but bounded all the same: an address is
  // short, and a login longer than any real one is dropped, not trusted.
  if (client.address.size() <= 64) envelope.client_address = std::string(Trim(client.address));
  if (client.authenticated_user.size() <= 256) {
    envelope.authenticated_user = std::string(Trim(client.authenticated_user));
  }
  message_ = Message(std::move(envelope));
  body_.clear();
  in_message_ = true;
}

void Session::OnRecipient(std::string_view recipient) {
  if (!in_message_) return;
  // Bounded like the headers: an envelope with more recipients than any
  // MTA allows is hostile; the extra ones are not kept but counted, so that
  // nothing is decided as though the kept ones were all there were.
  Envelope& envelope = message_.mutable_envelope();
  if (envelope.recipients.size() < kMaxRecipients) {
    envelope.recipients.push_back(StripAngleBrackets(recipient));
  } else {
    ++envelope.recipients_dropped;
  }
}

void Session::OnHeader(std::string_view name, std::string_view value) {
  if (!in_message_) return;
  // The DSN status pseudo header is ours alone (added at end of message from
  // the body); one arriving from outside would forge a bounce verdict.
  if (EqualsIgnoreCase(name, kDsnStatusHeader)) return;
  message_.AddHeader(name, value);
}

size_t Session::BodyLimit() const {
  if (!in_message_ || !settings_) return 0;
  const SequenceRuntime& sequences = *settings_->sequences;
  size_t limit = 0;
  if (sequences.reads_body) limit = sequences.body_limit;
  if (HasBounceRecipient(message_.envelope(), sequences)) limit = std::max(limit, kMaxBodyBytes);
  return limit;
}

bool Session::WantsBody() const { return body_.size() < BodyLimit(); }

void Session::OnBodyChunk(std::string_view chunk) {
  const size_t limit = BodyLimit();
  if (body_.size() >= limit) return;
  body_.append(chunk.substr(0, limit - body_.size()));
}

EndOfMessage Session::OnEndOfMessage(std::string_view queue_id) {
  EndOfMessage result;
  if (!in_message_ || !settings_) return result;
  in_message_ = false;
  message_.mutable_envelope().queue_id = std::string(queue_id);
  const TimePoint now = service_.clock().Now();
  // What the store could not record, for the one log line below.
  std::string unrecorded;
  Status first_error;
  // log_level = debug: every check of both decisions, one line each.
  std::optional<LoggedTrail> logged_trail;
  if (service_.logger().Enabled(LogLevel::kDebug)) {
    logged_trail.emplace(
        service_.logger(),
        (queue_id.empty() ? std::string("NOQUEUE") : std::string(queue_id)) + ": ");
  }
  DecisionTrail* trail = logged_trail ? &*logged_trail : nullptr;

  Result<ResponderReport> report =
      service_.responder().Handle(message_, settings_->responder, now, trail);
  if (!report.ok()) {
    unrecorded = "out-of-office replies";
    first_error = report.status();
  }

  if (settings_->sequences->enabled()) {
    if (settings_->sequences->reads_body) {
      // Only the decoded text is kept, cut to the same limit: a base64 body
      // is a third longer than its text, never shorter.
      message_.set_body_text(ExtractBodyText(message_, body_, settings_->sequences->body_limit));
    }
    if (!body_.empty()) {
      // The decision reads a DSN's Status from this pseudo header (the
      // contract in sequence/sequence_decision.h); it never reaches the MTA.
      if (auto status = ParseDsnStatus(body_)) message_.AddHeader(kDsnStatusHeader, *status);
    }
    Result<SequenceOutcome> outcome =
        service_.sequence_responder().Handle(message_, *settings_->sequences, now, trail);
    if (!outcome.ok()) {
      if (first_error.ok()) {
        first_error = outcome.status();
        unrecorded = "sequence actions";
      } else {
        unrecorded += " and sequence actions";
      }
    } else {
      result.remove_recipients = outcome->consume_recipients;
      if (EveryRecipientRemoved(message_.envelope(), result.remove_recipients)) {
        result.verdict = Verdict::kDiscard;
      }
    }
  }
  body_.clear();
  if (!first_error.ok()) ReportUnrecorded(queue_id, unrecorded, first_error, &result);
  return result;
}

void Session::ReportUnrecorded(std::string_view queue_id, const std::string& what,
                               const Status& error, EndOfMessage* result) {
  // Never harm mail flow: the message goes through unless the administrator
  // chose tempfail. One line per message, whatever failed: a full store
  // fails every part of every message, and the log must stay readable.
  const bool tempfail = settings_->tempfail_on_error;
  if (tempfail) {
    result->verdict = Verdict::kTempfail;
    result->remove_recipients.clear();
  }
  const std::string qid = queue_id.empty() ? std::string("NOQUEUE") : std::string(queue_id);
  service_.logger().Error(qid + ": cannot record " + what + ", message " +
                          (tempfail ? "tempfailed" : "accepted") + ": " + error.ToString());
  if (Counters* counters = service_.counters()) {
    counters->CountUnrecorded();
    if (error.code() == Status::Code::kFull) counters->CountStoreFull();
  }
  if (StoreErrorLatch* latch = service_.store_error_latch()) latch->Record(qid, error);
}

void Session::OnAbort() {
  in_message_ = false;
  message_ = Message();
  body_.clear();
}

}  // namespace ar
