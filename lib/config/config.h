// Config: every setting of autoresponder-milter as one immutable value, built
// once from the options table (options_table.h) out of a config file and the
// command line. Programs hold it as shared_ptr<const Config>; a reload builds
// a new one and swaps the pointer, so work in flight keeps its snapshot.
#pragma once

#include <string>
#include <vector>

#include "compose/reply_composer.h"
#include "core/rate_limit.h"
#include "dispatch/dispatcher.h"
#include "policy/policy_settings.h"
#include "store/store.h"
#include "transport/transport.h"
#include "web/web_settings.h"

namespace ar {

// Sequences (drip campaigns); see autoresponder-sequence(5).
struct SequenceOptions {
  // sequence_dir: "*.sequence" files; "" or a missing directory = no sequences
  std::string directory = "/etc/autoresponder-milter/sequences";
  std::string secret_key_file = "/etc/autoresponder-milter/secret.key";  // HMAC key
  std::string secret_key;                     // the key file's content, read at load; never printed
  std::string bounce_local_part = "bounces";  // VERP: bounces+TOKEN@domain
  std::string unsubscribe_local_part = "unsubscribe";  // unsubscribe+TOKEN@domain
  // control_domain: domains, lower case, whose unsubscribe+/bounces+
  // addresses are ours besides the sequences' From domains
  std::vector<std::string> control_domains;
  std::string unsubscribe_url;     // "" or e.g. "https://shop.example/u/{token}"
  uint32_t soft_bounce_limit = 3;  // 4.x.x DSNs before a person is suppressed
  // Decoded body text read for body conditions (body = REGEX), at most.
  uint64_t trigger_body_limit = 256 * 1024;
  uint32_t capture_max_length = 64;  // characters of a captured value kept
  bool capture_allow_urls = false;   // URLs in captured values survive
  // sequence_enrol_rate_limit: trigger enrolments into all sequences
  // together per window; count 0 ("none") for no limit
  RateLimit enrol_rate_limit;
  std::string confirm_local_part = "confirm";  // double opt-in: confirm+TOKEN@domain
  std::string confirm_url;                     // "" or e.g. "https://shop.example/confirm/{token}"
};

struct Config {
  std::string config_file;  // where it was read from; "" for none
  std::string milter_socket = "inet:8894@127.0.0.1";
  std::string milter_engine = "event";  // or "libmilter"
  std::string clock = "system";         // "system" or "file:PATH" (see core/clock.h)
  std::string log_target = "syslog";
  std::string log_level = "info";
  // The local syslog datagram socket start-up errors are also written to
  // (and every line with log_target = syslog).
  std::string syslog_socket = "/dev/log";
  std::string milter_metrics_file;      // Prometheus textfile; "" means no metrics file
  std::string dispatcher_metrics_file;  // the same for the dispatcher
  bool tempfail_on_error = false;       // internal failure: accept (default) or tempfail
  std::string reply_envelope_sender;    // "" means the null sender <>
  // The milter's latch of store write failures (autoresponder-ctl stats shows it).
  std::string store_error_file = "/run/autoresponder-milter/store-error";
  std::string milter_pid_file;      // "" means none; read by autoresponder-ctl reload
  std::string dispatcher_pid_file;  // "" means none; read by autoresponder-ctl reload
  // The user the daemons run as (the units' User=): the secret key may be
  // readable by its primary group; --check-config reads as it. "" = none.
  std::string service_user = "autoresponder";
  StoreOptions store = [] {
    StoreOptions options;
    options.path = "/var/lib/autoresponder-milter";
    return options;
  }();
  PolicySettings policy;
  ComposeSettings compose;  // hostname defaults to gethostname()
  TransportSettings transport;
  DispatchSettings dispatch;
  SequenceOptions sequences;
  WebSettings web;  // autoresponder-web
};

}  // namespace ar
