// Delegation reasons: the stable API vocabulary of the DelegationHealthy condition, Domain findings, Events and
// alerts (api.md, "Reasons"). Spelled exactly as in the contract; one sentence each on when it is set.
// Thread-safety: constants only.
#pragma once

#include <string_view>

namespace domainguard::delegation::reasons {

// No warning or critical finding: the parent delegates the zone to the desired name servers, with correct glue,
// and every name server answers authoritatively with the same serial and the desired records.
inline constexpr std::string_view kDelegationHealthy = "DelegationHealthy";
// The parent zone's servers answer NXDOMAIN or no NS for the zone: the zone is not delegated (deleted,
// suspended by the registry, expired).
inline constexpr std::string_view kDelegationMissing = "DelegationMissing";
// The NS set at the parent is not the desired one: parked by a registrar, hijacked, or changed by hand.
// Disjoint from the desired set is critical; a partial overlap is a warning.
inline constexpr std::string_view kNameserversChanged = "NameserversChanged";
// A name server named inside the zone (in-bailiwick) has no glue address at the parent, so resolvers cannot
// reach it (a common effect of a registry suspension).
inline constexpr std::string_view kGlueMissing = "GlueMissing";
// The glue addresses at the parent differ from the desired addresses of that name server.
inline constexpr std::string_view kGlueMismatch = "GlueMismatch";
// A listed name server does not answer authoritatively for the zone: no AA bit, REFUSED, SERVFAIL, timeout,
// or it has no address at all.
inline constexpr std::string_view kLameNameserver = "LameNameserver";
// Authoritative servers answer with different SOA serials: a secondary is not transferring, or a provider
// stopped taking changes.
inline constexpr std::string_view kSerialDrift = "SerialDrift";
// A desired record is missing or different at one or more authoritative servers.
inline constexpr std::string_view kRecordsNotServed = "RecordsNotServed";
// No server of the parent zone answered, so the delegation could not be checked (the verdict is unknown).
inline constexpr std::string_view kParentUnreachable = "ParentUnreachable";
// A zone that hosts this zone's name servers (monitored or not) has lost its own delegation.
inline constexpr std::string_view kDependencyBroken = "DependencyBroken";
// All name servers sit under one registered domain, one TLD (other than the zone's own), or one provider, or
// there is only one name server: losing that one thing loses the zone.
inline constexpr std::string_view kSinglePointOfFailure = "SinglePointOfFailure";

}  // namespace domainguard::delegation::reasons
