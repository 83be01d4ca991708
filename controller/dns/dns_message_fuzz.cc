// libFuzzer target: ParseDnsMessage must never crash on hostile bytes, and what it parses must re-encode.
// Seed corpus: controller/dns/testdata/ (real responses captured from BIND and PowerDNS, and mangled ones).
#include <cstddef>
#include <cstdint>
#include <span>

#include "controller/dns/dns_message.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace domainguard::dns;
  auto m = ParseDnsMessage(std::span<const uint8_t>(data, size));
  if (!m.ok()) return 0;
  (void)m->IsReferral();
  (void)m->ReferralZone();
  (void)m->SoaSerial(true);
  (void)m->AddressesOf(m->qname);
  auto wire = EncodeDnsMessage(*m);
  (void)wire;
  return 0;
}
