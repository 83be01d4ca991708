// FakeResolver: scripted answers for unit tests.
#include "controller/dns/testing/fake_resolver.h"

#include <utility>

namespace domainguard::dns {

void FakeResolver::SetAnswer(const std::string& server, const std::string& qname, uint16_t qtype, DnsMessage answer) {
  std::lock_guard<std::mutex> lock(mu_);
  entries_[{server, CanonicalName(qname), qtype}] = Entry{Kind::kAnswer, std::move(answer)};
}

void FakeResolver::SetTimeout(const std::string& server, const std::string& qname, uint16_t qtype) {
  std::lock_guard<std::mutex> lock(mu_);
  entries_[{server, CanonicalName(qname), qtype}] = Entry{Kind::kTimeout, {}};
}

void FakeResolver::SetUnreachable(const std::string& server) {
  std::lock_guard<std::mutex> lock(mu_);
  unreachable_[server] = true;
}

void FakeResolver::SetTruncated(const std::string& server, const std::string& qname, uint16_t qtype, DnsMessage full) {
  std::lock_guard<std::mutex> lock(mu_);
  entries_[{server, CanonicalName(qname), qtype}] = Entry{Kind::kTruncated, std::move(full)};
}

void FakeResolver::SetDefaultRcode(const std::string& server, uint8_t rcode) {
  std::lock_guard<std::mutex> lock(mu_);
  default_rcode_[server] = rcode;
}

std::vector<Probe> FakeResolver::probes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return probes_;
}

Result<DnsMessage> FakeResolver::Answer(const Probe& probe) {
  probes_.push_back(probe);
  if (unreachable_.count(probe.address)) {
    return Error::Unavailable("connection refused by " + DescribeProbe(probe));
  }
  const std::string qname = CanonicalName(probe.qname);
  auto it = entries_.find({probe.address, qname, probe.qtype});
  if (it == entries_.end()) {
    auto rc = default_rcode_.find(probe.address);
    if (rc != default_rcode_.end()) return RcodeAnswer(qname, probe.qtype, rc->second);
    return Error::DeadlineExceeded("no answer from " + DescribeProbe(probe));
  }
  switch (it->second.kind) {
    case Kind::kTimeout:
      return Error::DeadlineExceeded("no answer from " + DescribeProbe(probe));
    case Kind::kTruncated:
      if (!probe.tcp) {
        // Like c-ares: a TC=1 UDP answer is retried over TCP automatically.
        Probe retry = probe;
        retry.tcp = true;
        probes_.push_back(retry);
      }
      return it->second.message;
    case Kind::kAnswer: {
      DnsMessage m = it->second.message;
      return m;
    }
  }
  return Error::Internal("unreachable");
}

std::vector<Result<DnsMessage>> FakeResolver::QueryAll(std::span<const Probe> probes, Deadline /*deadline*/) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<Result<DnsMessage>> out;
  out.reserve(probes.size());
  for (const Probe& p : probes) out.push_back(Answer(p));
  return out;
}

ResourceRecord Rr(const std::string& name, uint16_t type, const std::string& rdata, uint32_t ttl) {
  ResourceRecord r;
  r.name = CanonicalName(name);
  r.type = type;
  r.ttl = ttl;
  r.rdata = (type == kTypeNS || type == kTypeCNAME || type == kTypePTR) ? CanonicalName(rdata) : rdata;
  return r;
}

DnsMessage AuthoritativeAnswer(const std::string& qname, uint16_t qtype, std::vector<ResourceRecord> answer) {
  DnsMessage m;
  m.qname = CanonicalName(qname);
  m.qtype = qtype;
  m.aa = true;
  m.answer = std::move(answer);
  return m;
}

DnsMessage Referral(const std::string& qname, uint16_t qtype, const std::string& zone,
                    const std::vector<std::string>& ns, std::vector<ResourceRecord> glue) {
  DnsMessage m;
  m.qname = CanonicalName(qname);
  m.qtype = qtype;
  for (const std::string& n : ns) m.authority.push_back(Rr(zone, kTypeNS, n, 172800));
  m.additional = std::move(glue);
  return m;
}

DnsMessage RcodeAnswer(const std::string& qname, uint16_t qtype, uint8_t rcode, bool aa) {
  DnsMessage m;
  m.qname = CanonicalName(qname);
  m.qtype = qtype;
  m.rcode = rcode;
  m.aa = aa;
  return m;
}

}  // namespace domainguard::dns
