// Result<T>: either a usable value or the Error explaining why it is absent.
//
// Errors are values at every boundary of domainguard (HTTP, DNS, Kubernetes, parsers). The code says what the
// caller does next, not what went wrong inside:
//   kUnavailable        retry with backoff; changes stay pending (ProviderUnavailable)
//   kAborted            re-read and re-plan (an RFC 2136 prerequisite failed, a 409 Conflict)
//   kFailedPrecondition wait for a person (ChangeBlocked)
//   kInvalidArgument    tell the user which field is wrong (condition + Event)
// Messages never carry secrets. Thread-safety: a Result is a plain value; const methods may be called from
// several threads at once.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace domainguard {

enum class ErrorCode {
  kInvalidArgument,     // the input is wrong; retrying the same input fails the same way
  kNotFound,            // the thing asked for does not exist
  kAlreadyExists,       // create of something that exists
  kAborted,             // a concurrent change won; re-read and retry at a higher level
  kFailedPrecondition,  // the system is not in a state to do this; a person must act
  kPermissionDenied,    // credentials valid but not allowed (RBAC, TSIG refused)
  kUnauthenticated,     // credentials missing or rejected
  kUnavailable,         // transient: connection refused, 5xx, timeout, throttled; retry with backoff
  kDeadlineExceeded,    // the deadline passed before an answer
  kGone,                // a watch resourceVersion too old (HTTP 410); relist
  kCancelled,           // shutdown in progress
  kInternal,            // a bug or an invariant broken
};

// Returns the code's name, e.g. "Unavailable".
std::string_view ErrorCodeName(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  // Set when the server said how long to wait (HTTP 429/503 Retry-After).
  std::optional<std::chrono::seconds> retry_after;

  static Error InvalidArgument(std::string m) { return {ErrorCode::kInvalidArgument, std::move(m), {}}; }
  static Error NotFound(std::string m) { return {ErrorCode::kNotFound, std::move(m), {}}; }
  static Error AlreadyExists(std::string m) { return {ErrorCode::kAlreadyExists, std::move(m), {}}; }
  static Error Aborted(std::string m) { return {ErrorCode::kAborted, std::move(m), {}}; }
  static Error FailedPrecondition(std::string m) { return {ErrorCode::kFailedPrecondition, std::move(m), {}}; }
  static Error PermissionDenied(std::string m) { return {ErrorCode::kPermissionDenied, std::move(m), {}}; }
  static Error Unauthenticated(std::string m) { return {ErrorCode::kUnauthenticated, std::move(m), {}}; }
  static Error Unavailable(std::string m, std::optional<std::chrono::seconds> retry_after = {}) {
    return {ErrorCode::kUnavailable, std::move(m), retry_after};
  }
  static Error DeadlineExceeded(std::string m) { return {ErrorCode::kDeadlineExceeded, std::move(m), {}}; }
  static Error Gone(std::string m) { return {ErrorCode::kGone, std::move(m), {}}; }
  static Error Cancelled(std::string m) { return {ErrorCode::kCancelled, std::move(m), {}}; }
  static Error Internal(std::string m) { return {ErrorCode::kInternal, std::move(m), {}}; }

  // True when retrying the same call later may succeed.
  bool IsTransient() const {
    return code == ErrorCode::kUnavailable || code == ErrorCode::kDeadlineExceeded;
  }
  // "Unavailable: connection refused".
  std::string ToString() const;
  // A copy with `context` prefixed to the message: "reading zone example.com.: connection refused".
  Error Wrap(std::string_view context) const;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  // Implicit from a value or an Error so `return value;` and `return Error::NotFound(...)` both read naturally.
  Result(T value) : v_(std::move(value)) {}          // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}      // NOLINT(google-explicit-constructor)

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  // REQUIRES: ok().
  const T& value() const& { return std::get<0>(v_); }
  T& value() & { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

  // REQUIRES: !ok().
  const Error& error() const { return std::get<1>(v_); }

  // The value, or `fallback` when this holds an error.
  T value_or(T fallback) const& { return ok() ? value() : std::move(fallback); }

 private:
  std::variant<T, Error> v_;
};

// Result<void>: success, or an Error. Default-constructed is success.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }
  // REQUIRES: !ok().
  const Error& error() const { return *error_; }

 private:
  std::optional<Error> error_;
};

using Status = Result<void>;

inline Status OkStatus() { return {}; }

}  // namespace domainguard
