// Prober: gathers the Observation of each zone from the DNS (the I/O half of the delegation check; the verdict
// is the pure half). For a batch of zones at once:
//   1. the parent of each zone and all its server addresses (Walker),
//   2. "zone NS?" (RD=0) to every parent server address -> NS set + glue per parent server,
//   3. the name servers to probe: desired ones and those the parents list, with desired, glue or resolved addresses,
//   4. "zone SOA?", "zone NS?" and each desired record set to every name server address,
//   5. the zones that host out-of-zone name servers, observed and judged the same way (one level deep).
// Each stage is one Resolver::QueryAll, so 10,000 zones cost a handful of round trips, not 10,000.
// Thread-safety: not thread-safe (uses a Walker); one caller at a time.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "controller/base/result.h"
#include "controller/delegation/observation.h"
#include "controller/delegation/walker.h"
#include "controller/dns/resolver.h"

namespace domainguard::delegation {

struct ProberOptions {
  uint16_t port = 53;
  bool ipv6 = false;               // probe IPv6 addresses too
  size_t record_sample = 0;        // desired record sets checked per zone; 0: all
  bool check_dependencies = true;  // observe the zones hosting out-of-zone name servers
  size_t batch_zones = 2000;       // zones probed together; bounds memory (answers are held per stage)
};

class Prober {
 public:
  // REQUIRES: `resolver` and `walker` outlive the Prober.
  Prober(dns::Resolver& resolver, Walker& walker, ProberOptions options = {});

  // One Observation per spec, in order. Never fails as a whole: what could not be learned is in the
  // observation (discovery_error, timeouts per server).
  std::vector<Observation> ObserveAll(std::span<const ZoneSpec> specs, dns::Deadline deadline);

 private:
  std::vector<Observation> Observe(std::span<const ZoneSpec> specs, dns::Deadline deadline, bool dependencies);

  dns::Resolver& resolver_;
  Walker& walker_;
  ProberOptions options_;
};

// Pure readers of single answers (table-tested).

// How a parent server's answer to "zone NS?" reads.
ParentView ReadParentAnswer(const std::string& zone, const Result<dns::DnsMessage>& answer);

// How a name server's answer to "zone SOA?" reads; fills outcome, detail and serial of `view`.
void ReadSoaAnswer(const std::string& zone, const Result<dns::DnsMessage>& answer, ServerView& view);

// True when `answer` serves exactly the desired values for the record set.
bool ServesRecord(const DesiredRecord& record, const Result<dns::DnsMessage>& answer);

}  // namespace domainguard::delegation
