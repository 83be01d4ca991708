// CountingSpecReader: the real SpecReader that counts how often a Domain's spec was read, for tests that check a
// controller's pass reads it once (records, registration, delegation: 1; failover's independence check: once per
// Domain). Test-only (header only; no production target includes it).
//
// Thread-safety: the count is atomic; a controller's workers may read while the test looks.
#pragma once

#include <atomic>
#include <cstdint>

#include "controller/api/spec_reader.h"

namespace domainguard::api::testing {

class CountingSpecReader final : public SpecReader {
 public:
  FullDomainSpec Full(const nlohmann::json& domain) const override {
    reads_.fetch_add(1, std::memory_order_relaxed);
    return SpecReader::Full(domain);
  }
  DomainSpec Common(const nlohmann::json& domain) const override {
    reads_.fetch_add(1, std::memory_order_relaxed);
    return SpecReader::Common(domain);
  }

  // Reads so far, of any kind.
  uint64_t reads() const { return reads_.load(std::memory_order_relaxed); }

 private:
  mutable std::atomic<uint64_t> reads_{0};
};

}  // namespace domainguard::api::testing
