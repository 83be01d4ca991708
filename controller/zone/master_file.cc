#include "controller/zone/master_file.h"

#include <cstdio>
#include <memory>

#include "controller/zone/ldns_handles.h"

namespace domainguard::zone {
namespace {

struct FileCloser {
  void operator()(FILE* f) const { fclose(f); }
};

// Returns the 1-based line of the first $INCLUDE directive, or 0.
int FindInclude(std::string_view text) {
  int line = 1;
  bool at_line_start = true;
  for (size_t i = 0; i < text.size(); ++i) {
    if (at_line_start) {
      std::string_view rest = text.substr(i, 8);
      if (rest.size() == 8 && rest[0] == '$') {
        std::string word(rest);
        for (char& c : word) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        if (word == "$INCLUDE") return line;
      }
    }
    at_line_start = text[i] == '\n';
    if (text[i] == '\n') ++line;
  }
  return 0;
}

}  // namespace

Result<std::vector<MasterRecord>> ParseMasterFile(std::string_view text, std::string_view origin,
                                                  uint32_t default_ttl) {
  if (int line = FindInclude(text); line > 0) {
    return Error::InvalidArgument("line " + std::to_string(line) + ": $INCLUDE is not allowed");
  }
  if (text.find('\0') != std::string_view::npos) return Error::InvalidArgument("contains a NUL byte");
  std::vector<MasterRecord> out;
  if (text.empty()) return out;
  // fmemopen needs a mutable buffer that outlives the FILE.
  std::string buffer(text);
  std::unique_ptr<FILE, FileCloser> fp(fmemopen(buffer.data(), buffer.size(), "r"));
  if (!fp) return Error::Internal("fmemopen failed");
  ldns::Rdf origin_rdf(ldns_dname_new_frm_str(std::string(origin).c_str()));
  if (!origin_rdf) return Error::InvalidArgument("origin \"" + std::string(origin) + "\" is not a name");

  // ldns_zone_new_frm_fp_l stops at the first error and reports its line; we read record by record instead so
  // every record carries its line for later messages (duplicate TTLs, CNAME conflicts).
  uint32_t ttl = default_ttl;
  ldns_rdf* cur_origin = ldns_rdf_clone(origin_rdf.get());
  ldns_rdf* prev = nullptr;
  int line_nr = 0;
  Status failure;
  while (!feof(fp.get())) {
    ldns_rr* raw = nullptr;
    ldns_status st = ldns_rr_new_frm_fp_l(&raw, fp.get(), &ttl, &cur_origin, &prev, &line_nr);
    ldns::Rr rr(raw);
    if (st == LDNS_STATUS_SYNTAX_EMPTY || st == LDNS_STATUS_SYNTAX_TTL || st == LDNS_STATUS_SYNTAX_ORIGIN ||
        st == LDNS_STATUS_SYNTAX_INCLUDE) {
      continue;  // a blank line, a comment, or a directive ldns applied itself
    }
    if (st != LDNS_STATUS_OK || !rr) {
      if (feof(fp.get()) && st == LDNS_STATUS_SYNTAX_EMPTY) break;
      failure = Error::InvalidArgument("line " + std::to_string(line_nr) + ": " + ldns_get_errorstr_by_id(st));
      break;
    }
    if (ldns_rr_get_class(rr.get()) != LDNS_RR_CLASS_IN) {
      failure = Error::InvalidArgument("line " + std::to_string(line_nr) + ": only class IN is supported");
      break;
    }
    ldns_rr2canonical(rr.get());
    MasterRecord rec;
    rec.line = line_nr;
    Result<std::string> name = NormalizeName(ldns::RdfToString(ldns_rr_owner(rr.get())), "");
    if (!name.ok()) {
      failure = name.error().Wrap("line " + std::to_string(line_nr));
      break;
    }
    if (!IsInZone(*name, origin)) {
      failure = Error::InvalidArgument("line " + std::to_string(line_nr) + ": " + *name + " is outside zone " +
                                       std::string(origin));
      break;
    }
    rec.rrset.name = *name;
    rec.rrset.type = ldns::TypeToString(ldns::RrTypeNumber(rr.get()));
    if (rec.rrset.type.empty()) {
      failure = Error::InvalidArgument("line " + std::to_string(line_nr) + ": the record type is not a DNS type");
      break;
    }
    rec.rrset.ttl = ldns_rr_ttl(rr.get());
    rec.rrset.values.push_back(ldns::RdataToString(rr.get()));
    out.push_back(std::move(rec));
  }
  if (cur_origin) ldns_rdf_deep_free(cur_origin);
  if (prev) ldns_rdf_deep_free(prev);
  if (!failure.ok()) return failure.error();
  return out;
}

}  // namespace domainguard::zone
