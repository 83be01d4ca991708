// PackedJson: a JSON value as compact bytes whose object keys are numbers in a KeyTable shared by the values packed
// with it — the informer cache's form of an object.
//
// MessagePack spells every key out in every object: a Domain's status repeats "lastTransitionTime",
// "observedGeneration", "message" in each condition, and every Domain repeats them all, ~30% of its packed bytes
// (issue #14: the cache of 10,000 Domains was ~25 MB of the controller's heap). Here a key is a varint index into
// the table; values are tagged: null, false, true, integers as (zigzag) varints, doubles as 8 bytes, strings as a
// varint length and bytes, arrays and objects as a varint count and their items.
//
// Keys are schema field names and repeat; user map keys (labels, annotations, ConfigMap data) may not: a table
// takes at most KeyTable::kMaxKeys keys and a key beyond them is stored in the value itself, so the table stays
// bounded whatever the objects hold.
//
// Thread-safety: a KeyTable may be used from any thread (its own lock); Pack and Unpack of different values at once
// are fine.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include <nlohmann/json.hpp>

namespace domainguard::kube {

class KeyTable {
 public:
  static constexpr size_t kMaxKeys = 4096;

  // The index of `key`, added when new and the table is not full; nullopt when full.
  std::optional<uint32_t> Intern(std::string_view key);
  size_t size() const;

 private:
  friend nlohmann::json UnpackJson(std::string_view packed, const KeyTable& keys);

  mutable std::shared_mutex mu_;
  std::deque<std::string> keys_;                         // guarded by mu_; index -> key (stable addresses)
  std::unordered_map<std::string_view, uint32_t> index_;  // guarded by mu_; views into keys_
};

// `value` packed with `keys` (which learns its new keys).
std::string PackJson(const nlohmann::json& value, KeyTable& keys);

// The value PackJson packed with the same table; a discarded value (is_discarded()) when `packed` is not one whole
// value PackJson made with it.
nlohmann::json UnpackJson(std::string_view packed, const KeyTable& keys);

}  // namespace domainguard::kube
