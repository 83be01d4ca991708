// RecordCache: the last good RegistrationRecord per domain, bounded in bytes (LRU). It is both the answer
// cache (no second lookup while a record is fresh) and the "last known good" store a failed lookup falls back
// to. Default bound 16 MiB: 10,000 domains take ~5 MiB (measured by bench_registration).
//
// Thread-safety: all methods may be called from several threads.
#pragma once

#include <cstddef>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "controller/registration/record.h"

namespace domainguard::registration {

class RecordCache {
 public:
  explicit RecordCache(size_t max_bytes = 16u << 20) : max_bytes_(max_bytes) {}
  RecordCache(const RecordCache&) = delete;
  RecordCache& operator=(const RecordCache&) = delete;

  // Stores (or replaces) the record of `domain`, evicting the least recently used ones past the bound.
  void Put(const std::string& domain, RegistrationRecord record);
  // The stored record of `domain`, marking it recently used; nullopt when absent.
  std::optional<RegistrationRecord> Get(const std::string& domain);

  size_t bytes() const;    // the accounted size of everything stored (heap included, estimated)
  size_t entries() const;

  // The accounted size of one record: the struct plus its heap strings and vectors.
  static size_t SizeOf(const std::string& domain, const RegistrationRecord& r);

 private:
  struct Entry {
    std::string domain;
    RegistrationRecord record;
    size_t bytes;
  };
  const size_t max_bytes_;
  mutable std::mutex mu_;
  std::list<Entry> lru_;                                                 // guarded by mu_; front = most recent
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;   // guarded by mu_
  size_t bytes_ = 0;                                                     // guarded by mu_
};

}  // namespace domainguard::registration
