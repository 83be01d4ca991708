#include "controller/kube/pruned_json.h"

#include <utility>

namespace domainguard::kube {
namespace {

using nlohmann::json;

// A SAX handler building the DOM json::parse would, except the values at the left-out paths: those are read past
// (nesting counted) and never allocated.
class PrunedBuilder {
 public:
  explicit PrunedBuilder(const std::vector<JsonPath>& left_out) : left_out_(left_out) {}

  bool null() { return Value(nullptr); }
  bool boolean(bool v) { return Value(v); }
  bool number_integer(json::number_integer_t v) { return Value(v); }
  bool number_unsigned(json::number_unsigned_t v) { return Value(v); }
  bool number_float(json::number_float_t v, const std::string& /*text*/) { return Value(v); }
  bool string(std::string& v) { return Value(v); }
  bool binary(json::binary_t& v) { return Value(json::binary(v)); }  // not produced by JSON text

  bool start_object(std::size_t /*size*/) { return Open(json::value_t::object); }
  bool start_array(std::size_t /*size*/) { return Open(json::value_t::array); }
  bool end_object() { return Close(); }
  bool end_array() { return Close(); }

  bool key(std::string& k) {
    if (skip_depth_ > 0) return true;
    if (LeftOut(k)) {
      skip_next_ = true;
      return true;
    }
    json::object_t& obj = open_.back().node->get_ref<json::object_t&>();
    auto [it, inserted] = obj.emplace(k, nullptr);
    if (!inserted) it->second = nullptr;  // a repeated key: the last one wins, as in json::parse
    slot_ = &it->second;
    slot_key_ = &it->first;
    return true;
  }

  bool parse_error(std::size_t /*position*/, const std::string& /*token*/, const nlohmann::detail::exception& /*e*/) {
    return false;
  }

  json& root() { return root_; }

 private:
  struct Container {
    json* node;
    const std::string* key;  // the key it sits under in its parent object; nullptr for the root and array elements
  };

  // Whether the key `k` of the innermost open object ends a left-out path. A path's step i is the place of open
  // container i + 1 in its parent: its key, or "*" for an array element (key nullptr).
  bool LeftOut(const std::string& k) const {
    for (const JsonPath& path : left_out_) {
      if (path.size() != open_.size() || path.back() != k) continue;
      bool match = true;
      for (size_t i = 0; match && i + 1 < path.size(); ++i) {
        const std::string* key = open_[i + 1].key;
        match = path[i] == "*" ? key == nullptr : key != nullptr && *key == path[i];
      }
      if (match) return true;
    }
    return false;
  }

  // Whether the value now read is read past: inside a left-out value, or a left-out key's value itself.
  bool Skips() {
    if (skip_depth_ > 0) return true;
    return std::exchange(skip_next_, false);
  }

  template <typename T>
  bool Value(T&& v) {
    if (!Skips()) Place(json(std::forward<T>(v)));
    return true;
  }

  bool Open(json::value_t type) {
    if (skip_depth_ > 0) {
      ++skip_depth_;
    } else if (std::exchange(skip_next_, false)) {
      skip_depth_ = 1;
    } else {
      const std::string* key = open_.empty() || open_.back().node->is_array() ? nullptr : slot_key_;
      open_.push_back({Place(json(type)), key});
    }
    return true;
  }

  bool Close() {
    if (skip_depth_ > 0) {
      --skip_depth_;
    } else {
      open_.pop_back();
    }
    return true;
  }

  // Puts `v` where the text has it: the root, the next element of the open array, or the open object's last key.
  // Pointers into an array stay valid: only its last element can be open when the next one is pushed.
  json* Place(json v) {
    if (open_.empty()) {
      root_ = std::move(v);
      return &root_;
    }
    json& parent = *open_.back().node;
    if (parent.is_array()) {
      parent.push_back(std::move(v));
      return &parent.back();
    }
    *slot_ = std::move(v);
    return slot_;
  }

  const std::vector<JsonPath>& left_out_;
  json root_;
  std::vector<Container> open_;             // the containers the parser is inside, outermost first
  json* slot_ = nullptr;                    // the value of the open object's last key
  const std::string* slot_key_ = nullptr;  // that key
  bool skip_next_ = false;                  // the last key was left out: its value is read past
  int skip_depth_ = 0;                      // > 0: inside a left-out value, this many containers deep
};

}  // namespace

std::optional<json> ParsePruned(std::string_view text, const std::vector<JsonPath>& left_out) {
  PrunedBuilder builder(left_out);
  if (!json::sax_parse(text.data(), text.data() + text.size(), &builder)) return std::nullopt;
  return std::move(builder.root());
}

}  // namespace domainguard::kube
