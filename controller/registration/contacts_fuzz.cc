// libFuzzer target: the contact e-mail readers (contacts.h) on arbitrary bytes, as RDAP JSON and as WHOIS text.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "controller/registration/contacts.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view s(reinterpret_cast<const char*>(data), size);
  for (const std::string& a : domainguard::registration::RdapContactEmails(s)) {
    if (domainguard::registration::EmailDomain(a).empty()) __builtin_trap();  // only addresses come out
  }
  for (const std::string& a : domainguard::registration::WhoisContactEmails(s)) {
    if (domainguard::registration::EmailDomain(a).empty()) __builtin_trap();
  }
  return 0;
}
