// The informer cache (store.h).
#include "controller/kube/store.h"

#include <utility>

namespace domainguard::kube {

Store::Store() {
  AddIndex(kNamespaceIndex, [](const json& o) {
    std::string ns = Namespace(o);
    return ns.empty() ? std::vector<std::string>{} : std::vector<std::string>{ns};
  });
}

void Store::AddIndex(std::string name, IndexFunc fn) {
  std::unique_lock lock(mu_);
  indexes_.emplace_back(std::move(name), std::move(fn));
  index_maps_.emplace_back();
  // Index what is already there, so late registration still works.
  for (auto& [key, e] : items_) {
    json obj = Unpack(e);
    e.index_values.push_back(indexes_.back().second(obj));
    for (const auto& v : e.index_values.back()) index_maps_.back()[v].insert(&key);
  }
}

Store::Entry Store::Pack(const json& obj) const {
  Entry e;
  e.packed = PackJson(obj, keys_);
  e.resource_version = ResourceVersion(obj);
  e.index_values.reserve(indexes_.size());
  for (const auto& [name, fn] : indexes_) e.index_values.push_back(fn(obj));
  return e;
}

json Store::Unpack(const Entry& e) const { return Unpack(e.packed); }

json Store::Unpack(const std::string& packed) const { return UnpackJson(packed, keys_); }

void Store::IndexInsert(const std::string& key, const Entry& e) {
  for (size_t i = 0; i < e.index_values.size() && i < index_maps_.size(); ++i) {
    for (const auto& v : e.index_values[i]) index_maps_[i][v].insert(&key);
  }
}

void Store::IndexErase(const std::string& key, const Entry& e) {
  for (size_t i = 0; i < e.index_values.size() && i < index_maps_.size(); ++i) {
    for (const auto& v : e.index_values[i]) {
      auto it = index_maps_[i].find(v);
      if (it == index_maps_[i].end()) continue;
      it->second.erase(&key);  // found by the string: any copy of the key will do
      if (it->second.empty()) index_maps_[i].erase(it);
    }
  }
}

std::shared_ptr<const json> Store::RecentLocked(const std::string& key, const std::string& resource_version) const {
  auto it = recent_index_.find(key);
  if (it == recent_index_.end() || resource_version.empty() || it->second->resource_version != resource_version) {
    return nullptr;
  }
  recent_.splice(recent_.begin(), recent_, it->second);
  return it->second->obj;
}

void Store::RememberLocked(const std::string& key, const std::string& resource_version,
                           std::shared_ptr<const json> obj) const {
  auto it = recent_index_.find(key);
  if (resource_version.empty()) {
    if (it != recent_index_.end()) {
      recent_.erase(it->second);
      recent_index_.erase(it);
    }
    return;
  }
  if (it != recent_index_.end()) {
    it->second->resource_version = resource_version;
    it->second->obj = std::move(obj);
    recent_.splice(recent_.begin(), recent_, it->second);
    return;
  }
  recent_.push_front(Recent{key, resource_version, std::move(obj)});
  recent_index_.emplace(key, recent_.begin());
  if (recent_.size() > kRecentParsed) {
    recent_index_.erase(recent_.back().key);
    recent_.pop_back();
  }
}

void Store::ForgetRecent(const std::string& key) const {
  std::lock_guard<std::mutex> lock(recent_mu_);
  auto it = recent_index_.find(key);
  if (it == recent_index_.end()) return;
  recent_.erase(it->second);
  recent_index_.erase(it);
}

std::optional<Store::Entry> Store::PutLocked(const std::string& key, Entry e) {
  auto it = items_.find(key);
  if (it == items_.end()) {
    it = items_.emplace(key, std::move(e)).first;
    IndexInsert(it->first, it->second);
    return std::nullopt;
  }
  IndexErase(key, it->second);
  Entry replaced = std::exchange(it->second, std::move(e));
  IndexInsert(it->first, it->second);
  return replaced;
}

std::shared_ptr<const json> Store::UpsertShared(std::shared_ptr<const json> obj) {
  const std::string key = ObjectKey(*obj);
  Entry e = Pack(*obj);
  const std::string version = e.resource_version;
  std::unique_lock lock(mu_);
  const std::optional<Entry> replaced = PutLocked(key, std::move(e));
  std::shared_ptr<const json> old;
  if (replaced) {
    {
      std::lock_guard<std::mutex> recent(recent_mu_);
      old = RecentLocked(key, replaced->resource_version);
    }
    if (!old) old = std::make_shared<const json>(Unpack(*replaced));
  }
  std::lock_guard<std::mutex> recent(recent_mu_);
  RememberLocked(key, version, std::move(obj));
  return old;
}

std::optional<json> Store::Upsert(const json& obj) {
  const std::string key = ObjectKey(obj);
  Entry e = Pack(obj);
  std::unique_lock lock(mu_);
  ForgetRecent(key);
  const std::optional<Entry> replaced = PutLocked(key, std::move(e));
  if (!replaced) return std::nullopt;
  return Unpack(*replaced);
}

std::optional<json> Store::Remove(const json& obj) {
  const std::string key = ObjectKey(obj);
  std::unique_lock lock(mu_);
  auto it = items_.find(key);
  if (it == items_.end()) return std::nullopt;
  ForgetRecent(key);
  json old = Unpack(it->second);
  IndexErase(key, it->second);
  items_.erase(it);
  return old;
}

void Store::BeginReplace() {
  std::lock_guard<std::mutex> lock(replace_mu_);
  replacing_.emplace();
}

void Store::ReplaceAdd(const json& obj) {
  Entry e = Pack(obj);
  std::lock_guard<std::mutex> lock(replace_mu_);
  if (!replacing_) replacing_.emplace();
  (*replacing_)[ObjectKey(obj)] = std::move(e);
}

StoreChanges Store::CommitReplace() {
  Map fresh;
  {
    std::lock_guard<std::mutex> lock(replace_mu_);
    if (replacing_) fresh = std::move(*replacing_);
    replacing_.reset();
  }
  StoreChanges changes;
  changes.store_ = this;
  std::unique_lock lock(mu_);
  for (auto& [key, e] : items_) {
    auto it = fresh.find(key);
    if (it == fresh.end()) {
      changes.changes_.push_back({StoreChange::Type::kDeleted, key, std::move(e.packed)});
    } else if (it->second.resource_version != e.resource_version) {
      changes.changes_.push_back({StoreChange::Type::kUpdated, key, std::move(e.packed)});
    }
  }
  for (const auto& [key, e] : fresh) {
    if (!items_.count(key)) changes.changes_.push_back({StoreChange::Type::kAdded, key, {}});
  }
  for (auto& m : index_maps_) m.clear();  // first: they point at items_'s keys
  items_ = std::move(fresh);
  {
    std::lock_guard<std::mutex> recent(recent_mu_);
    recent_.clear();
    recent_index_.clear();
  }
  for (const auto& [key, e] : items_) IndexInsert(key, e);
  return changes;
}

void StoreChanges::ForEach(const std::function<void(const StoreChange&)>& each) const {
  for (const Change& c : changes_) {
    StoreChange change{c.type, std::nullopt, std::nullopt};
    if (c.type != StoreChange::Type::kAdded) change.old_object = store_->Unpack(c.old_packed);
    if (c.type != StoreChange::Type::kDeleted) {
      std::shared_lock lock(store_->mu_);
      auto it = store_->items_.find(c.key);
      if (it == store_->items_.end()) continue;
      change.new_object = store_->Unpack(it->second);
    }
    each(change);
  }
}

std::optional<json> Store::Get(const std::string& key) const {
  std::shared_lock lock(mu_);
  auto it = items_.find(key);
  if (it == items_.end()) return std::nullopt;
  return Unpack(it->second);
}

std::shared_ptr<const json> Store::GetShared(const std::string& key) const {
  std::shared_lock lock(mu_);  // held throughout: no write of `key` between its parse and remembering it
  auto it = items_.find(key);
  if (it == items_.end()) return nullptr;
  {
    std::lock_guard<std::mutex> recent(recent_mu_);
    if (std::shared_ptr<const json> hit = RecentLocked(key, it->second.resource_version)) return hit;
  }
  // Parsed outside recent_mu_: readers of other keys do not wait for it.
  auto obj = std::make_shared<const json>(Unpack(it->second));
  std::lock_guard<std::mutex> recent(recent_mu_);
  RememberLocked(key, it->second.resource_version, obj);
  return obj;
}

std::vector<std::shared_ptr<const json>> Store::SharedByIndex(const std::string& index,
                                                               const std::string& value) const {
  std::vector<std::shared_ptr<const json>> out;
  for (const std::string& key : KeysByIndex(index, value)) {
    if (std::shared_ptr<const json> obj = GetShared(key)) out.push_back(std::move(obj));
  }
  return out;
}

std::optional<std::string> Store::ResourceVersionOf(const std::string& key) const {
  std::shared_lock lock(mu_);
  auto it = items_.find(key);
  if (it == items_.end()) return std::nullopt;
  return it->second.resource_version;
}

std::vector<json> Store::List() const {
  std::shared_lock lock(mu_);
  std::vector<json> out;
  out.reserve(items_.size());
  for (const auto& [key, e] : items_) out.push_back(Unpack(e));
  return out;
}

std::vector<std::string> Store::Keys() const {
  std::shared_lock lock(mu_);
  std::vector<std::string> out;
  out.reserve(items_.size());
  for (const auto& [key, e] : items_) out.push_back(key);
  return out;
}

std::vector<std::string> Store::KeysByIndex(const std::string& index, const std::string& value) const {
  std::shared_lock lock(mu_);
  for (size_t i = 0; i < indexes_.size(); ++i) {
    if (indexes_[i].first != index) continue;
    auto it = index_maps_[i].find(value);
    if (it == index_maps_[i].end()) return {};
    std::vector<std::string> out;
    out.reserve(it->second.size());
    for (const std::string* key : it->second) out.push_back(*key);
    return out;
  }
  return {};
}

void Store::ForEachByIndex(const std::string& index, const std::string& value,
                           const std::function<void(const json&)>& each) const {
  for (const std::string& key : KeysByIndex(index, value)) {
    if (std::optional<json> obj = Get(key)) each(*obj);
  }
}

std::vector<json> Store::ByIndex(const std::string& index, const std::string& value) const {
  std::shared_lock lock(mu_);
  std::vector<json> out;
  for (size_t i = 0; i < indexes_.size(); ++i) {
    if (indexes_[i].first != index) continue;
    auto it = index_maps_[i].find(value);
    if (it == index_maps_[i].end()) return out;
    for (const std::string* key : it->second) {
      auto e = items_.find(*key);
      if (e != items_.end()) out.push_back(Unpack(e->second));
    }
  }
  return out;
}

size_t Store::size() const {
  std::shared_lock lock(mu_);
  return items_.size();
}

size_t Store::ApproxBytes() const {
  std::shared_lock lock(mu_);
  size_t n = 0;
  for (const auto& [key, e] : items_) {
    n += key.capacity() + e.packed.capacity() + e.resource_version.capacity() + sizeof(Entry) + 32;  // node overhead
    for (const auto& vs : e.index_values) {
      for (const auto& v : vs) n += v.capacity() + sizeof(std::string);
    }
  }
  return n;
}

}  // namespace domainguard::kube
