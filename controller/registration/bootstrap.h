// The RDAP bootstrap registry for DNS (RFC 9224): which RDAP base URLs serve which TLD (or deeper suffix).
// The product ships IANA's file (data/iana-rdap-dns.json) and loads it from a path flag; tests load a local one.
// Immutable after parsing; thread-safe for const use.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "controller/base/result.h"

namespace domainguard::registration {

class RdapBootstrap {
 public:
  RdapBootstrap() = default;

  // Parses the JSON text of a bootstrap file: {"services": [[["com","net"], ["https://rdap.x/"]], ...]}.
  // Fails with kInvalidArgument when it is not JSON, has no "services" array, or lists services none of which has
  // a usable URL. An empty "services" array is valid (RFC 9224): no TLD has RDAP, every lookup uses WHOIS.
  static Result<RdapBootstrap> Parse(std::string_view json_text);
  // Reads and parses the file at `path`; kNotFound when it cannot be read.
  static Result<RdapBootstrap> LoadFile(const std::string& path);

  // The base URLs (each ending in '/') for `domain`, by longest-suffix match over whole labels; https first.
  // Empty when no entry matches (the TLD has no RDAP: fall back to WHOIS).
  std::vector<std::string> BaseUrlsFor(std::string_view domain) const;

  size_t size() const { return services_.size(); }

 private:
  std::map<std::string, std::vector<std::string>> services_;  // suffix (lower case, no dots around) -> bases
};

}  // namespace domainguard::registration
