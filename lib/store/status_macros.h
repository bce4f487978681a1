// Early-return macros for Status and Result inside lib/store. Internal to
// this folder; not part of the Store interface.
#pragma once

#include <utility>

#include "core/result.h"
#include "core/status.h"

#define AR_STORE_CONCAT_INNER(a, b) a##b
#define AR_STORE_CONCAT(a, b) AR_STORE_CONCAT_INNER(a, b)

// Returns the Status from the enclosing function unless it is ok.
#define AR_RETURN_IF_ERROR(expr)                                \
  do {                                                          \
    if (::ar::Status ar_s_ = (expr); !ar_s_.ok()) return ar_s_; \
  } while (0)

// Evaluates a Result; returns its Status on error, else moves the value into
// the declaration or lvalue `lhs`.
#define AR_ASSIGN_OR_RETURN(lhs, expr) \
  AR_ASSIGN_OR_RETURN_IMPL(AR_STORE_CONCAT(ar_result_, __LINE__), lhs, expr)
#define AR_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                             \
  if (!tmp.ok()) return tmp.status();            \
  lhs = std::move(tmp).value()
