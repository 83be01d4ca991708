// RAII owners for ldns C handles, shared by the folders that speak ldns (zone/, providers/rfc2136/).
// Internal: include only from .cc files, so ldns stays out of public headers. Thread-safety: each owner is a
// plain value; ldns objects are not shared between threads.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>

#include <ldns/ldns.h>

// ldns/common.h defines `bool`, `false` and `true` as macros when <stdbool.h> did not announce them, as in C++20.
// `false` as a macro for 0 turns bool literals into ints (nlohmann::json(false) becomes 0): undo them.
#ifdef false
#undef false
#endif
#ifdef true
#undef true
#endif
#ifdef bool
#undef bool
#endif

namespace domainguard::zone::ldns {

struct RdfDeleter { void operator()(ldns_rdf* p) const { ldns_rdf_deep_free(p); } };
struct RrDeleter { void operator()(ldns_rr* p) const { ldns_rr_free(p); } };
struct RrListDeleter { void operator()(ldns_rr_list* p) const { ldns_rr_list_deep_free(p); } };
struct ZoneDeleter { void operator()(ldns_zone* p) const { ldns_zone_deep_free(p); } };
struct PktDeleter { void operator()(ldns_pkt* p) const { ldns_pkt_free(p); } };
struct ResolverDeleter { void operator()(ldns_resolver* p) const { ldns_resolver_deep_free(p); } };
struct CharDeleter { void operator()(char* p) const { free(p); } };

using Rdf = std::unique_ptr<ldns_rdf, RdfDeleter>;
using Rr = std::unique_ptr<ldns_rr, RrDeleter>;
using RrList = std::unique_ptr<ldns_rr_list, RrListDeleter>;
using Zone = std::unique_ptr<ldns_zone, ZoneDeleter>;
using Pkt = std::unique_ptr<ldns_pkt, PktDeleter>;
using Resolver = std::unique_ptr<ldns_resolver, ResolverDeleter>;
using CString = std::unique_ptr<char, CharDeleter>;

// The presentation form of an rdf ("" when ldns cannot print it).
inline std::string RdfToString(const ldns_rdf* rdf) {
  CString s(ldns_rdf2str(rdf));
  return s ? std::string(s.get()) : std::string();
}

// The type of `rr` as a number, read as an integer, never as the enum: ldns stores what a zone file says
// ("TYPE96222222222") in its enum field unchecked, and a value outside the enum is undefined behaviour once
// loaded as one (found by zonefile_fuzz under UBSan). Values above 65535 are not DNS types: callers refuse them.
inline uint32_t RrTypeNumber(const ldns_rr* rr) {
  const ldns_rr_type t = ldns_rr_get_type(rr);
  static_assert(sizeof(t) == sizeof(uint32_t));
  uint32_t v = 0;
  std::memcpy(&v, &t, sizeof v);
  return v;
}

// The mnemonic of a type number ("A", "TYPE65534"); "" for a number that is no DNS type (> 65535).
inline std::string TypeToString(uint32_t type) {
  if (type > 0xffff) return std::string();
  CString s(ldns_rr_type2str(static_cast<ldns_rr_type>(type)));
  return s ? std::string(s.get()) : std::string();
}

// The rdata of `rr` in presentation form, fields joined by single spaces.
inline std::string RdataToString(const ldns_rr* rr) {
  std::string out;
  for (size_t i = 0; i < ldns_rr_rd_count(rr); ++i) {
    if (i > 0) out += ' ';
    out += RdfToString(ldns_rr_rdf(rr, i));
  }
  return out;
}

}  // namespace domainguard::zone::ldns
