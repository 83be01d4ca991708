// What the failover controller reads from the Domains' status, as pure functions: the primary's trigger
// evidence and health, the backup's health, and whether the backup is independent of the primary.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "controller/api/spec_reader.h"
#include "controller/failover/decision.h"

namespace domainguard::failover {

// The primary's Critical findings whose reason is in `triggers`, in status order.
std::vector<TriggerFinding> CriticalTriggers(const nlohmann::json& primary, const std::vector<std::string>& triggers);

// True when the Domain has no Critical finding at all (the failover controller's own findings are never Critical).
bool NoCriticalFinding(const nlohmann::json& domain);

struct BackupHealth {
  bool healthy = false;
  std::string problem;  // why not, e.g. "Domain shop-backup (shop-backup.net.): DelegationHealthy False ..."
};

// Healthy: the backup Domain exists, has no Critical finding and its DelegationHealthy and RegistrationHealthy
// are not False. `backup` nullopt: no Domain of the namespace has the failover zone.
BackupHealth AssessBackup(const std::optional<nlohmann::json>& backup, const std::string& backup_zone);

// What the backup shares with the primary that one event could take down together; empty when independent:
//   "registrar IANA ID 1234"            status.registration.registrarIANAID equal
//   "TLD .test"                         the same top-level domain (one registry)
//   "name server ns1.pdns-a.net."       a name server host in both (status.delegation or spec.nameservers)
//   "zone pdns-a.net. hosting name servers of both"  a zone in both status.dependsOn lists, or one Domain's
//                                       zone hosting the other's name servers
//   "every DNS provider (pdns-a)"       every spec.providers entry of the backup is one of the primary's
// Each Domain's spec is read once, through `specs`.
std::vector<std::string> SharedWithBackup(const nlohmann::json& primary, const nlohmann::json& backup,
                                          const api::SpecReader& specs);

}  // namespace domainguard::failover
