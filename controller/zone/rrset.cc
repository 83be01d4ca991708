#include "controller/zone/rrset.h"

#include <idn2.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <optional>
#include <sstream>
#include <tuple>

#include "controller/base/plain_rdata.h"
#include "controller/zone/ldns_handles.h"

namespace domainguard::zone {
namespace {

constexpr size_t kMaxLabel = 63;
constexpr size_t kMaxName = 253;  // presentation length without the final dot (255 octets on the wire)

bool IsAscii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return c < 0x80; });
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Appended, not "\"" + std::string(s): GCC 12 at -O2 warns falsely there (-Wrestrict, GCC bug 105651).
std::string Quote(std::string_view s) {
  std::string out = "\"";
  out.append(s).push_back('"');
  return out;
}

// One label to its canonical ASCII form.
Result<std::string> NormalizeLabel(std::string_view label, std::string_view whole) {
  if (label.empty()) return Error::InvalidArgument(Quote(whole) + " has an empty label");
  std::string ascii;
  if (IsAscii(label)) {
    ascii = Lower(label);
  } else {
    // IDNA 2008 with UTS #46 non-transitional mapping: what browsers resolve ("ß" stays "ß" -> xn--zca).
    char* out = nullptr;
    const std::string in(label);
    int rc = idn2_to_ascii_8z(in.c_str(), &out, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);
    if (rc != IDN2_OK) {
      return Error::InvalidArgument(Quote(whole) + " is not a valid internationalised name (" + idn2_strerror(rc) +
                                    ")");
    }
    ascii = Lower(out);
    idn2_free(out);
  }
  if (ascii.size() > kMaxLabel) {
    return Error::InvalidArgument(Quote(whole) + " has a label longer than 63 octets");
  }
  for (unsigned char c : ascii) {
    // Escapes and presentation-format specials are not accepted in names: they would change meaning when the name
    // is written into a master file or an API body.
    if (c <= 0x20 || c >= 0x7f || c == '"' || c == ';' || c == '(' || c == ')' || c == '\\' || c == '@' ||
        c == '$') {
      return Error::InvalidArgument(Quote(whole) + " contains a character not allowed in a name");
    }
  }
  return ascii;
}

}  // namespace

bool IsProviderManagedType(std::string_view t) {
  return t == "SOA" || t == "RRSIG" || t == "NSEC" || t == "NSEC3" || t == "NSEC3PARAM";
}

bool KeyLess(const RRset& a, const RRset& b) { return std::tie(a.name, a.type) < std::tie(b.name, b.type); }

std::string KeyOf(const RRset& r) { return r.name + " " + r.type; }

std::string Describe(const RRset& r) {
  std::string out = r.name + " " + std::to_string(r.ttl) + " " + r.type + " ";
  for (size_t i = 0; i < r.values.size(); ++i) {
    if (i > 0) out += ',';
    out += r.values[i];
  }
  return out;
}

Result<std::string> NormalizeName(std::string_view name, std::string_view origin) {
  if (name == "@" || name.empty()) {
    if (origin.empty()) return Error::InvalidArgument(Quote(name) + " needs a zone origin");
    return std::string(origin);
  }
  if (name == ".") return std::string(".");
  const bool absolute = name.back() == '.';
  std::string_view body = absolute ? name.substr(0, name.size() - 1) : name;
  std::string out;
  size_t start = 0;
  while (true) {
    size_t dot = body.find('.', start);
    std::string_view label = body.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    Result<std::string> l = NormalizeLabel(label, name);
    if (!l.ok()) return l.error();
    if (!out.empty()) out += '.';
    out += *l;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  out += '.';
  if (!absolute) {
    if (origin.empty()) return Error::InvalidArgument(Quote(name) + " must be absolute (end with a dot)");
    if (origin != ".") out += origin;
  }
  if (out.size() - 1 > kMaxName) return Error::InvalidArgument(Quote(name) + " is longer than 253 characters");
  return out;
}

bool IsInZone(std::string_view name, std::string_view zone) {
  if (zone == ".") return true;
  if (name == zone) return true;
  return name.size() > zone.size() && name.ends_with(zone) && name[name.size() - zone.size() - 1] == '.';
}

Result<std::string> NormalizeType(std::string_view type) {
  const std::string upper = [&] {
    std::string s(type);
    for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
  }();
  if (upper.empty() || !std::all_of(upper.begin(), upper.end(), [](unsigned char c) { return std::isalnum(c); })) {
    return Error::InvalidArgument(Quote(type) + " is not a record type");
  }
  // ldns parses "TYPE<n>" into its enum unchecked: read the result as an integer (see RrTypeNumber).
  const ldns_rr_type raw = ldns_get_rr_type_by_name(upper.c_str());
  uint32_t t = 0;
  std::memcpy(&t, &raw, sizeof t);
  if (t == 0 || t > 0xffff) return Error::InvalidArgument(Quote(type) + " is not a record type");
  return ldns::TypeToString(t);
}

Result<std::string> NormalizeValue(std::string_view type, std::string_view value, std::string_view owner,
                                   std::string_view origin) {
  if (std::optional<std::string> simple = CanonicalPlainRdata(type, value, origin)) return *std::move(simple);
  return NormalizeValueWithLdns(type, value, owner, origin);
}

Result<std::string> NormalizeValueWithLdns(std::string_view type, std::string_view value, std::string_view owner,
                                           std::string_view origin) {
  for (unsigned char c : value) {
    // A newline would let one value smuggle a second record into the presentation line below.
    if (c < 0x20 && c != '\t') return Error::InvalidArgument(Quote(value) + " contains a control character");
  }
  std::string rdata(value);
  while (!rdata.empty() && (rdata.back() == ' ' || rdata.back() == '\t')) rdata.pop_back();
  while (!rdata.empty() && (rdata.front() == ' ' || rdata.front() == '\t')) rdata.erase(rdata.begin());
  if (rdata.empty()) return Error::InvalidArgument("empty value");
  if ((type == "TXT" || type == "SPF") && rdata.front() != '"') {
    // Users write TXT values as plain text ("v=spf1 -all"): treat an unquoted value as one character-string
    // rather than letting spaces split it into several.
    std::string quoted = "\"";
    for (char c : rdata) {
      if (c == '"' || c == '\\') quoted += '\\';
      quoted += c;
    }
    quoted += '"';
    rdata = quoted;
  }
  const std::string line = std::string(owner) + " 0 IN " + std::string(type) + " " + rdata;
  ldns::Rdf origin_rdf(origin.empty() ? nullptr : ldns_dname_new_frm_str(std::string(origin).c_str()));
  ldns_rr* raw = nullptr;
  ldns_status st = ldns_rr_new_frm_str(&raw, line.c_str(), 0, origin_rdf.get(), nullptr);
  ldns::Rr rr(raw);
  if (st != LDNS_STATUS_OK || !rr) {
    if (type == "A") return Error::InvalidArgument(Quote(value) + " is not an IPv4 address");
    if (type == "AAAA") return Error::InvalidArgument(Quote(value) + " is not an IPv6 address");
    return Error::InvalidArgument(Quote(value) + " is not valid " + std::string(type) + " data (" +
                                  ldns_get_errorstr_by_id(st) + ")");
  }
  if (ldns::TypeToString(ldns::RrTypeNumber(rr.get())) != type) {
    return Error::InvalidArgument(Quote(value) + " is not valid " + std::string(type) + " data");
  }
  ldns_rr2canonical(rr.get());
  std::string out = ldns::RdataToString(rr.get());
  if (out.empty()) return Error::InvalidArgument(Quote(value) + " is not valid " + std::string(type) + " data");
  return out;
}

Result<RRset> NormalizeRRset(const RRset& raw, std::string_view origin) {
  RRset out;
  Result<std::string> name = NormalizeName(raw.name, origin);
  if (!name.ok()) return name.error().Wrap("name");
  out.name = *name;
  Result<std::string> type = NormalizeType(raw.type);
  if (!type.ok()) return type.error().Wrap("type");
  out.type = *type;
  out.ttl = raw.ttl;
  for (size_t i = 0; i < raw.values.size(); ++i) {
    Result<std::string> v = NormalizeValue(out.type, raw.values[i], out.name, origin);
    if (!v.ok()) return v.error().Wrap("values[" + std::to_string(i) + "]");
    out.values.push_back(*v);
  }
  std::sort(out.values.begin(), out.values.end());
  out.values.erase(std::unique(out.values.begin(), out.values.end()), out.values.end());
  return out;
}

std::optional<std::string> SoaWithSerial(std::string_view soa, uint32_t serial) {
  std::istringstream in{std::string(soa)};
  std::vector<std::string> fields;
  for (std::string f; in >> f;) fields.push_back(f);
  if (fields.size() != 7 || fields[2].empty() || fields[2].find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  fields[2] = std::to_string(serial);
  std::string out;
  for (const std::string& f : fields) out += (out.empty() ? "" : " ") + f;
  return out;
}

}  // namespace domainguard::zone
