#include "controller/providers/powerdns/powerdns_provider.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "controller/providers/powerdns/powerdns_json.h"
#include "controller/zone/rrset.h"

namespace domainguard::providers::powerdns {
namespace {

class PowerDnsProvider final : public Provider {
 public:
  PowerDnsProvider(Config config, http::Transport* transport, const Clock* clock, Sleeper sleeper)
      : config_(std::move(config)),
        transport_(transport),
        sleeper_(sleeper),
        bucket_(config_.qps, config_.burst, clock, std::move(sleeper)) {
    while (!config_.url.empty() && config_.url.back() == '/') config_.url.pop_back();
  }

  std::string Name() const override { return config_.name; }
  bool CreatesZones() const override { return true; }  // POST .../zones with every rrset; 409 when it exists

  Result<ObservedZone> ReadZone(std::string_view zone) override {
    Result<http::HttpResponse> r = Call("GET", ZonesUrl() + "/" + std::string(zone), "");
    if (!r.ok()) return r.error().Wrap("reading zone " + std::string(zone));
    // 4.7 answers an unknown zone with 404 text, older versions with 422 "Could not find domain".
    if (r->status == 422 && r->body.find("Could not find domain") != std::string::npos) {
      return Error::NotFound("zone " + std::string(zone) + " not found at PowerDNS");
    }
    if (r->status != 200) return Fail(*r).Wrap("reading zone " + std::string(zone));
    return ParseZone(r->body, zone);
  }

  Result<ObservedZone> CreateZone(std::string_view zone, const Changes& changes) override {
    const std::string name(zone);
    // The whole zone in the POST when it fits (one write: what a new Domain costs); else the POST creates the
    // empty zone and PATCHes of whole names follow, then a read.
    std::string body = BuildCreateZoneBody(zone, config_.kind, changes);
    const bool whole = body.size() <= config_.max_body_bytes;
    if (!whole) {
      Changes empty;
      empty.owner = changes.owner;
      body = BuildCreateZoneBody(zone, config_.kind, empty);
    }
    Result<http::HttpResponse> r = Call("POST", ZonesUrl(), body);
    if (!r.ok()) return r.error().Wrap("creating zone " + name);
    if (r->status != 201) return Fail(*r).Wrap("creating zone " + name);  // 409: kAlreadyExists, read it again
    spdlog::info("records provider={} zone={} decision=create-zone kind={} rrsets={} in_one_request={}",
                 config_.name, zone, config_.kind, changes.creates.size(), whole);
    if (whole) {
      Result<ObservedZone> created = ParseZone(r->body, zone);  // 4.7 answers the zone as created
      if (created.ok()) return created;
      return ReadZone(zone);
    }
    if (Status patched = Patch(name, changes); !patched.ok()) return patched.error();
    return ReadZone(zone);
  }

  // One PATCH (or several of whole names for a huge change set). PowerDNS has no conditional PATCH; the caller
  // read the zone one round trip ago and re-reads it after, so a concurrent edit is seen by the next plan. A serial
  // check before the PATCH would shrink that window by one round trip at the cost of a request per edit.
  Result<uint32_t> Apply(std::string_view zone, const Changes& changes,
                         const ZoneVersion& expected) override {
    if (changes.empty()) return expected.serial;  // a no-op PATCH would still bump the serial
    if (Status patched = Patch(std::string(zone), changes); !patched.ok()) return patched.error();
    return 0u;  // the serial PowerDNS chose is read back by the caller's re-read
  }

  // One PATCH of the SOA rrset alone. With the zone's SOA-EDIT-API (DEFAULT for zones made through the API)
  // PowerDNS edits the serial once more on the way in, so the zone ends at `serial` or just past it.
  Result<uint32_t> RaiseSerial(std::string_view zone, uint32_t serial, const ZoneVersion& expected) override {
    std::optional<std::string> soa = zone::SoaWithSerial(expected.soa, serial);
    if (!soa) return Error::Aborted("no SOA was read for " + std::string(zone) + "; re-read the zone");
    Result<uint32_t> now = Serial(zone);
    if (!now.ok()) return now.error();
    if (*now != expected.serial) {
      return Error::Aborted("zone " + std::string(zone) + " changed since it was read (serial " +
                            std::to_string(expected.serial) + " -> " + std::to_string(*now) + ")");
    }
    const nlohmann::json body = {
        {"rrsets", nlohmann::json::array({{{"name", std::string(zone)},
                                           {"type", "SOA"},
                                           {"ttl", expected.soa_ttl ? expected.soa_ttl : 3600u},
                                           {"changetype", "REPLACE"},
                                           {"records", nlohmann::json::array({{{"content", *soa},
                                                                               {"disabled", false}}})}}})}};
    Result<http::HttpResponse> r = Call("PATCH", ZonesUrl() + "/" + std::string(zone), body.dump());
    const std::string what = "raising the serial of " + std::string(zone) + " to " + std::to_string(serial);
    if (!r.ok()) return r.error().Wrap(what);
    if (r->status != 204 && r->status != 200) return Fail(*r).Wrap(what);
    spdlog::info("records provider={} zone={} decision=raise-serial from={} to={}", config_.name, zone,
                 expected.serial, serial);
    return 0u;
  }

  // One GET of the whole zone list, whatever the number of zones: PowerDNS lists each zone's serial without its
  // records (dnssec=false: no key lookups per zone).
  Result<std::map<std::string, Result<uint32_t>>> Serials(const std::vector<std::string>& zones) override {
    Result<http::HttpResponse> r = Call("GET", ZonesUrl() + "?dnssec=false", "");
    if (!r.ok()) return r.error().Wrap("listing zones");
    if (r->status != 200) return Fail(*r).Wrap("listing zones");
    Result<std::map<std::string, uint32_t>> listed = ParseZoneListSerials(r->body);
    if (!listed.ok()) return listed.error();
    std::map<std::string, Result<uint32_t>> out;
    for (const std::string& z : zones) {
      auto it = listed->find(z);
      out.emplace(z, it == listed->end() ? Result<uint32_t>(Error::NotFound("zone " + z + " not found at PowerDNS"))
                                         : Result<uint32_t>(it->second));
    }
    return out;
  }

  // One GET of the zone list entry: PowerDNS lists the serial without the records.
  Result<uint32_t> Serial(std::string_view zone) override {
    Result<http::HttpResponse> r = Call("GET", ZonesUrl() + "?zone=" + std::string(zone), "");
    if (!r.ok()) return r.error().Wrap("listing zone " + std::string(zone));
    if (r->status != 200) return Fail(*r).Wrap("listing zone " + std::string(zone));
    return ParseZoneListSerial(r->body, zone);
  }

 private:
  // The PATCHes of `changes`: one, or several of whole names when one would pass max_body_bytes.
  Status Patch(const std::string& zone, const Changes& changes) {
    std::vector<std::string> bodies = BuildPatchBodies(changes, config_.max_body_bytes);
    for (size_t i = 0; i < bodies.size(); ++i) {
      Result<http::HttpResponse> r = Call("PATCH", ZonesUrl() + "/" + zone, bodies[i]);
      std::string what = "applying changes to " + zone;
      if (bodies.size() > 1) what += " (part " + std::to_string(i + 1) + " of " + std::to_string(bodies.size()) + ")";
      if (!r.ok()) return r.error().Wrap(what);
      if (r->status != 204 && r->status != 200) return Fail(*r).Wrap(what);
    }
    spdlog::info("records provider={} zone={} decision=apply changes={} patches={}", config_.name, zone,
                 changes.size(), bodies.size());
    return OkStatus();
  }

  std::string ZonesUrl() const { return config_.url + "/api/v1/servers/" + config_.server_id + "/zones"; }

  // One request, retried on 429/5xx answers (PowerDNS with SQLite answers 500 "database is locked" under load;
  // every call here is idempotent: GETs, REPLACE/DELETE PATCHes, and a POST whose retry gets 409). Connection
  // failures are not retried: a stopped server stays stopped for this pass.
  Result<http::HttpResponse> Call(const std::string& method, std::string url, std::string body) {
    constexpr int kAttempts = 3;
    for (int attempt = 1;; ++attempt) {
      Result<http::HttpResponse> r = CallOnce(method, url, body);
      if (!r.ok() || (r->status != 429 && r->status < 500) || attempt == kAttempts) return r;
      std::chrono::milliseconds wait(250 * attempt);
      if (std::optional<std::string> ra = r->Header("Retry-After"); ra && !ra->empty() && ra->size() < 3 &&
                                                                    std::all_of(ra->begin(), ra->end(), ::isdigit)) {
        wait = std::min<std::chrono::milliseconds>(std::chrono::seconds(std::stoi(*ra)), std::chrono::seconds(5));
      }
      spdlog::warn("records provider={} decision=retry method={} status={} attempt={}", config_.name, method,
                   r->status, attempt);
      sleeper_(wait);
    }
  }

  Result<http::HttpResponse> CallOnce(const std::string& method, const std::string& url, const std::string& body) {
    bucket_.Acquire();
    http::HttpRequest req;
    req.method = method;
    req.url = url;
    req.headers = {{"X-API-Key", config_.api_key}, {"Accept", "application/json"}};
    if (!body.empty()) req.headers.push_back({"Content-Type", "application/json"});
    req.body = body;
    req.timeout = config_.timeout;
    Result<http::HttpResponse> r = transport_->Send(req);
    if (!r.ok()) return r.error().Wrap("PowerDNS " + config_.name);
    return r;
  }

  static Error Fail(const http::HttpResponse& r) {
    return ErrorFromResponse(r.status, r.body, r.Header("Retry-After").value_or(""));
  }

  Config config_;
  http::Transport* transport_;
  Sleeper sleeper_;
  TokenBucket bucket_;
};

}  // namespace

std::unique_ptr<Provider> NewPowerDnsProvider(Config config, http::Transport* transport, const Clock* clock,
                                              Sleeper sleeper) {
  return std::make_unique<PowerDnsProvider>(std::move(config), transport, clock, std::move(sleeper));
}

}  // namespace domainguard::providers::powerdns
