// PowerDNS Authoritative (4.7) as a domainguard Provider, over the HTTP API through http::Transport.
//
//   ReadZone    GET  /api/v1/servers/{id}/zones/{zone}
//   Serial      GET  /api/v1/servers/{id}/zones?zone={zone} (the zone list entry: no records)
//   CreateZone  ONE POST /zones with every rrset (kind Native, apex NS included); the 201 answer is the zone as
//               created, so no read follows. Past max_body_bytes: POST of the empty zone, PATCHes, one read.
//   Apply       GET  /zones?zone={zone} (serial precondition: kAborted when the zone moved since ReadZone),
//               then ONE PATCH with every change (REPLACE/DELETE; ownership as rrset comments); split only past
//               max_body_bytes (PowerDNS refuses bodies over 2 MB), whole names per PATCH. Never a no-op PATCH:
//               it would bump the serial.
// The API key travels in X-API-Key and appears in no log line or Error. Requests pass a token bucket
// (spec.rateLimit). Transport failures and 5xx are kUnavailable; provider errors are reported verbatim.
//
// Thread-safety: safe from several threads (the transport is; the bucket locks).
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "controller/base/clock.h"
#include "controller/http/transport.h"
#include "controller/providers/provider.h"
#include "controller/providers/rate_limiter.h"

namespace domainguard::providers::powerdns {

struct Config {
  std::string name;                    // the DNSProvider's name
  std::string url;                     // "http://127.0.0.1:8081" (no trailing /api)
  std::string server_id = "localhost";
  std::string api_key;                 // secret
  std::string kind = "Native";         // zone kind for new zones: Native or Master
  double qps = 20;                     // spec.rateLimit
  int burst = 40;
  size_t max_body_bytes = 1800 * 1024;  // stay under PowerDNS's 2 MB request limit
  std::chrono::milliseconds timeout{30000};
};

// `transport` and `clock` must outlive the provider. `sleeper` waits for the rate limiter (tests pass a fake).
std::unique_ptr<Provider> NewPowerDnsProvider(Config config, http::Transport* transport, const Clock* clock,
                                              Sleeper sleeper = RealSleep);

}  // namespace domainguard::providers::powerdns
