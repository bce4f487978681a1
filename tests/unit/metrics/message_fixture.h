// Messages for the metrics tests: a plain personal message from
// bob@example.net, and variants that policy declines to answer.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "message/message.h"

namespace ar {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

inline HeaderList PlainHeaders(const std::string& to) {
  return {{"From", "Bob <bob@example.net>"},
          {"To", to},
          {"Subject", "Lunch?"},
          {"Message-ID", "<m1@example.net>"}};
}

inline Message MakeMessage(const std::string& sender, const std::vector<std::string>& recipients,
                           const HeaderList& headers, const std::string& queue_id = "4Xk2Ld") {
  Envelope envelope;
  envelope.sender = sender;
  envelope.recipients = recipients;
  envelope.queue_id = queue_id;
  Message message(std::move(envelope));
  for (const auto& [name, value] : headers) message.AddHeader(name, value);
  return message;
}

}  // namespace ar
