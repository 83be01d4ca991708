// Resolver: sends many non-recursive DNS queries, each to one chosen server, and returns the parsed answers.
//
// This is the one I/O interface of the delegation checks: they ask a parent server for a zone's NS, a name server
// for its SOA, with RD=0, and look at the whole response. Implementations: AresResolver (c-ares + epoll, real
// network) and FakeResolver (scripted, for unit tests: testing/fake_resolver.h, library dg_dns_testing).
//
// Outcomes of one probe:
//   a response arrived (any rcode: NOERROR, NXDOMAIN, REFUSED, SERVFAIL...) -> DnsMessage; callers read rcode/aa
//   no response before the per-query timeout (after retries) or the deadline -> kDeadlineExceeded
//   the server actively refused the connection (TCP RST, ICMP port unreachable)  -> kUnavailable
//   the response could not be parsed                                             -> kInvalidArgument
// Thread-safety: implementations are safe to call from several threads; calls may be serialised internally.
#pragma once

#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "controller/base/result.h"
#include "controller/dns/dns_message.h"

namespace domainguard::dns {

using Deadline = std::chrono::steady_clock::time_point;

struct Probe {
  std::string address;   // IPv4 or IPv6 literal of the server to ask
  uint16_t port = 53;
  std::string qname;     // absolute or relative, any case
  uint16_t qtype = kTypeSOA;
  bool tcp = false;      // force TCP (otherwise UDP with automatic TCP retry on truncation)

  bool operator==(const Probe&) const = default;
};

// "127.0.0.1:53 example.com. SOA" (for messages and logs).
std::string DescribeProbe(const Probe& probe);

class Resolver {
 public:
  virtual ~Resolver() = default;
  // Sends every probe (concurrently, bounded per server) and returns one result per probe, in the same order.
  // Probes still unanswered at `deadline` get kDeadlineExceeded. Never throws.
  virtual std::vector<Result<DnsMessage>> QueryAll(std::span<const Probe> probes, Deadline deadline) = 0;

  // One probe. Convenience over QueryAll.
  Result<DnsMessage> Query(const Probe& probe, Deadline deadline) {
    auto results = QueryAll(std::span<const Probe>(&probe, 1), deadline);
    return std::move(results.front());
  }
};

}  // namespace domainguard::dns
