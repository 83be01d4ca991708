// Master-file parsing with ldns 1.8.3 (ldns_rr_new_frm_str per entry, with ldns tracking $ORIGIN/$TTL).
#include "controller/dns/zone_file.h"

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>

#include <ldns/ldns.h>

#include "controller/base/plain_rdata.h"

namespace domainguard::dns {
namespace {

struct RrFree {
  void operator()(ldns_rr* r) const { ldns_rr_free(r); }
};
struct RdfFree {
  void operator()(ldns_rdf* r) const { ldns_rdf_deep_free(r); }
};
struct ZoneFree {
  void operator()(ldns_zone* z) const { ldns_zone_deep_free(z); }
};
struct FileClose {
  void operator()(FILE* f) const { std::fclose(f); }
};
struct CharFree {
  void operator()(char* s) const { std::free(s); }
};

std::string RdfString(const ldns_rdf* rdf) {
  std::unique_ptr<char, CharFree> s(ldns_rdf2str(rdf));
  return s ? std::string(s.get()) : std::string();
}

ResourceRecord Convert(const ldns_rr* rr) {
  ResourceRecord r;
  r.name = CanonicalName(RdfString(ldns_rr_owner(rr)));
  r.type = static_cast<uint16_t>(ldns_rr_get_type(rr));
  r.rrclass = static_cast<uint16_t>(ldns_rr_get_class(rr));
  r.ttl = ldns_rr_ttl(rr);
  std::string data;
  for (size_t i = 0; i < ldns_rr_rd_count(rr); ++i) {
    const ldns_rdf* f = ldns_rr_rdf(rr, i);
    std::string part = RdfString(f);
    if (ldns_rdf_get_type(f) == LDNS_RDF_TYPE_DNAME) {
      for (char& c : part) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    if (i > 0) data += ' ';
    data += part;
  }
  r.rdata = data;
  return r;
}

}  // namespace

Result<std::vector<ResourceRecord>> ParseZoneText(std::string_view text, std::string_view origin) {
  // ldns reads zones from a FILE*; fmemopen gives it one over the text without a temporary file.
  std::string copy(text);
  if (copy.empty() || copy.back() != '\n') copy += '\n';
  std::unique_ptr<FILE, FileClose> f(fmemopen(copy.data(), copy.size(), "r"));
  if (!f) return Error::Internal("fmemopen failed");
  std::unique_ptr<ldns_rdf, RdfFree> origin_rdf(ldns_dname_new_frm_str(CanonicalName(origin).c_str()));
  ldns_zone* raw = nullptr;
  int line = 0;
  const ldns_status st =
      ldns_zone_new_frm_fp_l(&raw, f.get(), origin_rdf.get(), 3600, LDNS_RR_CLASS_IN, &line);
  std::unique_ptr<ldns_zone, ZoneFree> zone(raw);
  if (st != LDNS_STATUS_OK || !zone) {
    return Error::InvalidArgument("zone text line " + std::to_string(line) + ": " + ldns_get_errorstr_by_id(st));
  }
  std::vector<ResourceRecord> out;
  // ldns_zone keeps a SOA apart from the other records.
  if (const ldns_rr* soa = ldns_zone_soa(zone.get())) out.push_back(Convert(soa));
  const ldns_rr_list* rrs = ldns_zone_rrs(zone.get());
  for (size_t i = 0; rrs != nullptr && i < ldns_rr_list_rr_count(rrs); ++i) {
    out.push_back(Convert(ldns_rr_list_rr(rrs, i)));
  }
  return out;
}

Result<std::vector<ResourceRecord>> ParseZoneFile(const std::string& path, std::string_view origin) {
  std::ifstream in(path);
  if (!in) return Error::NotFound("cannot open " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  auto r = ParseZoneText(ss.str(), origin);
  if (!r.ok()) return r.error().Wrap(path);
  return r;
}

Result<std::string> NormalizeRdata(uint16_t type, std::string_view value, std::string_view origin) {
  // Unquoted TXT is several character-strings here (blanks separate them), one in CanonicalPlainRdata.
  if (type != LDNS_RR_TYPE_TXT || (!value.empty() && value.front() == '"')) {
    if (std::optional<std::string> plain = CanonicalPlainRdata(TypeName(type), value, origin)) return *std::move(plain);
  }
  return NormalizeRdataWithLdns(type, value, origin);
}

Result<std::string> NormalizeRdataWithLdns(uint16_t type, std::string_view value, std::string_view origin) {
  const std::string text = CanonicalName(origin) + " 0 IN " + TypeName(type) + " " + std::string(value);
  std::unique_ptr<ldns_rdf, RdfFree> origin_rdf(ldns_dname_new_frm_str(CanonicalName(origin).c_str()));
  ldns_rr* raw = nullptr;
  if (ldns_rr_new_frm_str(&raw, text.c_str(), 0, origin_rdf.get(), nullptr) != LDNS_STATUS_OK || raw == nullptr) {
    return Error::InvalidArgument("invalid " + TypeName(type) + " value \"" + std::string(value) + "\"");
  }
  std::unique_ptr<ldns_rr, RrFree> rr(raw);
  return Convert(rr.get()).rdata;
}

}  // namespace domainguard::dns
