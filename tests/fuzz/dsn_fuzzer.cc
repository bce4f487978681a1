// Fuzzes the reading of control mail (sequence/control_mail.h): a raw DSN
// body for ParseDsnStatus, a Content-Type value, and a control address
// ("unsubscribe+TOKEN@x", "bounces+TOKEN@x") with tokens.h's reader.
//
// Input: the DSN body. Its first line is also used as the Content-Type value
// and as the control address.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "message/message.h"
#include "sequence/control_mail.h"
#include "sequence/tokens.h"
#include "tests/fuzz/fuzz_property.h"

namespace ar {
namespace {

using fuzz::Require;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// "C.S.D": class 2, 4 or 5; subject and detail 1-3 digits (RFC 3463).
bool MatchesStatusShape(std::string_view status) {
  if (status.size() < 5 || (status[0] != '2' && status[0] != '4' && status[0] != '5') ||
      status[1] != '.') {
    return false;
  }
  const size_t second_dot = status.find('.', 2);
  if (second_dot == std::string_view::npos) return false;
  const std::string_view subject = status.substr(2, second_dot - 2);
  const std::string_view detail = status.substr(second_dot + 1);
  for (std::string_view part : {subject, detail}) {
    if (part.empty() || part.size() > 3) return false;
    for (char c : part) {
      if (!IsDigit(c)) return false;
    }
  }
  return true;
}

void CheckControlAddress(std::string_view address, std::string_view local) {
  const bool tagged = IsTaggedControlAddress(address, local);
  if (tagged) {
    Require(address.find('+') != std::string_view::npos && address.find('@') != std::string_view::npos,
            "a tagged control address has '+' and '@'");
  }
  if (std::optional<std::string> token = TokenFromTaggedAddress(address, local)) {
    Require(tagged, "an address with a readable token is a tagged control address");
    Require(!token->empty(), "a token is not empty");
    for (char c : *token) Require(!(c >= 'a' && c <= 'z'), "a token is upper case");
  }
}

}  // namespace
}  // namespace ar

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ar;
  const std::string_view body = fuzz::AsText(data, size);

  if (std::optional<std::string> status = ParseDsnStatus(body)) {
    Require(IsWellFormedDsnStatus(*status), "a parsed DSN status is well formed");
    Require(MatchesStatusShape(*status), "a parsed DSN status has the RFC 3463 shape");
    Require(body.find(*status) != std::string_view::npos, "a parsed status is in the body");
  }
  Require(IsWellFormedDsnStatus(body) == MatchesStatusShape(body),
          "IsWellFormedDsnStatus accepts exactly the RFC 3463 shape");

  const std::string_view first_line = body.substr(0, body.find_first_of("\r\n"));
  const bool is_report = IsDeliveryStatusContentType(first_line);
  Message message;
  message.AddHeader("Content-Type", first_line);
  Require(IsDeliveryStatusNotification(message) == is_report,
          "a message is a DSN exactly when its Content-Type says so");
  if (is_report) {
    Require(first_line.find('/') != std::string_view::npos, "a DSN Content-Type has a '/'");
  }

  CheckControlAddress(first_line, "unsubscribe");
  CheckControlAddress(first_line, "bounces");
  return 0;
}
