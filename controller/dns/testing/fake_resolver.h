// FakeResolver: a Resolver answering from a script, for unit tests of everything above the DNS engine.
//
// Answers are keyed by (server address, qname, qtype); the port is ignored. A script entry may be a message
// (any rcode, flags, sections), a timeout, an unreachable server, or a truncated UDP answer (which the fake, like
// c-ares, retries over TCP: the TCP entry is then used). Probes with no entry time out, like a silent server.
// Thread-safety: all methods lock; safe from several threads.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "controller/dns/resolver.h"

namespace domainguard::dns {

class FakeResolver final : public Resolver {
 public:
  // Scripts the answer to `qname`/`qtype` asked of `server`. Later calls replace earlier ones.
  void SetAnswer(const std::string& server, const std::string& qname, uint16_t qtype, DnsMessage answer);
  // Makes the server time out for that question.
  void SetTimeout(const std::string& server, const std::string& qname, uint16_t qtype);
  // Makes the server unreachable (connection refused) for every question.
  void SetUnreachable(const std::string& server);
  // Makes the UDP answer truncated; the TCP answer is `full`.
  void SetTruncated(const std::string& server, const std::string& qname, uint16_t qtype, DnsMessage full);
  // Makes `server` answer every question it has no entry for with `rcode` (e.g. REFUSED: a server without the zone).
  void SetDefaultRcode(const std::string& server, uint8_t rcode);

  std::vector<Result<DnsMessage>> QueryAll(std::span<const Probe> probes, Deadline deadline) override;

  // Every probe received so far, in order (TCP retries after truncation included).
  std::vector<Probe> probes() const;

 private:
  enum class Kind { kAnswer, kTimeout, kTruncated };
  struct Entry {
    Kind kind = Kind::kAnswer;
    DnsMessage message;
  };
  using Key = std::tuple<std::string, std::string, uint16_t>;
  Result<DnsMessage> Answer(const Probe& probe);

  mutable std::mutex mu_;
  std::map<Key, Entry> entries_;                     // guarded by mu_
  std::map<std::string, bool> unreachable_;          // guarded by mu_
  std::map<std::string, uint8_t> default_rcode_;     // guarded by mu_
  std::vector<Probe> probes_;                        // guarded by mu_
};

// Builders for scripted answers. Records are given in presentation format: "name ttl IN TYPE rdata" or
// "name TYPE rdata"; ResourceRecordFromText parses them (ldns) and canonicalises names.
ResourceRecord Rr(const std::string& name, uint16_t type, const std::string& rdata, uint32_t ttl = 3600);
// NOERROR, AA, answer section set.
DnsMessage AuthoritativeAnswer(const std::string& qname, uint16_t qtype, std::vector<ResourceRecord> answer);
// NOERROR, not AA, no answer, NS of `zone` in authority, glue in additional.
DnsMessage Referral(const std::string& qname, uint16_t qtype, const std::string& zone,
                    const std::vector<std::string>& ns, std::vector<ResourceRecord> glue = {});
// Any rcode with the given AA bit and an optional SOA in authority.
DnsMessage RcodeAnswer(const std::string& qname, uint16_t qtype, uint8_t rcode, bool aa = false);

}  // namespace domainguard::dns
