#include "compose/reply_composer.h"

#include "compose/encoded_word.h"
#include "compose/mailbox_format.h"
#include "message/address.h"
#include "compose/message_assembly.h"
#include "compose/message_ids.h"

namespace ar {

namespace {

// Long subjects are cut at a character boundary. RFC 5322 allows any length
// once folded, but a reply's subject is "Auto: " plus the original, and
// nobody reads past a couple of hundred characters.
constexpr size_t kMaxSubjectCharacters = 200;
constexpr size_t kMaxLoopMarkerValueCharacters = 200;

}  // namespace

Result<ComposedReply> ComposeReply(const ReplyPlan& plan, const ComposeSettings& settings,
                                   TimePoint now) {
  if (!IsSafeAddress(plan.from_address))
    return Status::InvalidArgument("reply From address is not usable: " +
                                   NeutralizeControls(plan.from_address));
  if (!IsSafeAddress(plan.envelope_recipient))
    return Status::InvalidArgument("reply recipient address is not usable: " +
                                   NeutralizeControls(plan.envelope_recipient));
  if (!IsSafeHostname(settings.hostname))
    return Status::InvalidArgument("hostname is not usable in a Message-ID: " +
                                   NeutralizeControls(settings.hostname));
  if (!IsRfc5322FieldName(settings.loop_marker_header))
    return Status::InvalidArgument("loop marker is not a header field name: " +
                                   NeutralizeControls(settings.loop_marker_header));

  ComposedReply reply;
  reply.message_id =
      MakeReplyMessageId(plan.user, plan.generation, plan.dedupe_sender, now, settings.hostname);
  if (reply.message_id.empty()) return Status::Temporary("SHA-256 is unavailable");

  std::string head;
  AppendHeaderField(head, "From", FormatMailbox(plan.from_display_name, plan.from_address, 4));
  AppendHeaderField(head, "To", FormatMailbox(plan.to_display_name, plan.envelope_recipient, 2));
  const std::string subject =
      TruncateUtf8Characters(RepairUtf8(NeutralizeControls(plan.subject)), kMaxSubjectCharacters);
  AppendHeaderField(head, "Subject", EncodeHeaderText(subject, 7));
  AppendHeaderField(head, "Date", FormatRfc5322Date(now));
  AppendHeaderField(head, "Message-ID", reply.message_id);
  // RFC 3834 section 3.1.3 and 3.1.4: thread the reply under the original.
  const std::string in_reply_to = InReplyToValue(NeutralizeControls(plan.original_message_id));
  if (!in_reply_to.empty()) AppendHeaderField(head, "In-Reply-To", in_reply_to);
  const std::string references = ReferencesValue(NeutralizeControls(plan.original_references),
                                                 NeutralizeControls(plan.original_message_id), 10);
  if (!references.empty()) AppendHeaderField(head, "References", references);
  // RFC 3834 section 5: marks the reply as automatic so that other
  // responders stay quiet; X-Auto-Response-Suppress does the same for
  // Exchange, and the loop marker lets our own milter recognise it.
  AppendHeaderField(head, "Auto-Submitted", "auto-replied");
  AppendHeaderField(head, "X-Auto-Response-Suppress", "All");
  const std::string marker_value = TruncateUtf8Characters(
      RepairUtf8(NeutralizeControls(settings.loop_marker_value)), kMaxLoopMarkerValueCharacters);
  AppendHeaderField(head, settings.loop_marker_header,
                    EncodeHeaderText(marker_value, settings.loop_marker_header.size()));

  // The boundary comes from the Message-ID ("<ar.HEX@host>") so the output
  // stays deterministic.
  Result<std::string> mime =
      MimeEntityText(plan.text_body, plan.html_body, reply.message_id.substr(4, 32));
  if (!mime.ok()) return mime.status();
  reply.message = head + *mime;
  if (reply.message.size() < 2 || reply.message.compare(reply.message.size() - 2, 2, "\r\n") != 0)
    reply.message += "\r\n";
  if (!IsWellFormedMessage(reply.message))
    return Status::InvalidArgument(
        "composed reply is not 7-bit CRLF text with lines <= 998 octets");
  return reply;
}

}  // namespace ar
