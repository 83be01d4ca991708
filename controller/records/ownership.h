// Ownership: which records domainguard may change, and how a provider remembers who wrote an rrset.
//
// The mark is kept in the provider itself, beside the data, so it survives controller restarts and is seen by any
// replica:
//   PowerDNS  an rrset comment {"account": "domainguard", "content": "domainguard: owner=<namespace>/<name>"}
//             (written in the same PATCH as the data, so data and mark change atomically);
//   RFC 2136  a TXT registry record per owner name, like external-dns's TXT registry:
//             _dg-owner.<name> TXT "heritage=domainguard,owner=<namespace>/<name>,type=<TYPE>"
//             one value per owned type, added and removed in the same UPDATE message as the data.
// Names under "_dg-owner." are hidden from plans and refused in Domain specs.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "controller/records/changes.h"

namespace domainguard::records {

enum class OwnershipMode {
  kRecords,  // default: change and delete only rrsets this Domain wrote
  kZone,     // also prune (and overwrite) rrsets nobody marked; the Domain owns the whole zone
};

// Parses spec.ownership: "Records" (or absent) / "Zone". Fails with kInvalidArgument naming spec.ownership.
Result<OwnershipMode> ParseOwnershipMode(std::string_view text);

// Who may do what to an observed rrset under `mode`, for the Domain with id `owner`.
enum class Claim {
  kOurs,         // written by this Domain, adopted by it (ObservedRRset::adopted), or the apex NS set
  kUnmarked,     // no domainguard mark: changed only in Zone mode
  kOtherDomain,  // marked by another Domain: never touched (ZoneConflict)
};
Claim ClaimOf(const ObservedRRset& r, std::string_view zone, std::string_view owner);

// PowerDNS comment encoding.
inline constexpr std::string_view kCommentAccount = "domainguard";
std::string OwnerComment(std::string_view owner);
// The owner id in a comment written by OwnerComment, or nullopt for any other comment.
std::optional<std::string> ParseOwnerComment(std::string_view content);

// RFC 2136 TXT registry encoding.
std::string RegistryName(std::string_view name);          // "_dg-owner.www.example.com."
// The owner name a registry name stands for, or nullopt when `name` is not a registry name.
std::optional<std::string> RegistryOwnerName(std::string_view name);
// The TXT rdata (quoted, canonical as ldns prints it) marking `type` at a name as `owner`'s.
std::string RegistryValue(std::string_view owner, std::string_view type);
struct RegistryEntry {
  std::string owner;
  std::string type;
};
// Parses a TXT rdata written by RegistryValue; nullopt for anything else.
std::optional<RegistryEntry> ParseRegistryValue(std::string_view txt_rdata);

}  // namespace domainguard::records
