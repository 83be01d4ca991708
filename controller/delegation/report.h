// DelegationReport: one zone's delegation check as the user sees it, shaped like api.md's Domain status
// (`status.delegation`, `status.findings`, `status.dependsOn`) and the `domainguard check -o json` output.
// Thread-safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "controller/base/clock.h"
#include "controller/delegation/observation.h"
#include "controller/delegation/verdict.h"

namespace domainguard::delegation {

struct ServerStatus {
  std::string name;
  std::string address;
  bool authoritative = false;
  std::optional<uint32_t> serial;
  std::string error;  // why not authoritative ("REFUSED", "timeout"), empty when authoritative
};

// api.md status.delegation.
struct DelegationStatus {
  std::string parent_zone;
  std::vector<std::string> parent_servers;    // "a.nic.test. 127.53.10.1"
  std::vector<NameserverSpec> nameservers;    // as delegated and probed: names with the addresses used
  std::vector<ServerStatus> servers;          // one per name server address
  // No check time: a Domain's status.delegation changes only when the observation does (its lastChangeTime is
  // stamped by domain::StatusPart); freshness is domainguard_check_last_success_timestamp_seconds.
};

struct DelegationReport {
  std::string zone;
  DelegationStatus status;
  Verdict verdict;

  // {"zone", "findings":[{"reason","severity","message"}], "delegation":{...}, "dependsOn":[...]}.
  nlohmann::json ToJson() const;
};

// Builds the status block from what was observed.
DelegationStatus StatusFromObservation(const Observation& observation);

nlohmann::json ToJson(const DelegationStatus& status);
nlohmann::json ToJson(const Finding& finding);

}  // namespace domainguard::delegation
