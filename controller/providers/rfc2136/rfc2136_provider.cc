#include "controller/providers/rfc2136/rfc2136_provider.h"

#include <arpa/inet.h>

#include <algorithm>
#include <mutex>
#include <sstream>

#include <spdlog/spdlog.h>

#include "controller/dns/ares_resolver.h"
#include "controller/dns/dns_message.h"
#include "controller/providers/rfc2136/rfc2136_update.h"
#include "controller/zone/rrset.h"
#include "controller/zone/ldns_handles.h"

namespace domainguard::providers::rfc2136 {
namespace {

namespace L = zone::ldns;

constexpr size_t kMaxValuesPerRRset = 100;  // BIND 9.18.28+ max-records-per-type

struct Endpoint {
  std::string host;
  uint16_t port = 53;
  bool v6 = false;
};

Result<Endpoint> ParseServer(const std::string& s) {
  Endpoint e;
  std::string port;
  if (!s.empty() && s.front() == '[') {
    size_t close = s.find(']');
    if (close == std::string::npos) return Error::InvalidArgument("rfc2136.server: \"" + s + "\" is not host:port");
    e.host = s.substr(1, close - 1);
    if (close + 1 < s.size()) {
      if (s[close + 1] != ':') return Error::InvalidArgument("rfc2136.server: \"" + s + "\" is not host:port");
      port = s.substr(close + 2);
    }
  } else if (std::count(s.begin(), s.end(), ':') == 1) {
    e.host = s.substr(0, s.find(':'));
    port = s.substr(s.find(':') + 1);
  } else {
    e.host = s;
  }
  in_addr a4;
  in6_addr a6;
  if (inet_pton(AF_INET, e.host.c_str(), &a4) == 1) {
    e.v6 = false;
  } else if (inet_pton(AF_INET6, e.host.c_str(), &a6) == 1) {
    e.v6 = true;
  } else {
    return Error::InvalidArgument("rfc2136.server: \"" + s + "\" must be an IP address with an optional port");
  }
  if (!port.empty()) {
    if (port.size() > 5 || !std::all_of(port.begin(), port.end(), ::isdigit) || std::stoi(port) == 0 ||
        std::stoi(port) > 65535) {
      return Error::InvalidArgument("rfc2136.server: \"" + s + "\" has a bad port");
    }
    e.port = static_cast<uint16_t>(std::stoi(port));
  }
  return e;
}

Error RcodeError(ldns_pkt_rcode rc, const std::string& what) {
  const std::string name = [&] {
    switch (rc) {
      case LDNS_RCODE_FORMERR: return std::string("FORMERR");
      case LDNS_RCODE_SERVFAIL: return std::string("SERVFAIL");
      case LDNS_RCODE_NXDOMAIN: return std::string("NXDOMAIN");
      case LDNS_RCODE_NOTIMPL: return std::string("NOTIMP");
      case LDNS_RCODE_REFUSED: return std::string("REFUSED");
      case LDNS_RCODE_YXDOMAIN: return std::string("YXDOMAIN");
      case LDNS_RCODE_YXRRSET: return std::string("YXRRSET");
      case LDNS_RCODE_NXRRSET: return std::string("NXRRSET");
      case LDNS_RCODE_NOTAUTH: return std::string("NOTAUTH");
      case LDNS_RCODE_NOTZONE: return std::string("NOTZONE");
      default: return "rcode " + std::to_string(static_cast<int>(rc));
    }
  }();
  const std::string msg = what + ": server answered " + name;
  switch (rc) {
    case LDNS_RCODE_NXRRSET:
    case LDNS_RCODE_YXRRSET:
    case LDNS_RCODE_NXDOMAIN:
    case LDNS_RCODE_YXDOMAIN:
      return Error::Aborted(msg + " (the zone changed since it was read)");
    case LDNS_RCODE_REFUSED:
    case LDNS_RCODE_NOTAUTH:
      // BIND also answers REFUSED when an update fails its integrity checks (an in-zone MX or NS target without
      // an address): name both causes, the server log says which.
      return Error::PermissionDenied(msg + " (the TSIG key is not allowed to update this zone, the zone is not "
                                           "served, or the data failed the server's integrity checks, e.g. an "
                                           "in-zone MX/NS target without an address)");
    case LDNS_RCODE_SERVFAIL:
      return Error::Unavailable(msg);
    default:
      return Error::InvalidArgument(msg);
  }
}

class Rfc2136Provider final : public Provider {
 public:
  Rfc2136Provider(Config config, Endpoint endpoint) : config_(std::move(config)), endpoint_(std::move(endpoint)) {}

  std::string Name() const override { return config_.name; }
  bool CreatesZones() const override { return false; }  // UPDATE edits zones the server already has

  Result<ObservedZone> ReadZone(std::string_view zone_name) override {
    const std::string zone(zone_name);
    Result<L::Resolver> res = MakeResolver();
    if (!res.ok()) return res.error();
    L::Rdf zrdf(ldns_dname_new_frm_str(zone.c_str()));
    if (!zrdf) return Error::InvalidArgument("\"" + zone + "\" is not a zone name");
    ldns_status st = ldns_axfr_start(res->get(), zrdf.get(), LDNS_RR_CLASS_IN);
    if (st != LDNS_STATUS_OK) {
      return Error::Unavailable("AXFR of " + zone + " from " + config_.server + ": " + ldns_get_errorstr_by_id(st));
    }
    std::vector<WireRecord> recs;
    int soas = 0;
    while (ldns_rr* raw = ldns_axfr_next(res->get())) {
      L::Rr rr(raw);
      ldns_rr2canonical(rr.get());
      WireRecord w;
      w.name = L::RdfToString(ldns_rr_owner(rr.get()));
      w.type = L::TypeToString(L::RrTypeNumber(rr.get()));
      w.ttl = ldns_rr_ttl(rr.get());
      w.rdata = L::RdataToString(rr.get());
      if (w.type == "SOA") ++soas;
      recs.push_back(std::move(w));
      if (soas == 2) break;  // the closing SOA: the transfer is complete
    }
    if (soas < 2) {
      // Nothing (or a partial transfer): find out why from the last packet.
      ldns_pkt* last = ldns_axfr_last_pkt(res->get());
      if (last && ldns_pkt_get_rcode(last) != LDNS_RCODE_NOERROR) {
        ldns_pkt_rcode rc = ldns_pkt_get_rcode(last);
        if (rc == LDNS_RCODE_NOTAUTH || rc == LDNS_RCODE_REFUSED) {
          if (ZoneExists(zone).ok() == false) return Error::NotFound("zone " + zone + " not served by " + config_.server);
        }
        return RcodeError(rc, "AXFR of " + zone);
      }
      ldns_axfr_abort(res->get());
      if (recs.empty()) return Error::NotFound("zone " + zone + " not served by " + config_.server);
      return Error::Unavailable("AXFR of " + zone + " from " + config_.server + " ended early");
    }
    ldns_axfr_abort(res->get());  // closes the connection
    return AssembleZone(zone, recs);
  }

  // One SOA query (RD=0, UDP with TCP fallback); the serial is the third field of the SOA rdata.
  Result<uint32_t> Serial(std::string_view zone_name) override {
    Result<std::string> soa = QuerySoa(std::string(zone_name));
    if (!soa.ok()) return soa.error();
    std::istringstream in(*soa);
    std::string mname, rname;
    uint64_t serial = 0;
    if (!(in >> mname >> rname >> serial) || serial > 0xffffffffULL) {
      return Error::Unavailable("unreadable SOA for " + std::string(zone_name) + " from " + config_.server);
    }
    return static_cast<uint32_t>(serial);
  }

  // One round of concurrent SOA queries through c-ares (bounded per server by the resolver): a poll of 10,000 zones
  // takes one round trip's worth of wall time, not 10,000. Unsigned, as Serial's query is: a serial is public.
  Result<std::map<std::string, Result<uint32_t>>> Serials(const std::vector<std::string>& zones) override {
    dns::Resolver* resolver = Resolver();
    if (!resolver) return Error::Internal("c-ares could not be initialised for " + config_.server);
    std::vector<dns::Probe> probes;
    probes.reserve(zones.size());
    for (const std::string& z : zones) probes.push_back({endpoint_.host, endpoint_.port, z, dns::kTypeSOA, false});
    std::vector<Result<dns::DnsMessage>> answers =
        resolver->QueryAll(probes, std::chrono::steady_clock::now() + config_.timeout);
    std::map<std::string, Result<uint32_t>> out;
    size_t answered = 0;
    for (size_t i = 0; i < zones.size(); ++i) {
      const std::string& z = zones[i];
      if (!answers[i].ok()) {
        out.emplace(z, answers[i].error().Wrap("SOA query for " + z + " at " + config_.server));
        continue;
      }
      ++answered;
      const dns::DnsMessage& m = *answers[i];
      // As QuerySoa: a server that does not serve the zone refuses, says NOTAUTH, or answers without authority.
      if (m.rcode == dns::kRcodeRefused || m.rcode == dns::kRcodeNotAuth || m.rcode == dns::kRcodeNxDomain ||
          !m.aa) {
        out.emplace(z, Error::NotFound("zone " + z + " not served by " + config_.server));
        continue;
      }
      if (m.rcode != dns::kRcodeNoError) {
        out.emplace(z, Error::Unavailable("SOA query for " + z + " at " + config_.server + ": " +
                                          dns::RcodeName(m.rcode)));
        continue;
      }
      std::optional<uint32_t> serial;
      for (const dns::ResourceRecord& rr : m.answer) {
        if (rr.type == dns::kTypeSOA && rr.name == dns::CanonicalName(z)) {
          serial = m.SoaSerial();
          break;
        }
      }
      out.emplace(z, serial ? Result<uint32_t>(*serial)
                            : Result<uint32_t>(Error::NotFound("zone " + z + " not served by " + config_.server +
                                                               " (no SOA at the apex)")));
    }
    if (answered == 0 && !zones.empty()) {
      return Error::Unavailable("no SOA answer from " + config_.server + " for any of " +
                                std::to_string(zones.size()) + " zones");
    }
    return out;
  }

  Result<ObservedZone> CreateZone(std::string_view zone, const Changes&) override {
    Status exists = ZoneExists(std::string(zone));
    if (exists.ok()) return Error::AlreadyExists("zone " + std::string(zone) + " exists at " + config_.server);
    if (exists.error().code != ErrorCode::kNotFound) return exists.error();
    return Error::FailedPrecondition("zone " + std::string(zone) + " does not exist at " + config_.server +
                                     "; RFC 2136 cannot create zones: add it on the server (e.g. rndc addzone)");
  }

  Result<uint32_t> Apply(std::string_view zone_name, const Changes& changes,
                         const ZoneVersion& expected) override {
    if (changes.empty()) return expected.serial;
    const std::string zone(zone_name);
    for (const zone::RRset& r : changes.creates) {
      if (r.values.size() > kMaxValuesPerRRset) return TooBig(r);
    }
    for (const Update& u : changes.updates) {
      if (u.after.values.size() > kMaxValuesPerRRset) return TooBig(u.after);
    }
    if (expected.soa.empty()) return Error::Aborted("no SOA was read for " + zone + "; re-read the zone");
    std::vector<std::vector<UpdateOp>> groups = BuildUpdateOps(changes, zone);
    // Pack whole names into messages under the size limit.
    std::vector<L::RrList> messages;
    size_t size = 0;
    for (const std::vector<UpdateOp>& g : groups) {
      L::RrList rrs(ldns_rr_list_new());
      size_t gsize = 0;
      for (const UpdateOp& op : g) {
        Result<L::Rr> rr = ToRr(op);
        if (!rr.ok()) return rr.error();
        gsize += ldns_rr_uncompressed_size(rr->get());
        ldns_rr_list_push_rr(rrs.get(), rr->release());
      }
      if (messages.empty() || size + gsize > config_.max_message_bytes) {
        messages.emplace_back(ldns_rr_list_new());
        size = 0;
      }
      for (size_t i = 0; i < ldns_rr_list_rr_count(rrs.get()); ++i) {
        ldns_rr_list_push_rr(messages.back().get(), ldns_rr_clone(ldns_rr_list_rr(rrs.get(), i)));
      }
      size += gsize;
    }
    std::string soa = expected.soa;
    for (size_t i = 0; i < messages.size(); ++i) {
      if (i > 0) {
        Result<std::string> next = QuerySoa(zone);
        if (!next.ok()) return next.error().Wrap("reading the SOA between update messages");
        soa = *next;
      }
      Status sent = SendUpdate(zone, soa, messages[i].get());
      std::string what = messages.size() > 1 ? " (message " + std::to_string(i + 1) + " of " +
                                                   std::to_string(messages.size()) + ")"
                                             : "";
      if (!sent.ok()) return sent.error().Wrap("updating " + zone + what);
    }
    spdlog::info("records provider={} zone={} decision=apply changes={} messages={}", config_.name, zone,
                 changes.size(), messages.size());
    return 0u;  // the caller re-reads: servers may accept an update and ignore parts of it
  }

  // One UPDATE adding the SOA with the new serial (RFC 2136 §3.4.2.2: the SOA is replaced when the new serial is
  // greater), under the usual prerequisite that the zone still has the SOA read.
  Result<uint32_t> RaiseSerial(std::string_view zone_name, uint32_t serial,
                               const ZoneVersion& expected) override {
    const std::string zone(zone_name);
    std::optional<std::string> soa = zone::SoaWithSerial(expected.soa, serial);
    if (!soa) return Error::Aborted("no SOA was read for " + zone + "; re-read the zone");
    Result<L::Rr> rr = ToRr(UpdateOp{UpdateOp::Kind::kAdd, zone, "SOA", expected.soa_ttl ? expected.soa_ttl : 3600u, *soa});
    if (!rr.ok()) return rr.error();
    L::RrList list(ldns_rr_list_new());
    ldns_rr_list_push_rr(list.get(), rr->release());
    Status sent = SendUpdate(zone, expected.soa, list.get());
    if (!sent.ok()) return sent.error().Wrap("raising the serial of " + zone + " to " + std::to_string(serial));
    spdlog::info("records provider={} zone={} decision=raise-serial from={} to={}", config_.name, zone,
                 expected.serial, serial);
    return serial;
  }

 private:
  Error TooBig(const zone::RRset& r) const {
    return Error::InvalidArgument(zone::KeyOf(r) + " has " + std::to_string(r.values.size()) +
                                  " records; RFC 2136 servers (BIND) accept at most 100 per RRset");
  }

  Result<L::Resolver> MakeResolver() const {
    L::Resolver res(ldns_resolver_new());
    if (!res) return Error::Internal("ldns_resolver_new failed");
    L::Rdf addr(ldns_rdf_new_frm_str(endpoint_.v6 ? LDNS_RDF_TYPE_AAAA : LDNS_RDF_TYPE_A, endpoint_.host.c_str()));
    if (!addr || ldns_resolver_push_nameserver(res.get(), addr.get()) != LDNS_STATUS_OK) {
      return Error::InvalidArgument("rfc2136.server: bad address");
    }
    ldns_resolver_set_port(res.get(), endpoint_.port);
    ldns_resolver_set_usevc(res.get(), true);  // TCP: updates may be large, and AXFR needs it anyway
    ldns_resolver_set_recursive(res.get(), false);
    ldns_resolver_set_retry(res.get(), 1);
    ldns_resolver_set_retrans(res.get(), 1);
    timeval tv{static_cast<time_t>(config_.timeout.count() / 1000),
               static_cast<suseconds_t>((config_.timeout.count() % 1000) * 1000)};
    ldns_resolver_set_timeout(res.get(), tv);
    if (!config_.tsig_name.empty()) {
      // ldns 1.8 strdup()s these and frees its copies with the resolver.
      ldns_resolver_set_tsig_keyname(res.get(), config_.tsig_name.c_str());
      ldns_resolver_set_tsig_algorithm(res.get(), config_.tsig_algorithm.c_str());
      ldns_resolver_set_tsig_keydata(res.get(), config_.tsig_secret.c_str());
    }
    return res;
  }

  // Sends `query` (TSIG-signed when `sign`) and returns the answer; network trouble is kUnavailable.
  Result<L::Pkt> Exchange(ldns_pkt* query, const std::string& what, bool sign = false) const {
    Result<L::Resolver> res = MakeResolver();
    if (!res.ok()) return res.error();
    if (sign && !config_.tsig_name.empty()) {
      // ldns_send does not sign by itself; with the request signed it verifies the reply's TSIG.
      ldns_status st = ldns_update_pkt_tsig_add(query, res->get());
      if (st != LDNS_STATUS_OK) return Error::Internal(what + ": TSIG signing failed: " + ldns_get_errorstr_by_id(st));
    }
    ldns_pkt* answer = nullptr;
    ldns_status st = ldns_resolver_send_pkt(&answer, res->get(), query);
    L::Pkt out(answer);
    if (st == LDNS_STATUS_CRYPTO_TSIG_BOGUS) {
      return Error::PermissionDenied(what + ": the reply's TSIG did not verify (wrong key?)");
    }
    if (st != LDNS_STATUS_OK || !out) {
      return Error::Unavailable(what + ": " + config_.server + ": " + ldns_get_errorstr_by_id(st));
    }
    return out;
  }

  Result<std::string> QuerySoa(const std::string& zone) const {
    ldns_rdf* zrdf = ldns_dname_new_frm_str(zone.c_str());
    if (!zrdf) return Error::InvalidArgument("\"" + zone + "\" is not a zone name");
    L::Pkt q(ldns_pkt_query_new(zrdf, LDNS_RR_TYPE_SOA, LDNS_RR_CLASS_IN, 0));  // takes zrdf
    ldns_pkt_set_random_id(q.get());
    Result<L::Pkt> a = Exchange(q.get(), "SOA query for " + zone);
    if (!a.ok()) return a.error();
    ldns_pkt_rcode rc = ldns_pkt_get_rcode(a->get());
    if (rc == LDNS_RCODE_REFUSED || rc == LDNS_RCODE_NOTAUTH || rc == LDNS_RCODE_NXDOMAIN ||
        !ldns_pkt_aa(a->get())) {
      return Error::NotFound("zone " + zone + " not served by " + config_.server);
    }
    if (rc != LDNS_RCODE_NOERROR) return RcodeError(rc, "SOA query for " + zone);
    ldns_rr_list* ans = ldns_pkt_answer(a->get());
    for (size_t i = 0; i < ldns_rr_list_rr_count(ans); ++i) {
      ldns_rr* rr = ldns_rr_list_rr(ans, i);
      if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_SOA) continue;
      L::Rr copy(ldns_rr_clone(rr));
      ldns_rr2canonical(copy.get());
      if (L::RdfToString(ldns_rr_owner(copy.get())) != zone) continue;
      return L::RdataToString(copy.get());
    }
    return Error::NotFound("zone " + zone + " not served by " + config_.server + " (no SOA at the apex)");
  }

  Status ZoneExists(const std::string& zone) const {
    Result<std::string> soa = QuerySoa(zone);
    if (!soa.ok()) return soa.error();
    return OkStatus();
  }

  Result<L::Rr> ToRr(const UpdateOp& op) const {
    if (op.kind == UpdateOp::Kind::kDeleteRRset) {
      // RFC 2136 §2.5.2: class ANY, TTL 0, RDLENGTH 0.
      L::Rr rr(ldns_rr_new());
      ldns_rdf* owner = ldns_dname_new_frm_str(op.name.c_str());
      ldns_rr_type t = ldns_get_rr_type_by_name(op.type.c_str());
      if (!owner || t == 0) return Error::InvalidArgument("bad update " + Describe(op));
      ldns_rr_set_owner(rr.get(), owner);
      ldns_rr_set_type(rr.get(), t);
      ldns_rr_set_class(rr.get(), LDNS_RR_CLASS_ANY);
      ldns_rr_set_ttl(rr.get(), 0);
      return rr;
    }
    const std::string line = op.name + " " + std::to_string(op.ttl) + " IN " + op.type + " " + op.rdata;
    ldns_rr* raw = nullptr;
    ldns_status st = ldns_rr_new_frm_str(&raw, line.c_str(), 0, nullptr, nullptr);
    L::Rr rr(raw);
    if (st != LDNS_STATUS_OK || !rr) {
      return Error::InvalidArgument("cannot encode " + Describe(op) + ": " + ldns_get_errorstr_by_id(st));
    }
    if (op.kind == UpdateOp::Kind::kDeleteRR) {
      // RFC 2136 §2.5.4: class NONE, TTL 0, the exact rdata.
      ldns_rr_set_class(rr.get(), LDNS_RR_CLASS_NONE);
      ldns_rr_set_ttl(rr.get(), 0);
    }
    return rr;
  }

  Status SendUpdate(const std::string& zone, const std::string& soa, const ldns_rr_list* updates) const {
    // Prerequisite: "RRset exists (value dependent)" for the SOA read at plan time (RFC 2136 §2.4.2): the update
    // applies only if nobody changed the zone since.
    const std::string pre = zone + " 0 IN SOA " + soa;
    ldns_rr* raw = nullptr;
    if (ldns_rr_new_frm_str(&raw, pre.c_str(), 0, nullptr, nullptr) != LDNS_STATUS_OK || !raw) {
      return Error::Internal("cannot encode the SOA prerequisite for " + zone);
    }
    L::RrList prereq(ldns_rr_list_new());
    ldns_rr_list_push_rr(prereq.get(), raw);
    ldns_rdf* zrdf = ldns_dname_new_frm_str(zone.c_str());
    L::Pkt pkt(ldns_update_pkt_new(zrdf, LDNS_RR_CLASS_IN, prereq.get(), updates, nullptr));  // takes zrdf
    if (!pkt) return Error::Internal("cannot build the UPDATE message for " + zone);
    ldns_pkt_set_rd(pkt.get(), false);
    ldns_pkt_set_random_id(pkt.get());
    Result<L::Pkt> answer = Exchange(pkt.get(), "UPDATE " + zone, /*sign=*/true);
    if (!answer.ok()) return answer.error();
    ldns_pkt_rcode rc = ldns_pkt_get_rcode(answer->get());
    if (rc != LDNS_RCODE_NOERROR) return RcodeError(rc, "UPDATE " + zone);
    return OkStatus();
  }

  // The c-ares resolver of the serial polls, made on the first poll (most providers never see one when no
  // Domain uses them).
  dns::Resolver* Resolver() {
    std::lock_guard<std::mutex> lock(resolver_mu_);
    if (!resolver_) {
      Result<std::unique_ptr<dns::AresResolver>> made = dns::AresResolver::Create();
      if (!made.ok()) {
        spdlog::warn("records provider={} decision=no-serial-poll error=\"{}\"", config_.name,
                     made.error().ToString());
        return nullptr;
      }
      resolver_ = std::move(*made);
    }
    return resolver_.get();
  }

  Config config_;
  Endpoint endpoint_;
  std::mutex resolver_mu_;
  std::unique_ptr<dns::AresResolver> resolver_;  // guarded by resolver_mu_ (creation); thread-safe itself
};

}  // namespace

Result<std::unique_ptr<Provider>> NewRfc2136Provider(Config config) {
  Result<Endpoint> ep = ParseServer(config.server);
  if (!ep.ok()) return ep.error();
  std::string alg = config.tsig_algorithm;
  for (char& c : alg) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!alg.empty() && alg.back() == '.') alg.pop_back();
  if (!config.tsig_name.empty() && alg != "hmac-sha256" && alg != "hmac-sha512" && alg != "hmac-sha1") {
    return Error::InvalidArgument("rfc2136.tsig.algorithm: \"" + config.tsig_algorithm +
                                  "\" is not supported (use hmac-sha256)");
  }
  if (!config.tsig_name.empty() && config.tsig_secret.empty()) {
    return Error::InvalidArgument("rfc2136.tsig: the secret is empty");
  }
  config.tsig_algorithm = alg + ".";  // the algorithm's domain name, as TSIG carries it
  auto p = std::make_unique<Rfc2136Provider>(std::move(config), *ep);
  return std::unique_ptr<Provider>(std::move(p));
}

}  // namespace domainguard::providers::rfc2136
