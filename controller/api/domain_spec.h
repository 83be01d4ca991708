// A Domain's spec as C++ values: the fields several controllers read (zone, providers, nameservers, recordsFrom)
// and spec.checks.registration with its validation, read from the object's JSON in one place.
//
// Two readings of the same fields:
//   - ParseDomainSpec / ParseNameservers: strict; an entry the CRD schema rejects is an error naming the field
//     ("spec.nameservers[1].name: required"), for the controllers that report a bad spec in a condition;
//   - ReadDomainSpec: never fails; malformed entries are skipped, for indexers and for readers of cached objects
//     (which passed the schema; a hand-made object must not stop them).
// Absent fields are empty in both: which fields a controller needs is its own rule.
//
// Thread-safety: pure functions.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "controller/api/checked.h"
#include "controller/base/result.h"

namespace domainguard::api {

// spec.nameservers[i]: a name server the user runs the zone on, with optional glue addresses.
struct NameserverSpec {
  std::string name;                    // as written (callers canonicalise as they compare)
  std::vector<std::string> addresses;  // as written, string entries only

  bool operator==(const NameserverSpec&) const = default;
};

// spec.recordsFrom.configMapRef.
struct ConfigMapKeyRef {
  std::string name;
  std::string key;

  bool operator==(const ConfigMapKeyRef&) const = default;
};

struct DomainSpec {
  std::string zone;                        // spec.zone canonical: lower case, one trailing dot; "" when absent
  std::vector<std::string> providers;      // spec.providers[i].name, in spec order
  std::vector<NameserverSpec> nameservers;  // spec.nameservers, in spec order
  std::optional<ConfigMapKeyRef> records_from;  // spec.recordsFrom.configMapRef (fields "" when absent)
  // spec.checks.delegation.interval, a positive Go duration; unset when absent (the controller's default applies).
  std::optional<std::chrono::nanoseconds> delegation_interval;

  bool operator==(const DomainSpec&) const = default;
};

// spec.zone in canonical form ("Example.COM" -> "example.com."); "" when absent or empty.
std::string CanonicalZoneOf(const nlohmann::json& domain);

// The Domain's spec; kInvalidArgument naming the first field that is not as the CRD schema says (a list that is
// not a list, an entry without its required name, spec.checks.delegation.interval not a positive duration).
// `domain` is the whole object.
Result<DomainSpec> ParseDomainSpec(const nlohmann::json& domain);

// spec.nameservers of `spec` (the spec object) alone, strictly: "spec.nameservers: must be a list",
// "spec.nameservers[i].name: required" (absent, not a string, or empty). Absent: empty.
Result<std::vector<NameserverSpec>> ParseNameservers(const nlohmann::json& spec);

// spec.checks.registration as written; an absent field stays unset (its default is the registration part's).
struct RegistrationChecksSpec {
  std::optional<std::chrono::seconds> interval;
  std::optional<std::chrono::seconds> warn_before;
  std::optional<std::chrono::seconds> critical_before;
  std::optional<bool> expect_transfer_lock;

  bool operator==(const RegistrationChecksSpec&) const = default;
};

// The shortest spec.checks.registration.interval: registries rate-limit.
inline constexpr std::chrono::seconds kMinRegistrationInterval{60};

// spec.checks.registration of `spec` (the spec object), with the CRD's rules, so an object that slipped past
// validation (an old CRD) is reported rather than misread. kInvalidArgument naming the field:
//   "spec.checks: must be an object", "spec.checks.registration: must be an object",
//   "<field>: must be a duration string such as \"12h\"", "<field>: <why the duration does not parse>",
//   "spec.checks.registration.interval: must be at least 1m (registries rate-limit), got 30s",
//   "spec.checks.registration.criticalBefore: must be shorter than warnBefore (720h0m0s >= 168h0m0s)" (only when
//   both are given), "spec.checks.registration.expectTransferLock: must be true or false".
Result<RegistrationChecksSpec> ParseRegistrationChecks(const nlohmann::json& spec);

// spec.providers[i].name in spec order, each the name or "spec.providers[i].name: required" (absent, not a
// string): for per-entry lookups that report a bad entry and go on with the others. Not a list: empty.
std::vector<Checked<std::string>> ParseProviderEntries(const nlohmann::json& domain);

// spec.alertChannels[i].name in spec order, entries without a string name skipped (the lenient reading: notify
// reports a named channel that does not exist, not a malformed entry). Reads nothing else of the spec: the
// alert routing asks it for every Domain and channel.
std::vector<std::string> AlertChannelNames(const nlohmann::json& domain);

// The Domain's spec, malformed entries skipped (a provider or name server without a string name, a delegation
// interval that is not a positive duration: unset). Never fails.
DomainSpec ReadDomainSpec(const nlohmann::json& domain);

}  // namespace domainguard::api
