#include "controller/records/ownership.h"

namespace domainguard::records {
namespace {

constexpr std::string_view kCommentPrefix = "domainguard: owner=";
constexpr std::string_view kRegistryPrefix = "_dg-owner.";
constexpr std::string_view kHeritage = "heritage=domainguard,owner=";

}  // namespace

Result<OwnershipMode> ParseOwnershipMode(std::string_view text) {
  if (text.empty() || text == "Records") return OwnershipMode::kRecords;
  if (text == "Zone") return OwnershipMode::kZone;
  return Error::InvalidArgument("spec.ownership: \"" + std::string(text) + "\" is not Records or Zone");
}

Claim ClaimOf(const ObservedRRset& r, std::string_view zone, std::string_view owner) {
  // The apex NS set is part of every Domain's desired state (spec.nameservers or the providers' name servers) and
  // providers create it with the zone unmarked: it is always ours to keep right.
  if (r.rrset.type == "NS" && r.rrset.name == zone && (r.owner.empty() || r.owner == owner)) return Claim::kOurs;
  if (r.owner.empty()) return r.adopted ? Claim::kOurs : Claim::kUnmarked;
  return r.owner == owner ? Claim::kOurs : Claim::kOtherDomain;
}

std::string OwnerComment(std::string_view owner) { return std::string(kCommentPrefix) + std::string(owner); }

std::optional<std::string> ParseOwnerComment(std::string_view content) {
  if (!content.starts_with(kCommentPrefix)) return std::nullopt;
  std::string owner(content.substr(kCommentPrefix.size()));
  if (owner.empty()) return std::nullopt;
  return owner;
}

std::string RegistryName(std::string_view name) { return std::string(kRegistryPrefix) + std::string(name); }

std::optional<std::string> RegistryOwnerName(std::string_view name) {
  if (!name.starts_with(kRegistryPrefix)) return std::nullopt;
  return std::string(name.substr(kRegistryPrefix.size()));
}

std::string RegistryValue(std::string_view owner, std::string_view type) {
  return "\"" + std::string(kHeritage) + std::string(owner) + ",type=" + std::string(type) + "\"";
}

std::optional<RegistryEntry> ParseRegistryValue(std::string_view txt) {
  if (txt.size() < 2 || txt.front() != '"' || txt.back() != '"') return std::nullopt;
  txt = txt.substr(1, txt.size() - 2);
  if (!txt.starts_with(kHeritage)) return std::nullopt;
  txt.remove_prefix(kHeritage.size());
  size_t comma = txt.rfind(",type=");
  if (comma == std::string_view::npos || comma == 0) return std::nullopt;
  RegistryEntry e{std::string(txt.substr(0, comma)), std::string(txt.substr(comma + 6))};
  if (e.type.empty()) return std::nullopt;
  return e;
}

}  // namespace domainguard::records
