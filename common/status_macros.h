// Early-return helpers for absl::Status / absl::StatusOr, in the style of LevelDB and Abseil users.
#ifndef DM_COMMON_STATUS_MACROS_H_
#define DM_COMMON_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

// Returns from the enclosing function if `expr` (an absl::Status) is not OK.
#define DM_RETURN_IF_ERROR(expr)             \
  do {                                       \
    ::absl::Status dm_status_ = (expr);      \
    if (!dm_status_.ok()) return dm_status_; \
  } while (0)

#define DM_STATUS_CONCAT_INNER_(a, b) a##b
#define DM_STATUS_CONCAT_(a, b) DM_STATUS_CONCAT_INNER_(a, b)

// `DM_ASSIGN_OR_RETURN(auto x, F());` declares x from F()'s value, or returns F()'s error.
#define DM_ASSIGN_OR_RETURN(lhs, expr) \
  DM_ASSIGN_OR_RETURN_IMPL_(DM_STATUS_CONCAT_(dm_statusor_, __LINE__), lhs, expr)

#define DM_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                              \
  if (!statusor.ok()) return statusor.status();        \
  lhs = std::move(statusor).value()

#endif  // DM_COMMON_STATUS_MACROS_H_
