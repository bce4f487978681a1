// OooService: the out-of-office API of autoresponder-web for one logged-in
// user, without HTTP: GET, PUT and DELETE of the user's rule and the
// preview of the reply it would send. Reads and writes go through the same
// Store and rule editing as `autoresponder-ctl ooo` (the milter reads the
// store on every message, so changes apply without a restart).
//
// Who may touch what: the user's own address is the rule's key; the address
// a request names (optional) must be that address or one of the rule's
// aliases, else 403. Aliases themselves are the administrator's: a user who
// could add one could take over another person's replies.
//
// Every change is logged with the user and the client address. Store
// failures are 500 with a logged reason; nothing here throws. Thread-safe:
// changes are serialised so two tabs cannot lose each other's edit halfway.
#pragma once

#include <mutex>
#include <optional>
#include <string>

#include "config/config.h"
#include "core/clock.h"
#include "core/logger.h"
#include "store/store.h"
#include "web/api_reply.h"

namespace ar {

struct ApiCaller {
  std::string user;    // the logged-in user's normalised address
  std::string client;  // the client's address, for the log
};

class OooService {
 public:
  OooService(Store& store, const Config& config, const Clock& clock, Logger& logger)
      : store_(store), config_(config), clock_(clock), logger_(logger) {}

  // address: "" for the caller's own.
  ApiReply Get(const ApiCaller& caller, const std::string& address);
  // body: the request's JSON text (ooo_request.h).
  ApiReply Put(const ApiCaller& caller, const std::string& address, const std::string& body);
  ApiReply Delete(const ApiCaller& caller, const std::string& address);
  // The reply a message from sender (default "sender@example.com") would
  // get, decoded for reading; internal: as for a sender in the user's domains.
  ApiReply Preview(const ApiCaller& caller, const std::string& address, const std::string& sender,
                   bool internal);

 private:
  // The rule key for address, or a 403 reply.
  struct Target {
    std::string rule_address;   // the caller's own address
    std::string named_address;  // the address the reply comes from
    std::optional<ApiReply> refused;
  };
  Target Resolve(const ApiCaller& caller, const std::string& address);
  ApiReply StoreFailure(const std::string& what, const Status& status);

  Store& store_;
  const Config& config_;
  const Clock& clock_;
  Logger& logger_;
  std::mutex write_mu_;
};

}  // namespace ar
