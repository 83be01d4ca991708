#include "controller/records/serial.h"

#include <sstream>
#include <vector>

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

std::optional<std::string> SoaWithSerial(std::string_view soa, uint32_t serial) {
  std::istringstream in{std::string(soa)};
  std::vector<std::string> fields;
  for (std::string f; in >> f;) fields.push_back(f);
  if (fields.size() != 7 || fields[2].empty() || fields[2].find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  fields[2] = std::to_string(serial);
  std::string out;
  for (const std::string& f : fields) out += (out.empty() ? "" : " ") + f;
  return out;
}

}  // namespace domainguard::records
