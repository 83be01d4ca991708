#include "controller/base/ip_address.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>

namespace domainguard {

std::optional<std::string> CanonicalIpAddress(int family, std::string_view text) {
  if (family != AF_INET && family != AF_INET6) return std::nullopt;
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  // inet_pton stops at a NUL, so "1.2.3.4\0x" would pass as 1.2.3.4; ldns refuses it as a control character.
  if (text.find('\0') != std::string_view::npos) return std::nullopt;
  char in[INET6_ADDRSTRLEN];
  std::memcpy(in, text.data(), text.size());
  in[text.size()] = '\0';
  unsigned char addr[sizeof(struct in6_addr)];
  if (inet_pton(family, in, addr) != 1) return std::nullopt;
  char out[INET6_ADDRSTRLEN];
  if (inet_ntop(family, addr, out, sizeof out) == nullptr) return std::nullopt;
  return std::string(out);
}

}  // namespace domainguard
