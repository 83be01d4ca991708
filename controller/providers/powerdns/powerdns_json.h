// The PowerDNS Authoritative 4.7 HTTP API's JSON, as pure functions: reading a zone, writing a PATCH, reading an
// error. Kept apart from the HTTP calls so they are table-tested and fuzzed (the API's answers are untrusted
// input). Facts from the field notes: PATCH changetype is only REPLACE or DELETE in 4.7; bodies over 2 MB are
// refused; validation errors are 422 JSON {"error": ...}, other 4xx are text/plain.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "controller/base/result.h"
#include "controller/providers/changes.h"

namespace domainguard::providers::powerdns {

// Ownership (records/ownership.h) at PowerDNS: an rrset comment {"account": "domainguard", "content":
// "domainguard: owner=<namespace>/<name>"}, written in the same PATCH as the data, so data and mark change together.
inline constexpr std::string_view kCommentAccount = "domainguard";
std::string OwnerComment(std::string_view owner);
// The owner id in a comment written by OwnerComment, or nullopt for any other comment.
std::optional<std::string> ParseOwnerComment(std::string_view content);

// Parses GET /api/v1/servers/{id}/zones/{zone}. rrsets come back canonical and sorted; disabled records are left
// out (they are not served); the SOA goes to `version`; ownership from comments written by OwnerComment
// with account "domainguard". Values the canonicaliser cannot read (PowerDNS-only types like LUA or ALIAS) are
// kept verbatim. Fails with kInternal ("PowerDNS answered ...") on malformed JSON.
Result<ObservedZone> ParseZone(std::string_view body, std::string_view zone);

// Parses GET /api/v1/servers/{id}/zones?zone=X: the serial of zone X, or kNotFound when the list is empty.
Result<uint32_t> ParseZoneListSerial(std::string_view body, std::string_view zone);

// Parses GET /api/v1/servers/{id}/zones (the whole list, one request whatever the number of zones): every listed
// zone's name -> serial (0 when the entry carries none). Fails with kInternal on malformed JSON.
Result<std::map<std::string, uint32_t>> ParseZoneListSerials(std::string_view body);

// Builds PATCH bodies for `changes`: one body when it fits in `max_body_bytes`, else several, each holding whole
// names (so a delete A + create CNAME at one name stay in one atomic PATCH). Within a body deletes precede
// replaces. Creates and updates are REPLACE with our ownership comment. Empty changes give no bodies.
std::vector<std::string> BuildPatchBodies(const Changes& changes, size_t max_body_bytes);

// Builds the POST /zones body creating `zone` of `kind` holding `changes.creates` (with our ownership comment),
// the apex NS set among them: "nameservers" stays empty, as 4.7 refuses it beside an apex NS rrset. PowerDNS adds
// its own SOA. Updates and deletes are ignored: a new zone has nothing to update.
std::string BuildCreateZoneBody(std::string_view zone, std::string_view kind, const Changes& changes);

// The Error for a non-2xx answer: the provider's own words verbatim (422 {"error"} or the text body, trimmed to
// 500 characters), the code chosen by what the caller does next: 400/422 kInvalidArgument, 401 kUnauthenticated,
// 403 kPermissionDenied, 404 kNotFound, 409 kAlreadyExists, 429 and 5xx kUnavailable (Retry-After kept).
Error ErrorFromResponse(int status, std::string_view body, std::string_view retry_after);

}  // namespace domainguard::providers::powerdns
