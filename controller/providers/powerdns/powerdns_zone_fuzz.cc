// libFuzzer target: the PowerDNS zone, zone-list and error parsers on arbitrary API answers.
#include <cstddef>
#include <cstdint>
#include <string>

#include "controller/providers/powerdns/powerdns_json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string body(reinterpret_cast<const char*>(data), size);
  namespace pdns = domainguard::providers::powerdns;
  auto z = pdns::ParseZone(body, "example.com.");
  (void)z;
  auto s = pdns::ParseZoneListSerial(body, "example.com.");
  (void)s;
  auto all = pdns::ParseZoneListSerials(body);
  (void)all;
  (void)pdns::ErrorFromResponse(422, body, body);
  return 0;
}
