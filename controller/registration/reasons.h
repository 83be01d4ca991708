// Registration finding reasons: the stable API vocabulary of RegistrationHealthy (see api.md), one sentence on
// when each is set. Spelled exactly as in api.md. Constants only; thread-safe.
#pragma once

#include <string_view>

namespace domainguard::registration {

// The registry answered, the domain is registered and nothing below applies.
inline constexpr std::string_view kRegistered = "Registered";
// The registry has no such domain (RDAP 404, WHOIS "no match"): anyone can register it. Critical. Distinct from
// RegistrationUnknown, which is an honest "could not tell".
inline constexpr std::string_view kNotRegistered = "NotRegistered";
// The expiry is within warnBefore (default 720h) and after criticalBefore.
inline constexpr std::string_view kExpiringSoon = "ExpiringSoon";
// The expiry is within criticalBefore (default 168h) and not yet passed.
inline constexpr std::string_view kExpiryCritical = "ExpiryCritical";
// The published expiry has passed (grace periods included: the registry may still drop it any day).
inline constexpr std::string_view kExpired = "Expired";
// serverHold, clientHold, or a ccTLD "Suspended" status: the domain is out of the DNS.
inline constexpr std::string_view kRegistryHold = "RegistryHold";
// pendingDelete: the registry will delete the domain; restore is no longer (or soon no longer) possible.
inline constexpr std::string_view kPendingDelete = "PendingDelete";
// redemptionPeriod (RFC 3915 RGP): deleted, restorable only at a fee.
inline constexpr std::string_view kRedemptionPeriod = "RedemptionPeriod";
// expectTransferLock is set but neither clientTransferProhibited nor serverTransferProhibited is present.
inline constexpr std::string_view kTransferLockMissing = "TransferLockMissing";
// The registry's name server list is not the desired set (parking, hijack, forgotten change).
inline constexpr std::string_view kRegistryNameserversDiffer = "RegistryNameserversDiffer";
// The sponsoring registrar differs from the previous record's (a transfer happened).
inline constexpr std::string_view kRegistrarChanged = "RegistrarChanged";
// No source answered (throttled, unreachable, unreadable answer), or the registry publishes no expiry: said
// honestly, never a made-up date.
inline constexpr std::string_view kRegistrationUnknown = "RegistrationUnknown";

}  // namespace domainguard::registration
