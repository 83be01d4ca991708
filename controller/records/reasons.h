// The Records reasons of the API contract (api.md): condition reasons of RecordsSynced, Event reasons, per-provider
// status reasons. Spelled exactly as in the contract; stable API. Thread-safety: constants only.
#pragma once

#include <string_view>

namespace domainguard::records::reasons {

// Every provider serves exactly the desired zone.
inline constexpr std::string_view kSynced = "Synced";
// A provider could not be read or written (connection refused, 5xx, timeout, credentials refused); its changes are
// kept pending and recomputed from the desired state on the next pass.
inline constexpr std::string_view kProviderUnavailable = "ProviderUnavailable";
// The plan deletes more than spec.safety.maxDeletePercent of the owned records and was held until a person
// annotates domainguard.io/approve-change=<generation>.
inline constexpr std::string_view kChangeBlocked = "ChangeBlocked";
// The Domain's records are invalid (the message names the field), or a provider refused or silently dropped the
// data; nothing was written for an invalid spec.
inline constexpr std::string_view kInvalidRecord = "InvalidRecord";
// Records changed behind domainguard's back at a provider were put back.
inline constexpr std::string_view kDriftRepaired = "DriftRepaired";
// A record domainguard did not write was left in place (ownership Records), possibly in the way of a desired one.
inline constexpr std::string_view kForeignRecordKept = "ForeignRecordKept";
// The zone (or records in it) at a provider belong to another Domain; they are not touched.
inline constexpr std::string_view kZoneConflict = "ZoneConflict";

// The Delegation reason SerialDrift, used here as the Event reason when a provider's zone serial went backwards
// behind domainguard's back (named with the old and the new serial) and was raised past the old one.
inline constexpr std::string_view kSerialDrift = "SerialDrift";

// The annotation that approves a held change for one generation of the Domain.
inline constexpr std::string_view kApproveChangeAnnotation = "domainguard.io/approve-change";

}  // namespace domainguard::records::reasons
