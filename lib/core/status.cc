#include "core/status.h"

namespace ar {

std::string Status::ToString() const {
  const char* name = "ok";
  switch (code_) {
    case Code::kOk: return "ok";
    case Code::kNotFound: name = "not found"; break;
    case Code::kInvalidArgument: name = "invalid argument"; break;
    case Code::kCorruption: name = "corruption"; break;
    case Code::kIoError: name = "I/O error"; break;
    case Code::kTemporary: name = "temporary failure"; break;
    case Code::kPermanent: name = "permanent failure"; break;
    case Code::kFull: name = "store full"; break;
  }
  return std::string(name) + ": " + message_;
}

}  // namespace ar
