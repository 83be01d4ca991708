// RDAP domain lookups (RFC 9082) over http::Transport: bootstrap to the registry's base URLs, per-server rate
// limit, 429 + Retry-After honoured, and the registrar's answer followed (rel "related") when a thin registry
// lacks the expiry or registrar.
//
// Thread-safety: Lookup may be called from several threads; the transport, bootstrap, limiter and clock are
// borrowed and must outlive the client.
#pragma once

#include <chrono>
#include <string>

#include "controller/base/clock.h"
#include "controller/base/result.h"
#include "controller/http/transport.h"
#include "controller/registration/bootstrap.h"
#include "controller/registration/rate_limiter.h"
#include "controller/registration/record.h"

namespace domainguard::registration {

struct RdapOptions {
  std::chrono::milliseconds timeout{10000};              // per HTTP exchange
  std::chrono::seconds default_retry_after{30};          // 429 without Retry-After
  std::chrono::seconds max_retry_after{120};             // cap on what a server may ask
  std::chrono::milliseconds max_rate_wait{30000};        // longest wait for a rate-limit token before giving up
  bool follow_related = true;                            // thin registries: ask the registrar too
};

// The server key rate limits are kept under: "scheme://host:port" of `url`.
std::string ServerOf(const std::string& url);

// Parses a Retry-After value (delta-seconds, or an HTTP-date relative to `now`); nullopt when unreadable.
std::optional<std::chrono::seconds> ParseRetryAfter(const std::string& value, SystemTime now);

class RdapClient {
 public:
  RdapClient(http::Transport& transport, const RdapBootstrap& bootstrap, RateLimiter& limiter, const Clock& clock,
             RdapOptions options = {})
      : transport_(transport), bootstrap_(bootstrap), limiter_(limiter), clock_(clock), options_(options) {}

  // True when the bootstrap names an RDAP service for `domain`'s TLD.
  bool Serves(const std::string& domain) const { return !bootstrap_.BaseUrlsFor(domain).empty(); }

  // Looks `domain` up. Returns the record (server = the URL that answered, checked_at = now). Fails with
  //   kNotFound        the registry answered 404: not registered
  //   kFailedPrecondition no RDAP service for the TLD in the bootstrap
  //   kUnavailable     throttled (retry_after set), 5xx, malformed or truncated answer, rate-limit wait too long
  //   kDeadlineExceeded / kUnavailable from the transport
  Result<RegistrationRecord> Lookup(const std::string& domain);

 private:
  // One rate-limited GET of an RDAP URL; maps 429 to kUnavailable with retry_after (and pauses the server).
  Result<http::HttpResponse> Get(const std::string& url);

  http::Transport& transport_;
  const RdapBootstrap& bootstrap_;
  RateLimiter& limiter_;
  const Clock& clock_;
  const RdapOptions options_;
};

}  // namespace domainguard::registration
