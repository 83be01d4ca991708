#include "controller/domain/batch_waiters.h"

#include <algorithm>

namespace domainguard::domain {

std::chrono::nanoseconds BatchWaiters::Park(const std::string& key, MonotonicTime end, MonotonicTime now,
                                            std::chrono::nanoseconds fallback) {
  parked_.insert(key);
  if (!timekeeper_) timekeeper_ = key;
  const std::chrono::nanoseconds to_end = end - now;
  return *timekeeper_ == key ? to_end : std::max(to_end, fallback);
}

std::vector<std::string> BatchWaiters::Release(const std::string& running) {
  std::vector<std::string> out;
  out.reserve(parked_.size());
  for (const std::string& k : parked_) {
    if (k != running) out.push_back(k);
  }
  parked_.clear();
  timekeeper_.reset();
  return out;
}

std::optional<std::string> BatchWaiters::Forget(const std::string& key) {
  parked_.erase(key);
  if (timekeeper_ != key) return std::nullopt;
  timekeeper_.reset();
  if (parked_.empty()) return std::nullopt;
  return *parked_.begin();
}

}  // namespace domainguard::domain
