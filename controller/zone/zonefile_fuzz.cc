// libFuzzer target: the recordsFrom master-file parser and the desired-zone builder on arbitrary text.
#include <cstddef>
#include <cstdint>
#include <string>

#include "controller/zone/desired_zone.h"
#include "controller/zone/master_file.h"

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
  return 0;
}
