#include "controller/providers/fake_provider.h"

namespace domainguard::providers {

std::string FakeProvider::Soa(const Zone& z) const {
  return "ns.fake. hostmaster.fake. " + std::to_string(z.serial) + " 3600 600 86400 300";
}

Result<ObservedZone> FakeProvider::ReadZone(std::string_view zone) {
  std::lock_guard<std::mutex> lock(mu_);
  ++read_calls_;
  return ReadLocked(zone);
}

Result<ObservedZone> FakeProvider::ReadLocked(std::string_view zone) const {
  if (down_) return Error::Unavailable(name_ + ": connection refused");
  auto it = zones_.find(zone);
  if (it == zones_.end()) return Error::NotFound("zone " + std::string(zone) + " not found");
  ObservedZone out;
  out.zone = std::string(zone);
  out.version = {it->second.serial, Soa(it->second)};
  for (const auto& [key, r] : it->second.rrsets) out.rrsets.push_back(r);
  return out;
}

Result<uint32_t> FakeProvider::Serial(std::string_view zone) {
  std::lock_guard<std::mutex> lock(mu_);
  if (down_) return Error::Unavailable(name_ + ": connection refused");
  auto it = zones_.find(zone);
  if (it == zones_.end()) return Error::NotFound("zone " + std::string(zone) + " not found");
  return it->second.serial;
}

Result<std::map<std::string, Result<uint32_t>>> FakeProvider::Serials(const std::vector<std::string>& zones) {
  std::lock_guard<std::mutex> lock(mu_);
  ++serials_calls_;
  if (down_) return Error::Unavailable(name_ + ": connection refused");
  std::map<std::string, Result<uint32_t>> out;
  for (const std::string& z : zones) {
    auto it = zones_.find(z);
    out.emplace(z, it == zones_.end() ? Result<uint32_t>(Error::NotFound("zone " + z + " not found"))
                                      : Result<uint32_t>(it->second.serial));
  }
  return out;
}

bool FakeProvider::CreatesZones() const {
  std::lock_guard<std::mutex> lock(mu_);
  return creates_zones_;
}

Result<ObservedZone> FakeProvider::CreateZone(std::string_view zone, const Changes& changes) {
  std::lock_guard<std::mutex> lock(mu_);
  ++create_calls_;
  if (down_) return Error::Unavailable(name_ + ": connection refused");
  if (fail_next_create_) {
    Error e = *fail_next_create_;
    fail_next_create_.reset();
    return e;
  }
  if (appears_) {
    zones_[std::string(zone)].rrsets[{appears_->name, appears_->type}] = {*appears_, ""};
    appears_.reset();
  }
  if (zones_.count(zone)) return Error::AlreadyExists("zone " + std::string(zone) + " exists");
  if (!creates_zones_) {
    return Error::FailedPrecondition("zone " + std::string(zone) + " does not exist and " + name_ +
                                     " cannot create zones");
  }
  Zone& z = zones_[std::string(zone)];
  ++apply_calls_;
  if (!ignore_) {
    for (const zone::RRset& c : changes.creates) z.rrsets[{c.name, c.type}] = {c, changes.owner};
  }
  return ReadLocked(zone);  // the zone as created, in the same call (as PowerDNS answers a POST)
}

Result<uint32_t> FakeProvider::Apply(std::string_view zone, const Changes& changes,
                                     const ZoneVersion& expected) {
  std::lock_guard<std::mutex> lock(mu_);
  if (down_) return Error::Unavailable(name_ + ": connection refused");
  if (changes.empty()) {
    auto it = zones_.find(zone);
    return it == zones_.end() ? 0u : it->second.serial;
  }
  if (fail_next_) {
    Error e = *fail_next_;
    fail_next_.reset();
    return e;
  }
  auto it = zones_.find(zone);
  if (it == zones_.end()) return Error::NotFound("zone " + std::string(zone) + " not found");
  Zone& z = it->second;
  if (concurrent_) {
    concurrent_ = false;
    ++z.serial;
  }
  if (expected.serial != z.serial) {
    return Error::Aborted("zone " + std::string(zone) + " changed since it was read (serial " +
                          std::to_string(expected.serial) + " -> " + std::to_string(z.serial) + ")");
  }
  ++apply_calls_;
  if (ignore_) return z.serial;
  for (const ObservedRRset& d : changes.deletes) z.rrsets.erase({d.rrset.name, d.rrset.type});
  for (const Update& u : changes.updates) z.rrsets[{u.after.name, u.after.type}] = {u.after, changes.owner};
  for (const zone::RRset& c : changes.creates) z.rrsets[{c.name, c.type}] = {c, changes.owner};
  return ++z.serial;
}

void FakeProvider::SetDown(bool down) {
  std::lock_guard<std::mutex> lock(mu_);
  down_ = down;
}
void FakeProvider::SetIgnoreUpdates(bool ignore) {
  std::lock_guard<std::mutex> lock(mu_);
  ignore_ = ignore;
}
void FakeProvider::FailNextApply(Error error) {
  std::lock_guard<std::mutex> lock(mu_);
  fail_next_ = std::move(error);
}
void FakeProvider::ConcurrentChangeBeforeNextApply() {
  std::lock_guard<std::mutex> lock(mu_);
  concurrent_ = true;
}
void FakeProvider::FailNextCreate(Error error) {
  std::lock_guard<std::mutex> lock(mu_);
  fail_next_create_ = std::move(error);
}
void FakeProvider::SetCreatesZones(bool creates) {
  std::lock_guard<std::mutex> lock(mu_);
  creates_zones_ = creates;
}
void FakeProvider::ZoneAppearsBeforeNextCreate(const zone::RRset& foreign) {
  std::lock_guard<std::mutex> lock(mu_);
  appears_ = foreign;
}
void FakeProvider::Put(std::string_view zone, const zone::RRset& r, const std::string& owner) {
  std::lock_guard<std::mutex> lock(mu_);
  Zone& z = zones_[std::string(zone)];
  z.rrsets[{r.name, r.type}] = {r, owner};
  ++z.serial;
}
void FakeProvider::Remove(std::string_view zone, std::string_view name, std::string_view type) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = zones_.find(zone);
  if (it == zones_.end()) return;
  it->second.rrsets.erase({std::string(name), std::string(type)});
  ++it->second.serial;
}
std::vector<ObservedRRset> FakeProvider::Rrsets(std::string_view zone) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<ObservedRRset> out;
  auto it = zones_.find(zone);
  if (it == zones_.end()) return out;
  for (const auto& [key, r] : it->second.rrsets) out.push_back(r);
  return out;
}
bool FakeProvider::HasZone(std::string_view zone) const {
  std::lock_guard<std::mutex> lock(mu_);
  return zones_.count(zone) > 0;
}
int FakeProvider::apply_calls() const {
  std::lock_guard<std::mutex> lock(mu_);
  return apply_calls_;
}

int FakeProvider::read_calls() const {
  std::lock_guard<std::mutex> lock(mu_);
  return read_calls_;
}

int FakeProvider::create_calls() const {
  std::lock_guard<std::mutex> lock(mu_);
  return create_calls_;
}

Result<uint32_t> FakeProvider::RaiseSerial(std::string_view zone, uint32_t serial,
                                           const ZoneVersion& expected) {
  std::lock_guard<std::mutex> lock(mu_);
  if (down_) return Error::Unavailable(name_ + ": connection refused");
  auto it = zones_.find(zone);
  if (it == zones_.end()) return Error::NotFound("zone " + std::string(zone) + " not found");
  if (it->second.serial != expected.serial) return Error::Aborted("zone " + std::string(zone) + " changed");
  it->second.serial = serial;
  ++raise_calls_;
  return serial;
}

void FakeProvider::SetSerial(std::string_view zone, uint32_t serial) {
  std::lock_guard<std::mutex> lock(mu_);
  zones_[std::string(zone)].serial = serial;
}

int FakeProvider::raise_calls() const {
  std::lock_guard<std::mutex> lock(mu_);
  return raise_calls_;
}

int FakeProvider::serials_calls() const {
  std::lock_guard<std::mutex> lock(mu_);
  return serials_calls_;
}

}  // namespace domainguard::providers
