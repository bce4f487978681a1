// ApiReply: what one API call answers, before HTTP: a status code and a
// JSON document. Errors are {"error": MESSAGE} plus "field" for validation
// errors (autoresponder-web(8), "ERRORS").
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace ar {

struct ApiReply {
  int status = 200;
  nlohmann::json body;
};

inline ApiReply ErrorReply(int status, const std::string& message, const std::string& field = "") {
  ApiReply reply{status, {{"error", message}}};
  if (!field.empty()) reply.body["field"] = field;
  return reply;
}

}  // namespace ar
