// RegistrationChecker: one registration lookup for a domain, RDAP first (when the bootstrap serves its TLD),
// WHOIS otherwise, with the record cache as both answer cache and last-known-good store. A failed lookup
// returns the last good record with its original check time, never "now" (field notes: the false alarm of
// exporters that report now as the expiry).
//
// Thread-safety: Check may be called from several threads for different domains.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "controller/base/clock.h"
#include "controller/base/result.h"
#include "controller/registration/rdap_client.h"
#include "controller/registration/record_cache.h"
#include "controller/registration/whois_client.h"

namespace domainguard::registration {

struct LookupOutcome {
  std::optional<RegistrationRecord> record;    // fresh, cached, or last known good; nullopt: never known
  std::optional<RegistrationRecord> previous;  // the good record before a fresh one (RegistrarChanged)
  std::optional<Error> error;                  // the lookup failed (record, if any, is the last known good)
  bool not_registered = false;                 // the registry said "no such domain"
  bool fresh = false;                          // `record` came from a lookup made now
  bool from_cache = false;                     // `record` was fresh enough in the cache: no lookup was made
};

class RegistrationChecker {
 public:
  // `rdap` and `whois` may be null (that source is not used). Borrowed; must outlive the checker.
  RegistrationChecker(RdapClient* rdap, WhoisClient* whois, RecordCache& cache, const Clock& clock)
      : rdap_(rdap), whois_(whois), cache_(cache), clock_(clock) {}

  // Looks `domain` up unless the cache holds a record younger than `max_age` (zero: always look up).
  LookupOutcome Check(const std::string& domain, std::chrono::seconds max_age = std::chrono::seconds(0));

 private:
  RdapClient* rdap_;
  WhoisClient* whois_;
  RecordCache& cache_;
  const Clock& clock_;
};

}  // namespace domainguard::registration
