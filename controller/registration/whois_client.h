// WHOIS (RFC 3912, TCP port 43) lookups for TLDs without RDAP: the server comes from a per-TLD map, else from a
// referral by the IANA WHOIS server (whois.iana.org by default); a thin registry's "Registrar WHOIS Server"
// referral is followed when the registry lacks the expiry or registrar. Answers are parsed by
// ParseWhoisAnswer; throttling and "not found" are errors, never data.
//
// Thread-safety: WhoisClient::Lookup and WhoisConnector::Query may be called from several threads; borrowed
// references must outlive the client.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "controller/base/clock.h"
#include "controller/base/result.h"
#include "controller/registration/rate_limiter.h"
#include "controller/registration/record.h"

namespace domainguard::registration {

// The one I/O WHOIS needs: send a query line, read the answer until the server closes.
class WhoisConnector {
 public:
  virtual ~WhoisConnector() = default;
  // Connects to `address` ("host:port", "host" meaning port 43, or "[v6]:port"), sends `query` + CRLF, and
  // returns everything read until the server closes (at most 1 MiB). Fails with kUnavailable (refused, reset,
  // name not resolvable) or kDeadlineExceeded (`timeout` covers the whole exchange).
  virtual Result<std::string> Query(const std::string& address, const std::string& query,
                                    std::chrono::milliseconds timeout) = 0;
};

// The real connector: blocking sockets with poll() deadlines. Names resolve through getaddrinfo.
std::unique_ptr<WhoisConnector> NewTcpWhoisConnector();

struct WhoisOptions {
  std::map<std::string, std::string> tld_servers;      // "sm" -> "whois.nic.sm" (or "127.0.0.1:18043")
  std::string iana_server = "whois.iana.org";          // asked "<tld>" when tld_servers has no entry
  std::map<std::string, std::string> host_addresses;   // server name -> address override ("host:port")
  std::chrono::milliseconds timeout{10000};
  std::chrono::seconds throttled_retry_after{300};     // WHOIS throttling says no time: back off this long
  bool follow_referral = true;
};

class WhoisClient {
 public:
  WhoisClient(WhoisConnector& connector, RateLimiter& limiter, const Clock& clock, WhoisOptions options)
      : connector_(connector), limiter_(limiter), clock_(clock), options_(std::move(options)) {}

  // Looks `domain` up. Returns the record (server = the address asked, checked_at = now). Fails with
  //   kNotFound     the registry says it is not registered
  //   kFailedPrecondition no WHOIS server is known for the TLD
  //   kUnavailable  throttled (retry_after set), connection trouble, or an answer with no recognisable data
  Result<RegistrationRecord> Lookup(const std::string& domain);

  // The WHOIS server for `tld`: the configured one, else the IANA referral (remembered). kFailedPrecondition when none.
  Result<std::string> ServerFor(const std::string& tld);

 private:
  std::string AddressOf(const std::string& server) const;
  Result<std::string> Ask(const std::string& server, const std::string& query);

  WhoisConnector& connector_;
  RateLimiter& limiter_;
  const Clock& clock_;
  const WhoisOptions options_;
  std::mutex mu_;
  std::map<std::string, std::string> referrals_;  // guarded by mu_; tld -> server from IANA
};

}  // namespace domainguard::registration
