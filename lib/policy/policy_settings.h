// PolicySettings: the administrator's knobs for the out-of-office decision,
// taken from Config once at start-up (and on reload). Immutable while used.
#pragma once

#include <string>
#include <vector>

#include "core/clock.h"

namespace ar {

struct SpamVerdictHeader {
  std::string name;   // e.g. "X-Spam-Flag"
  std::string value;  // e.g. "YES"; compared case-insensitively, trimmed
};

struct PolicySettings {
  // Local-part patterns of senders that never get a reply. '*' matches any
  // run of characters; comparison is case-insensitive.
  std::vector<std::string> ignored_sender_patterns = {
      "mailer-daemon", "listserv", "majordomo", "owner-*", "*-request",
      "*-owner",       "*-bounces", "noreply", "no-reply", "do-not-reply", "donotreply"};
  // More Received: fields than this -> a loop or a relay chain; no reply.
  int max_received = 25;
  // A header a trusted filter adds; a match means spam -> no reply.
  std::vector<SpamVerdictHeader> spam_verdict_headers = {{"X-Spam-Flag", "YES"}};
  // When true, reply only to senders with an SPF pass or an aligned DKIM pass
  // in an Authentication-Results field carrying trusted_authserv_id.
  bool require_authenticated_sender = false;
  std::string trusted_authserv_id;
  // Our own loop marker header; present -> the message is one of our replies.
  std::string loop_marker_header = "X-Autoresponder-Milter";
  // Domains that count as internal besides the user's own addresses' domains.
  std::vector<std::string> internal_domains;
  // Period of a rule set without one (the CLI fills it in).
  Seconds default_period = Seconds(7 * 86400);
  Seconds min_period = Seconds(86400);
  Seconds max_period = Seconds(30 * 86400);
};

}  // namespace ar
