// LineBuffer: splits a byte stream that arrives in arbitrary pieces into '\n'-terminated lines. Used by every
// LineStream implementation. Not thread-safe: one owner, or the owner's lock.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace domainguard::http {

class LineBuffer {
 public:
  // Appends bytes as received.
  void Append(std::string_view bytes) { buf_.append(bytes); }
  // The next complete line without its '\n' (and without a trailing '\r'), or nullopt when none is complete.
  std::optional<std::string> Next() {
    size_t nl = buf_.find('\n', start_);
    if (nl == std::string::npos) {
      Compact();
      return std::nullopt;
    }
    size_t end = nl;
    if (end > start_ && buf_[end - 1] == '\r') --end;
    std::string line = buf_.substr(start_, end - start_);
    start_ = nl + 1;
    return line;
  }
  // Bytes after the last complete line (a final line the server ended without '\n').
  std::string TakeRest() {
    std::string rest = buf_.substr(start_);
    buf_.clear();
    start_ = 0;
    return rest;
  }
  size_t pending() const { return buf_.size() - start_; }

 private:
  // Drops consumed bytes only now and then, so a stream of many small lines is not quadratic.
  void Compact() {
    if (start_ > 0) {
      buf_.erase(0, start_);
      start_ = 0;
    }
  }
  std::string buf_;
  size_t start_ = 0;
};

}  // namespace domainguard::http
