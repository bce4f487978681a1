// Status: the outcome of a fallible operation at a boundary (store, transport,
// config, parsing). Errors are values, never exceptions across a boundary.
// Cheap to copy when ok; thread-compatible.
#pragma once

#include <string>
#include <string_view>

namespace ar {

class Status {
 public:
  enum class Code {
    kOk = 0,
    kNotFound,
    kInvalidArgument,  // bad input: a header, an address, a config value
    kCorruption,       // a stored record we cannot decode
    kIoError,          // the store or the filesystem failed
    kTemporary,        // try again later (4xx, EX_TEMPFAIL, connection refused)
    kPermanent,        // will never succeed (5xx, EX_NOUSER)
    kFull,             // the store map is full
  };

  Status() = default;
  static Status Ok() { return Status(); }
  static Status NotFound(std::string_view msg) { return Status(Code::kNotFound, msg); }
  static Status InvalidArgument(std::string_view msg) {
    return Status(Code::kInvalidArgument, msg);
  }
  static Status Corruption(std::string_view msg) { return Status(Code::kCorruption, msg); }
  static Status IoError(std::string_view msg) { return Status(Code::kIoError, msg); }
  static Status Temporary(std::string_view msg) { return Status(Code::kTemporary, msg); }
  static Status Permanent(std::string_view msg) { return Status(Code::kPermanent, msg); }
  static Status Full(std::string_view msg) { return Status(Code::kFull, msg); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  bool IsNotFound() const { return code_ == Code::kNotFound; }

  // "ok", or "<code name>: <message>".
  std::string ToString() const;

 private:
  Status(Code code, std::string_view msg) : code_(code), message_(msg) {}
  Code code_ = Code::kOk;
  std::string message_;
};

}  // namespace ar
