#include "controller/registration/record_cache.h"

namespace domainguard::registration {
namespace {

size_t StringHeap(const std::string& s) {
  // Short strings live inside the object (SSO, 15 chars in libstdc++).
  return s.size() > 15 ? s.capacity() + 1 : 0;
}

}  // namespace

size_t RecordCache::SizeOf(const std::string& domain, const RegistrationRecord& r) {
  // list node + map node (key string, iterator, bucket pointer) + the record itself.
  size_t n = sizeof(Entry) + 2 * sizeof(void*) + sizeof(std::string) + sizeof(void*) * 3 + 2 * StringHeap(domain);
  n += StringHeap(r.domain) + StringHeap(r.registrar) + StringHeap(r.registrar_iana_id) + StringHeap(r.server);
  n += r.statuses.capacity() * sizeof(std::string) + r.nameservers.capacity() * sizeof(std::string);
  for (const auto& s : r.statuses) n += StringHeap(s);
  for (const auto& s : r.nameservers) n += StringHeap(s);
  return n;
}

void RecordCache::Put(const std::string& domain, RegistrationRecord record) {
  record.statuses.shrink_to_fit();
  record.nameservers.shrink_to_fit();
  size_t size = SizeOf(domain, record);
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = index_.find(domain); it != index_.end()) {
    bytes_ -= it->second->bytes;
    lru_.erase(it->second);
    index_.erase(it);
  }
  lru_.push_front(Entry{domain, std::move(record), size});
  index_[domain] = lru_.begin();
  bytes_ += size;
  while (bytes_ > max_bytes_ && lru_.size() > 1) {
    Entry& victim = lru_.back();
    bytes_ -= victim.bytes;
    index_.erase(victim.domain);
    lru_.pop_back();
  }
}

std::optional<RegistrationRecord> RecordCache::Get(const std::string& domain) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = index_.find(domain);
  if (it == index_.end()) return std::nullopt;
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->record;
}

size_t RecordCache::bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return bytes_;
}

size_t RecordCache::entries() const {
  std::lock_guard<std::mutex> lock(mu_);
  return lru_.size();
}

}  // namespace domainguard::registration
