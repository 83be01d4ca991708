// RegistrationRecord: what a registry (or registrar) says about one domain, from RDAP or WHOIS, in one shape.
//
// Unknown is a value: a field a source does not publish stays std::nullopt / empty, never a made-up date.
// Plain value type; thread-safe for const use.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "controller/base/clock.h"
#include "controller/base/result.h"

namespace domainguard::registration {

enum class Source { kRdap, kWhois };

struct RegistrationRecord {
  Source source = Source::kRdap;
  std::string domain;                       // lower case, no trailing dot
  std::string registrar;                    // "" when not published
  std::string registrar_iana_id;            // "" when not published
  std::optional<SystemTime> expires_at;     // registry expiry; registrar's when the registry has none
  std::optional<SystemTime> registered_at;
  std::optional<SystemTime> last_changed_at;
  std::vector<std::string> statuses;        // EPP codes (RFC 5731 / RFC 3915 names), e.g. "clientTransferProhibited";
                                            // ccTLD words kept as said ("Suspended") when no EPP code fits
  std::vector<std::string> nameservers;     // lower case, trailing dot, sorted, unique
  std::string server;                       // the URL or host:port that answered (evidence)
  SystemTime checked_at{};                  // when this record was obtained
  std::vector<std::string> contact_emails;  // registrant/admin/tech/billing addresses published (contacts.h);
                                            // empty: none published or all redacted

  bool operator==(const RegistrationRecord&) const = default;
};

std::string_view SourceName(Source s);  // "rdap" | "whois"

// Normalises a host name for comparisons and output: lower case, one trailing dot. "" stays "".
std::string NormaliseHost(std::string_view name);
// Sorts and de-duplicates normalised host names in place.
void SortHosts(std::vector<std::string>& hosts);

// status.registration as in api.md: {source, registrar, registrarIANAID, expiresAt, statuses, nameservers,
// contactEmails}; unknown fields are left out. No check time: the status changes only when the facts do (its
// lastChangeTime is stamped by domain::StatusPart); when a record was obtained is a metric.
nlohmann::json ToJson(const RegistrationRecord& r);

// Reads status.registration back (after a restart the Domain's status is the last known good record).
// Fields it does not hold stay unknown. checked_at is the object's lastCheckTime (written by older versions), else
// its lastChangeTime (the facts were read at least then), else unknown (SystemTime{}). Fails with kInvalidArgument
// when `j` is not an object or a time in it is malformed.
Result<RegistrationRecord> RecordFromJson(const nlohmann::json& j);

}  // namespace domainguard::registration
