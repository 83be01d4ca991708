// Checked<T>: an entry of a list in a Domain's spec as written, or why it is not one, naming its field. Readers
// keep a bad entry beside the good ones so the part that reports them can name every problem in spec order
// ("spec.providers[1].name: required" while spec.providers[0] is still looked up).
//
// Thread-safety: a plain value.
#pragma once

#include <string>

namespace domainguard::api {

// An entry of a spec list as written, or why it is not one, naming its field.
template <typename T>
struct Checked {
  T value{};
  std::string problem;  // "" when `value` is what the spec says

  bool ok() const { return problem.empty(); }
  bool operator==(const Checked&) const = default;
};

}  // namespace domainguard::api
