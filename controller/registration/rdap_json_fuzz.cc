// libFuzzer target: ParseRdapDomain (and the merge) on arbitrary bytes. Seed corpus: hack/bed/fixtures/registry/rdap.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "controller/registration/rdap_parse.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  auto d = domainguard::registration::ParseRdapDomain(body);
  if (d.ok()) {
    domainguard::registration::RdapDomain copy = *d;
    domainguard::registration::MergeRegistrarAnswer(copy, *d);
    (void)domainguard::registration::NeedsRegistrarAnswer(copy);
  }
  return 0;
}
