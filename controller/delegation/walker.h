// Walker: iterative, non-recursive resolution from the root hints, the way a resolver does it, but keeping what a
// delegation check needs: for a zone, the zone cut directly above it (its parent) with *all* of that parent's
// servers and addresses; for a host, its addresses. Out-of-bailiwick server names met on the way are resolved by
// the same walk. Learned zone cuts (the TLD server sets above all) are cached for the Walker's lifetime.
//
// Many walks run at once, in rounds: each round sends one query per walk through Resolver::QueryAll. Walks that
// would ask the same cut the same way wait for one leader, so 10,000 zones under one TLD cost one root query.
// Thread-safety: not thread-safe; one caller at a time (the cache is unguarded).
#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "controller/base/result.h"
#include "controller/delegation/observation.h"
#include "controller/dns/resolver.h"

namespace domainguard::delegation {

// A zone cut: a zone and its servers with their addresses.
struct ZoneCut {
  std::string zone;                        // canonical
  std::vector<NameserverSpec> servers;     // sorted by name; addresses sorted

  // (server name, address) pairs; IPv6 addresses only when `ipv6`.
  std::vector<std::pair<std::string, std::string>> Addresses(bool ipv6) const;
};

struct WalkerOptions {
  uint16_t port = 53;   // every server is asked on this port (the real Internet: 53)
  bool ipv6 = false;    // also use IPv6 server addresses (off where the host has no IPv6 route)
  int max_depth = 4;    // nesting of out-of-bailiwick name resolution
  int max_steps = 24;   // queries per walk before it is abandoned (loops, long chains)
};

// Root server names and addresses from a root hints file (a master file of NS and A/AAAA records).
// kNotFound when missing, kInvalidArgument when it holds no root server with an address.
Result<std::vector<NameserverSpec>> LoadRootHints(const std::string& path);

// The answer of the parent server that ended a FindParents walk (a referral to the zone, NXDOMAIN or NODATA):
// the prober reuses it instead of asking that server again.
struct ParentAnswer {
  std::string address;
  dns::DnsMessage message;
};

class Walker {
 public:
  // REQUIRES: `resolver` outlives the Walker; `roots` has at least one address.
  Walker(dns::Resolver& resolver, std::vector<NameserverSpec> roots, WalkerOptions options = {});
  Walker(const Walker&) = delete;
  Walker& operator=(const Walker&) = delete;

  // For each zone: the closest zone cut strictly above it, with all its servers. A zone the parent does not
  // delegate still gets its parent (the cut that answered NXDOMAIN or NODATA). Fails per zone with kUnavailable
  // when no server of some cut on the way answered, kDeadlineExceeded past `deadline`. When `answers` is given,
  // it receives per zone the parent server's answer that ended the walk (nullopt when none).
  std::vector<Result<ZoneCut>> FindParents(std::span<const std::string> zones, dns::Deadline deadline,
                                           std::vector<std::optional<ParentAnswer>>* answers = nullptr);

  // For each host: its addresses (A; AAAA too with ipv6), sorted. kNotFound for NXDOMAIN or no address.
  std::vector<Result<std::vector<std::string>>> ResolveAddresses(std::span<const std::string> hosts,
                                                                 dns::Deadline deadline);

  // Forgets the learned zone cuts and addresses, so the next walks start from the root hints again. A long-running
  // controller calls this now and then (e.g. daily) so changed TLD server sets are picked up.
  void ForgetCuts() {
    cuts_.clear();
    addresses_.clear();
  }

  // Number of queries sent so far (for benchmarks and tests).
  size_t queries_sent() const { return queries_sent_; }

 private:
  struct Walk;
  void RunWalks(std::vector<Walk>& walks, dns::Deadline deadline, int depth);
  const ZoneCut& DeepestCut(const std::string& name, bool strictly_above) const;
  std::vector<Result<std::vector<std::string>>> ResolveAt(std::span<const std::string> hosts, dns::Deadline deadline,
                                                          int depth);

  dns::Resolver& resolver_;
  WalkerOptions options_;
  ZoneCut root_;
  std::map<std::string, ZoneCut> cuts_;                          // learned zone cuts
  std::map<std::string, std::vector<std::string>> addresses_;   // resolved hosts
  size_t queries_sent_ = 0;
};

}  // namespace domainguard::delegation
