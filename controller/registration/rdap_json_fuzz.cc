// libFuzzer target: ParseRdapDomain (and the merge) on arbitrary bytes. Seeds: the real answers of
// tests/corpora/registration/rdap (tests/fuzz/seeds/rdap_json_fuzz; hack/test.sh adds tests/fuzz/seeds/<target>).
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
