// libFuzzer target: the recordsFrom master-file parser and the desired-zone builder on arbitrary text, and the
// address fast path of NormalizeValue against ldns (same result or same error, or the run aborts).
#include <cstddef>
#include <cstdint>
#include <string>

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
  for (const char* type : {"A", "AAAA"}) {
    auto fast = domainguard::zone::NormalizeValue(type, text, "www.example.com.", "example.com.");
    auto ldns = domainguard::zone::NormalizeValueWithLdns(type, text, "www.example.com.", "example.com.");
    if (fast.ok() != ldns.ok()) __builtin_trap();
    if (fast.ok() ? *fast != *ldns : fast.error().message != ldns.error().message) __builtin_trap();
  }
  return 0;
}
