#include "controller/records/zone_ledger.h"

#include <algorithm>
#include <set>

namespace domainguard::records {

ZoneLedger::ZoneLedger(const Clock& clock, std::chrono::seconds recent) : clock_(clock), recent_(recent) {}

void ZoneLedger::Record(const std::string& key, const std::string& provider, std::optional<uint32_t> serial,
                        std::vector<std::string> pending) {
  std::sort(pending.begin(), pending.end());
  const MonotonicTime now = clock_.Monotonic();
  std::lock_guard<std::mutex> lock(mu_);
  Provider& p = zones_[key][provider];
  if (serial && p.serial && *p.serial != *serial) {
    std::erase_if(p.previous, [&](const Seen& s) { return s.serial == *p.serial || s.serial == *serial; });
    p.previous.push_back({*p.serial, now + recent_});
  }
  if (serial) p.serial = serial;
  std::erase_if(p.previous, [&](const Seen& s) { return s.until <= now; });
  p.pending = std::move(pending);
}

void ZoneLedger::Retain(const std::string& key, const std::vector<std::string>& providers) {
  const std::set<std::string> keep(providers.begin(), providers.end());
  std::lock_guard<std::mutex> lock(mu_);
  auto it = zones_.find(key);
  if (it == zones_.end()) return;
  std::erase_if(it->second, [&](const auto& kv) { return keep.count(kv.first) == 0; });
}

void ZoneLedger::Forget(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  zones_.erase(key);
}

std::vector<ProviderZoneFacts> ZoneLedger::Facts(const std::string& key) const {
  const MonotonicTime now = clock_.Monotonic();
  std::vector<ProviderZoneFacts> out;
  std::lock_guard<std::mutex> lock(mu_);
  auto it = zones_.find(key);
  if (it == zones_.end()) return out;
  for (const auto& [name, p] : it->second) {
    ProviderZoneFacts f{name, p.serial, {}, p.pending};
    for (const Seen& s : p.previous) {
      if (s.until > now) f.recent_serials.push_back(s.serial);
    }
    out.push_back(std::move(f));
  }
  return out;
}

void ZoneLedger::SetRepairHandler(RepairHandler handler) {
  std::lock_guard<std::mutex> lock(mu_);
  repair_ = std::move(handler);
}

bool ZoneLedger::RequestRepair(const std::string& key, const std::string& why) {
  RepairHandler h;
  {
    std::lock_guard<std::mutex> lock(mu_);
    h = repair_;
  }
  if (!h) return false;
  h(key, why);
  return true;
}

}  // namespace domainguard::records
