// Store: the informer's thread-safe cache of one resource, keyed "namespace/name", with indexes.
//
// Objects are kept compactly: each packed (packed_json.h: MessagePack's form with every object key a number in
// the store's KeyTable, about 0.55x its JSON text) plus its resourceVersion and index values, and parsed on demand.
// A parsed nlohmann::json costs roughly 8-10x the JSON text, which for 10,000 custom resources of a few KB each is
// the difference between a few MB and ~100 MB (bench_kube_informer measures it).
//
// Readers that only read share parses: GetShared hands out one parsed object per (key, resourceVersion) to every
// reader within moments — several controllers reconciling one new Domain, and the informer's own parse of the
// watch event that brought it — from a small cache of the last kRecentParsed objects parsed or upserted (least
// recently used out first; each write of a key replaces or forgets its entry, so a stale parse is never handed
// out). Issue #14: each controller parsed a new Domain again from the packed cache (Store's unpack ~7 % of the
// controller's CPU while a batch of Domains is applied).
//
// A relist is bracketed: BeginReplace, ReplaceAdd per object, CommitReplace swaps the whole content at once
// and returns what changed, including deletes for objects that vanished while the watch was down.
//
// Thread-safety: every method may be called from any thread; readers never see a half-applied relist.
#pragma once

#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "controller/kube/object.h"
#include "controller/kube/packed_json.h"

namespace domainguard::kube {

// Index values of one object, e.g. its spec.zone; several or none are fine.
using IndexFunc = std::function<std::vector<std::string>(const json&)>;

// The namespace index every store has.
inline constexpr const char* kNamespaceIndex = "namespace";

struct StoreChange {
  enum class Type { kAdded, kUpdated, kDeleted };
  Type type;
  std::optional<json> old_object;  // kUpdated, kDeleted
  std::optional<json> new_object;  // kAdded, kUpdated
};

class Store;

// What a relist changed, kept compact: the keys, and the replaced objects as packed. ForEach parses one object at
// a time, so a relist of 10,000 objects never holds 10,000 parsed ones (issue #14: that was ~140 MB at the
// controller's start, and glibc kept most of it).
class StoreChanges {
 public:
  size_t size() const { return changes_.size(); }
  // Calls `each` with every change in turn; added and updated objects as the store has them at the call (a key
  // removed meanwhile is skipped). REQUIRES: the store outlives this; `each` may read the store.
  void ForEach(const std::function<void(const StoreChange&)>& each) const;

 private:
  friend class Store;
  struct Change {
    StoreChange::Type type;
    std::string key;
    std::string old_packed;  // kUpdated, kDeleted; PackJson with the store's keys
  };
  const Store* store_ = nullptr;
  std::vector<Change> changes_;
};

class Store {
 public:
  Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // REQUIRES: called before objects are added.
  void AddIndex(std::string name, IndexFunc fn);

  // How many parsed objects GetShared keeps: a Domain of the scale bench (20 records, its status) is ~30 KB parsed,
  // so at most ~1.9 MB (issue #14: RSS at 10,000 Domains within 150 MB); 64 span about a second of a batch's
  // arrivals or first-pass applies, the moments in which the controllers woken by one change read it.
  static constexpr size_t kRecentParsed = 64;

  // Adds or replaces; returns the previous object if there was one.
  std::optional<json> Upsert(const json& obj);
  // Upsert of an object the caller keeps parsed (the informer's watch event), which GetShared then hands out for
  // its version; the previous object is shared too (from the recent parses when they hold its version). nullptr:
  // there was none.
  std::shared_ptr<const json> UpsertShared(std::shared_ptr<const json> obj);
  // Removes by the object's key; returns the removed object if there was one.
  std::optional<json> Remove(const json& obj);

  // Relist bracket (see the file comment). ReplaceAdd outside a bracket starts one.
  void BeginReplace();
  void ReplaceAdd(const json& obj);
  // Swaps the relisted content in and returns the differences to what was cached before: kAdded for new keys,
  // kUpdated for changed resourceVersions, kDeleted for keys not relisted.
  StoreChanges CommitReplace();

  std::optional<json> Get(const std::string& key) const;
  // The object parsed once and shared read-only (see the file comment); nullptr when `key` is not cached. An
  // object without a resourceVersion is parsed on every call (its versions cannot be told apart).
  std::shared_ptr<const json> GetShared(const std::string& key) const;
  // ByIndex through GetShared.
  std::vector<std::shared_ptr<const json>> SharedByIndex(const std::string& index, const std::string& value) const;
  // The cached object's resourceVersion, without parsing it; nullopt when `key` is not cached. The same version is
  // the same object: a caller that remembers what it read at a version need not parse it again.
  std::optional<std::string> ResourceVersionOf(const std::string& key) const;
  std::vector<json> List() const;
  std::vector<std::string> Keys() const;
  // Objects whose index `index` holds `value`. Unknown index: none.
  std::vector<json> ByIndex(const std::string& index, const std::string& value) const;
  std::vector<std::string> KeysByIndex(const std::string& index, const std::string& value) const;
  // Calls `each` with every object whose index `index` holds `value`, parsed one at a time: ByIndex holds them all,
  // for a namespace of 10,000 Domains ~200 MB at once. Objects removed meanwhile are skipped; `each` may read the
  // store.
  void ForEachByIndex(const std::string& index, const std::string& value,
                      const std::function<void(const json&)>& each) const;
  size_t size() const;
  // Bytes held for cached objects (packed bytes, keys, index values), for the memory benchmark and metrics.
  size_t ApproxBytes() const;

 private:
  struct Entry {
    std::string packed;  // PackJson with keys_
    std::string resource_version;
    std::vector<std::vector<std::string>> index_values;  // per index, in indexes_ order
  };
  using Map = std::unordered_map<std::string, Entry>;

  friend class StoreChanges;

  Entry Pack(const json& obj) const;
  json Unpack(const std::string& packed) const;
  json Unpack(const Entry& e) const;
  // The recent parse of `key` at `resource_version`, or nullptr; REQUIRES: recent_mu_ held.
  std::shared_ptr<const json> RecentLocked(const std::string& key, const std::string& resource_version) const;
  // Keeps `obj` as the parse of `key` at `resource_version` (forgets the key's entry when the version is empty);
  // REQUIRES: recent_mu_ held.
  void RememberLocked(const std::string& key, const std::string& resource_version,
                      std::shared_ptr<const json> obj) const;
  void ForgetRecent(const std::string& key) const;  // takes recent_mu_
  // Puts `e` under `key` with its index values; the entry it replaced, if any. REQUIRES: mu_ held exclusively.
  std::optional<Entry> PutLocked(const std::string& key, Entry e);
  // REQUIRES: mu_ held exclusively; `key` is items_'s own (the index keeps a pointer to it).
  void IndexInsert(const std::string& key, const Entry& e);
  void IndexErase(const std::string& key, const Entry& e);     // REQUIRES: mu_ held exclusively

  mutable KeyTable keys_;  // the object keys of every packed entry; learns keys in Pack (its own lock)
  std::vector<std::pair<std::string, IndexFunc>> indexes_;  // fixed before use
  mutable std::shared_mutex mu_;
  Map items_;                                                    // guarded by mu_
  // Per index, value -> the keys holding it. Each key is a pointer to items_'s own (an unordered_map's nodes stay
  // put until erased), ordered by the string: one copy of a key instead of one more per index value (issue #14,
  // memory at 10,000 Domains: ~4 index entries each).
  struct KeyLess {
    bool operator()(const std::string* a, const std::string* b) const { return *a < *b; }
  };
  using KeySet = std::set<const std::string*, KeyLess>;
  std::vector<std::map<std::string, KeySet>> index_maps_;  // guarded by mu_
  struct Recent {
    std::string key;
    std::string resource_version;
    std::shared_ptr<const json> obj;
  };
  // Taken after mu_ when both are held. The parses of recent_ always match items_ at the entry's resourceVersion:
  // every write of a key (under mu_ exclusively) replaces or forgets its entry.
  mutable std::mutex recent_mu_;
  mutable std::list<Recent> recent_;  // guarded by recent_mu_; most recently used first, at most kRecentParsed
  mutable std::unordered_map<std::string, std::list<Recent>::iterator> recent_index_;  // guarded by recent_mu_
  std::mutex replace_mu_;
  std::optional<Map> replacing_;  // guarded by replace_mu_
};

}  // namespace domainguard::kube
