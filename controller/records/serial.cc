#include "controller/records/serial.h"


namespace domainguard::records {

bool SerialLess(uint32_t a, uint32_t b) {
  constexpr uint32_t kHalf = 1u << 31;
  if (a == b) return false;
  // Unsigned subtraction wraps mod 2^32, which is exactly the RFC's "serial addition" space.
  const uint32_t forward = b - a;  // how far b is ahead of a
  return forward < kHalf;
}

std::optional<uint32_t> SerialRepairTarget(std::optional<uint32_t> last_seen, uint32_t current) {
  if (!last_seen || *last_seen == 0) return std::nullopt;
  if (!SerialLess(current, *last_seen)) return std::nullopt;
  return *last_seen + 1u;  // wraps past 2^32 - 1 to 0, which RFC 1982 orders after it
}

}  // namespace domainguard::records
