#include "ctl/command_context.h"

#include <ostream>

#include "ctl/command_dispatch.h"

namespace ar {

int UsageError(const CommandContext& ctx, const std::string& message) {
  // One line and where to look, as GNU tools do: the full usage would push
  // the message itself off the operator's screen.
  ctx.err << "autoresponder-ctl: " << message << "\n" << kUsageHint << "\n";
  return kExitUsage;
}

int Failure(const CommandContext& ctx, const std::string& message) {
  ctx.err << "autoresponder-ctl: " << message << "\n";
  return kExitFailure;
}

int FromStatus(const CommandContext& ctx, const Status& status) {
  if (status.code() == Status::Code::kInvalidArgument) return UsageError(ctx, status.message());
  return StoreFailure(ctx, status);
}

int StoreFailure(const CommandContext& ctx, const Status& status) {
  Failure(ctx, status.ToString());
  return status.code() == Status::Code::kCorruption ? kExitDamaged : kExitFailure;
}

const std::string& UsageText() {
  static const std::string text =
      "Usage: autoresponder-ctl [--config FILE] [--store_path DIR] [--clock SPEC] COMMAND ...\n"
      "       autoresponder-ctl --version | --help\n"
      "\n"
      "--config defaults to $AUTORESPONDER_CONFIG, else " + std::string(kDefaultConfigPath) + ".\n"
      "Read commands take --json (field names in autoresponder-ctl(8)).\n"
      "\n"
      "Commands:\n"
      "  ooo set ADDRESS [--alias A]... [--no-aliases] [--name NAME] [--subject TEXT]\n"
      "          (--text TEXT | --text-file F) [--html-file F | --no-html]\n"
      "          [--internal-text TEXT | --internal-text-file F | --no-internal-text]\n"
      "          [--period DURATION] [--start WHEN] [--end WHEN] [--tz ZONE]\n"
      "          [--external all|none]\n"
      "                       create a rule, or edit one (fields not given are kept)\n"
      "  ooo show ADDRESS     every field, and whether the rule is active now\n"
      "  ooo list             one line per rule: address, on/off, window, aliases\n"
      "  ooo off ADDRESS      stop replying (the rule is kept)\n"
      "  ooo on ADDRESS       reply again, as a new response\n"
      "  ooo clear ADDRESS    delete the rule\n"
      "  queue list [--limit N]    replies and steps waiting to be sent\n"
      "  queue failed [--limit N]  replies and sequence steps not sent, with the reason\n"
      "  queue show ID [--raw]     one item: envelope, origin queue id, attempts, last\n"
      "                       error and the decoded message (--raw: as stored)\n"
      "  queue delete ID | --all-failed   remove an item, or empty the failed list\n"
      "  queue retry ID | --all   make an item (or every waiting one) due now\n"
      "  queue hold ID        never send the item until it is released\n"
      "  queue release ID     send a held item at its due time\n"
      "  reload [milter|dispatcher]  make the daemons re-read the configuration (SIGHUP)\n"
      "  stats [--prometheus]      counters from the metrics files, store gauges now\n"
      "  store-error [clear]  the milter's latched store write failure (exit 1 while\n"
      "                       latched); clear removes it\n"
      "  sequence list        one line per sequence: name, version, steps, active members\n"
      "  sequence show NAME   the definition: trigger, steps, exits, re-entry\n"
      "  sequence enrol NAME ADDRESS [--name NAME] [--var KEY=VALUE]...\n"
      "                       enrol by hand on the current version\n"
      "  sequence unenrol NAME ADDRESS  end the enrolment (reason manual)\n"
      "  sequence migrate NAME (--person ADDRESS | --all) [--restart-step STEP]\n"
      "                       move enrolments to the current version, by step name\n"
      "  sequence render NAME STEP ADDRESS [--name NAME] [--var KEY=VALUE]... [--raw]\n"
      "                       print the message of a step for a person, decoded (--raw:\n"
      "                       the MIME message); sends nothing\n"
      "  sequence preview NAME --enrol-at WHEN [--tz ZONE] [--name NAME] [--var KEY=VALUE]...\n"
      "                       the timeline of due times and subjects; writes nothing\n"
      "  person show ADDRESS  suppression, every enrolment, past and upcoming steps\n"
      "  suppression list [--limit N]   suppressed people\n"
      "  suppression add ADDRESS [--reason TEXT]   suppress (ends their enrolments)\n"
      "  suppression remove ADDRESS     take off the suppression list\n"
      "  schedule --from WHEN --to WHEN [--tz ZONE]   what will be sent in between\n"
      "  coupon verify CODE --person ADDRESS --sequence NAME --step STEP\n"
      "                       whether a coupon code is that person's (exit 0) or not (1)\n"
      "  doctor [--postfix-config DIR] [--postfix-user NAME] [--socket SOCKET]\n"
      "                       check socket, Postfix's milter lines, store, key, dispatcher\n"
      "                       and reinjection; one line per finding (exit 1 on a problem)\n"
      "  explain --from SENDER --to RCPT [--to RCPT]... [--at WHEN] [--tz ZONE] FILE\n"
      "                       what the milter would decide for a stored message and why;\n"
      "                       writes nothing (exit 0 would act, 1 no action)\n"
      "\n"
      "WHEN: 2026-12-20 (a whole day; as --end it includes that day),\n"
      "      2026-12-20T08:30 or '2026-12-20 08:30' (local time in --tz, default UTC),\n"
      "      2026-12-20T08:30:00Z or 2026-12-20T08:30+01:00, or none (remove the bound).\n"
      "DURATION: 90s, 15m, 12h, 7d, 2w.\n"
      "Exit status: 0 ok, 1 failure, 2 usage error, 3 damaged store.\n"
      "See autoresponder-ctl(8).\n";
  return text;
}

}  // namespace ar
