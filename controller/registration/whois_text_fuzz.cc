// libFuzzer target: ParseWhoisAnswer and ParseLooseDate on arbitrary bytes. Seed corpus:
// hack/bed/fixtures/registry/whois.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "controller/registration/date_parse.h"
#include "controller/registration/whois_parse.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)domainguard::registration::ParseWhoisAnswer(text);
  (void)domainguard::registration::ParseLooseDate(text.substr(0, 256));
  return 0;
}
