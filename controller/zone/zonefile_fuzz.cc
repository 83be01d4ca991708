// libFuzzer target: the recordsFrom master-file parser and the desired-zone builder on arbitrary text, and the
// plain-value fast path (base/plain_rdata.h) against ldns in both normalisers that take it: zone::NormalizeValue
// (same result or same error) and dns::NormalizeRdata (same result, or both fail); a difference aborts the run.
#include <cstddef>
#include <cstdint>
#include <string>

#include "controller/dns/dns_message.h"
#include "controller/dns/zone_file.h"
#include "controller/zone/desired_zone.h"
#include "controller/zone/master_file.h"
#include "controller/zone/rrset.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto recs = domainguard::zone::ParseMasterFile(text, "example.com.", 300);
  (void)recs;
  domainguard::zone::ZoneSources src;
  src.records_from = text;
  src.provider_nameservers = {"ns1.example.net."};
  domainguard::api::ZoneSpec spec;
  spec.zone = "example.com";
  auto z = domainguard::zone::BuildDesiredZone(spec, src);
  (void)z;
  for (const char* type : {"A", "AAAA", "NS", "CNAME", "PTR", "DNAME", "MX", "TXT"}) {
    for (const char* origin : {"example.com.", ""}) {
      auto fast = domainguard::zone::NormalizeValue(type, text, "www.example.com.", origin);
      auto ldns = domainguard::zone::NormalizeValueWithLdns(type, text, "www.example.com.", origin);
      if (fast.ok() != ldns.ok()) __builtin_trap();
      if (fast.ok() ? *fast != *ldns : fast.error().message != ldns.error().message) __builtin_trap();
    }
    const auto number = domainguard::dns::ParseTypeName(type);
    if (!number.ok()) __builtin_trap();
    auto served_fast = domainguard::dns::NormalizeRdata(*number, text, "example.com.");
    auto served_ldns = domainguard::dns::NormalizeRdataWithLdns(*number, text, "example.com.");
    if (served_fast.ok() != served_ldns.ok() || (served_fast.ok() && *served_fast != *served_ldns)) __builtin_trap();
  }
  return 0;
}
