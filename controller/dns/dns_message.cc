// DnsMessage parsing and encoding with ldns 1.8.3. Every ldns handle has an RAII owner here; none escapes.
#include "controller/dns/dns_message.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <memory>

#include <ldns/ldns.h>

namespace domainguard::dns {
namespace {

struct PktFree {
  void operator()(ldns_pkt* p) const { ldns_pkt_free(p); }
};
struct RrFree {
  void operator()(ldns_rr* r) const { ldns_rr_free(r); }
};
struct RdfFree {
  void operator()(ldns_rdf* r) const { ldns_rdf_deep_free(r); }
};
struct CharFree {
  void operator()(char* s) const { std::free(s); }
};
struct BufFree {
  void operator()(uint8_t* b) const { std::free(b); }
};
using PktPtr = std::unique_ptr<ldns_pkt, PktFree>;
using RrPtr = std::unique_ptr<ldns_rr, RrFree>;
using RdfPtr = std::unique_ptr<ldns_rdf, RdfFree>;
using CharPtr = std::unique_ptr<char, CharFree>;

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string RdfToString(const ldns_rdf* rdf) {
  if (rdf == nullptr) return "";
  CharPtr s(ldns_rdf2str(rdf));
  return s ? std::string(s.get()) : std::string();
}

// Record data in presentation format. Domain names are lower-cased (DNS names compare case-insensitively,
// RFC 4343); other fields (TXT strings) keep their case.
std::string RdataString(const ldns_rr* rr) {
  std::string out;
  for (size_t i = 0; i < ldns_rr_rd_count(rr); ++i) {
    const ldns_rdf* f = ldns_rr_rdf(rr, i);
    std::string part = RdfToString(f);
    if (ldns_rdf_get_type(f) == LDNS_RDF_TYPE_DNAME) part = Lower(std::move(part));
    if (i > 0) out += ' ';
    out += part;
  }
  return out;
}

std::vector<ResourceRecord> ConvertSection(const ldns_rr_list* list) {
  std::vector<ResourceRecord> out;
  if (list == nullptr) return out;
  const size_t n = ldns_rr_list_rr_count(list);
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(list, i);
    ResourceRecord r;
    r.name = CanonicalName(RdfToString(ldns_rr_owner(rr)));
    r.type = static_cast<uint16_t>(ldns_rr_get_type(rr));
    r.rrclass = static_cast<uint16_t>(ldns_rr_get_class(rr));
    r.ttl = ldns_rr_ttl(rr);
    r.rdata = RdataString(rr);
    out.push_back(std::move(r));
  }
  return out;
}

void SortUnique(std::vector<std::string>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

Status PushRecords(ldns_pkt* pkt, ldns_pkt_section section, const std::vector<ResourceRecord>& records) {
  for (const ResourceRecord& r : records) {
    std::string text = r.name + " " + std::to_string(r.ttl) + " " + (r.rrclass == 1 ? "IN" : "CLASS" + std::to_string(r.rrclass)) +
                       " " + TypeName(r.type) + " " + r.rdata;
    ldns_rr* raw = nullptr;
    if (ldns_rr_new_frm_str(&raw, text.c_str(), 0, nullptr, nullptr) != LDNS_STATUS_OK || raw == nullptr) {
      return Error::InvalidArgument("bad record: " + text);
    }
    // The packet takes ownership of the record on success.
    if (!ldns_pkt_push_rr(pkt, section, raw)) {
      ldns_rr_free(raw);
      return Error::Internal("cannot add record: " + text);
    }
  }
  return OkStatus();
}

}  // namespace

std::string CanonicalName(std::string_view name) {
  std::string s = Lower(std::string(name));
  if (s.empty() || s == ".") return ".";
  if (s.back() != '.') s += '.';
  return s;
}

bool IsSubdomain(std::string_view name, std::string_view zone) {
  if (zone == ".") return true;
  if (name.size() < zone.size()) return false;
  if (name.substr(name.size() - zone.size()) != zone) return false;
  return name.size() == zone.size() || name[name.size() - zone.size() - 1] == '.';
}

std::string ParentName(std::string_view name) {
  if (name.empty() || name == ".") return ".";
  const size_t dot = name.find('.');
  if (dot == std::string_view::npos || dot + 1 >= name.size()) return ".";
  return std::string(name.substr(dot + 1));
}

int LabelCount(std::string_view name) {
  if (name.empty() || name == ".") return 0;
  int n = 0;
  for (char c : name) n += (c == '.');
  if (name.back() != '.') ++n;
  return n;
}

bool DnsMessage::IsReferral() const {
  if (rcode != kRcodeNoError || aa || !answer.empty()) return false;
  return std::any_of(authority.begin(), authority.end(), [](const ResourceRecord& r) { return r.type == kTypeNS; });
}

std::string DnsMessage::ReferralZone() const {
  if (!IsReferral()) return "";
  for (const ResourceRecord& r : authority) {
    if (r.type == kTypeNS) return r.name;
  }
  return "";
}

std::vector<std::string> DnsMessage::NsTargets(const std::vector<ResourceRecord>& section,
                                               std::string_view owner) const {
  std::vector<std::string> out;
  for (const ResourceRecord& r : section) {
    if (r.type == kTypeNS && r.name == owner) out.push_back(CanonicalName(r.rdata));
  }
  SortUnique(out);
  return out;
}

std::vector<std::string> DnsMessage::AddressesOf(std::string_view host) const {
  std::vector<std::string> out;
  for (const auto* section : {&answer, &additional}) {
    for (const ResourceRecord& r : *section) {
      if ((r.type == kTypeA || r.type == kTypeAAAA) && r.name == host) out.push_back(r.rdata);
    }
  }
  SortUnique(out);
  return out;
}

std::optional<uint32_t> DnsMessage::SoaSerial(bool authority_too) const {
  auto from = [](const std::vector<ResourceRecord>& section) -> std::optional<uint32_t> {
    for (const ResourceRecord& r : section) {
      if (r.type != kTypeSOA) continue;
      // "mname rname serial refresh retry expire minimum"
      size_t pos = 0;
      for (int field = 0; field < 2; ++field) {
        pos = r.rdata.find(' ', pos);
        if (pos == std::string::npos) return std::nullopt;
        ++pos;
      }
      char* end = nullptr;
      const unsigned long v = std::strtoul(r.rdata.c_str() + pos, &end, 10);
      if (end == r.rdata.c_str() + pos) return std::nullopt;
      return static_cast<uint32_t>(v);
    }
    return std::nullopt;
  };
  if (auto s = from(answer)) return s;
  if (authority_too) return from(authority);
  return std::nullopt;
}

Result<DnsMessage> ParseDnsMessage(std::span<const uint8_t> wire) {
  if (wire.size() < 12) return Error::InvalidArgument("DNS message shorter than its header");
  ldns_pkt* raw = nullptr;
  const ldns_status st = ldns_wire2pkt(&raw, wire.data(), wire.size());
  PktPtr pkt(raw);
  if (st != LDNS_STATUS_OK || !pkt) {
    return Error::InvalidArgument(std::string("malformed DNS message: ") + ldns_get_errorstr_by_id(st));
  }
  DnsMessage m;
  m.id = ldns_pkt_id(pkt.get());
  m.opcode = static_cast<uint8_t>(ldns_pkt_get_opcode(pkt.get()));
  m.rcode = static_cast<uint8_t>(ldns_pkt_get_rcode(pkt.get()));
  m.qr = ldns_pkt_qr(pkt.get());
  m.aa = ldns_pkt_aa(pkt.get());
  m.tc = ldns_pkt_tc(pkt.get());
  m.rd = ldns_pkt_rd(pkt.get());
  m.ra = ldns_pkt_ra(pkt.get());
  const ldns_rr_list* q = ldns_pkt_question(pkt.get());
  if (q != nullptr && ldns_rr_list_rr_count(q) > 0) {
    const ldns_rr* qrr = ldns_rr_list_rr(q, 0);
    m.qname = CanonicalName(RdfToString(ldns_rr_owner(qrr)));
    m.qtype = static_cast<uint16_t>(ldns_rr_get_type(qrr));
  }
  m.answer = ConvertSection(ldns_pkt_answer(pkt.get()));
  m.authority = ConvertSection(ldns_pkt_authority(pkt.get()));
  m.additional = ConvertSection(ldns_pkt_additional(pkt.get()));
  return m;
}

Result<std::vector<uint8_t>> EncodeDnsMessage(const DnsMessage& message) {
  PktPtr pkt(ldns_pkt_new());
  if (!pkt) return Error::Internal("out of memory");
  ldns_pkt_set_id(pkt.get(), message.id);
  ldns_pkt_set_opcode(pkt.get(), static_cast<ldns_pkt_opcode>(message.opcode));
  ldns_pkt_set_rcode(pkt.get(), message.rcode);
  ldns_pkt_set_qr(pkt.get(), message.qr);
  ldns_pkt_set_aa(pkt.get(), message.aa);
  ldns_pkt_set_tc(pkt.get(), message.tc);
  ldns_pkt_set_rd(pkt.get(), message.rd);
  ldns_pkt_set_ra(pkt.get(), message.ra);
  if (!message.qname.empty()) {
    const std::string text = message.qname + " IN " + TypeName(message.qtype);
    ldns_rr* raw = nullptr;
    if (ldns_rr_new_question_frm_str(&raw, text.c_str(), nullptr, nullptr) != LDNS_STATUS_OK || raw == nullptr) {
      return Error::InvalidArgument("bad question: " + text);
    }
    if (!ldns_pkt_push_rr(pkt.get(), LDNS_SECTION_QUESTION, raw)) {
      ldns_rr_free(raw);
      return Error::Internal("cannot add question");
    }
  }
  if (Status s = PushRecords(pkt.get(), LDNS_SECTION_ANSWER, message.answer); !s.ok()) return s.error();
  if (Status s = PushRecords(pkt.get(), LDNS_SECTION_AUTHORITY, message.authority); !s.ok()) return s.error();
  if (Status s = PushRecords(pkt.get(), LDNS_SECTION_ADDITIONAL, message.additional); !s.ok()) return s.error();
  uint8_t* buf = nullptr;
  size_t size = 0;
  if (ldns_pkt2wire(&buf, pkt.get(), &size) != LDNS_STATUS_OK || buf == nullptr) {
    return Error::Internal("cannot encode DNS message");
  }
  std::unique_ptr<uint8_t, BufFree> owned(buf);
  return std::vector<uint8_t>(buf, buf + size);
}

std::string TypeName(uint16_t type) {
  CharPtr s(ldns_rr_type2str(static_cast<ldns_rr_type>(type)));
  return s ? std::string(s.get()) : "TYPE" + std::to_string(type);
}

Result<uint16_t> ParseTypeName(std::string_view name) {
  std::string upper(name);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (upper.empty()) return Error::InvalidArgument("empty record type");
  const ldns_rr_type t = ldns_get_rr_type_by_name(upper.c_str());
  if (t == 0) return Error::InvalidArgument("unknown record type \"" + std::string(name) + "\"");
  return static_cast<uint16_t>(t);
}

std::string RcodeName(uint8_t rcode) {
  switch (rcode) {
    case kRcodeNoError: return "NOERROR";
    case kRcodeFormErr: return "FORMERR";
    case kRcodeServFail: return "SERVFAIL";
    case kRcodeNxDomain: return "NXDOMAIN";
    case kRcodeNotImp: return "NOTIMP";
    case kRcodeRefused: return "REFUSED";
    case kRcodeNotAuth: return "NOTAUTH";
    default: return "RCODE" + std::to_string(rcode);
  }
}

}  // namespace domainguard::dns
