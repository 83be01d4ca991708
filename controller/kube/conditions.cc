#include "controller/kube/conditions.h"

#include "controller/base/time_format.h"

namespace domainguard::kube {

namespace {

std::string StringField(const nlohmann::json& j, const char* name) {
  auto it = j.find(name);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

nlohmann::json Condition::ToJson() const {
  nlohmann::json j = {{"type", type},
                      {"status", status},
                      {"reason", reason},
                      {"message", message},
                      {"observedGeneration", observed_generation}};
  if (last_transition_time) j["lastTransitionTime"] = FormatRfc3339(*last_transition_time);
  return j;
}

Condition Condition::FromJson(const nlohmann::json& j) {
  Condition c;
  if (!j.is_object()) return c;
  c.type = StringField(j, "type");
  c.status = StringField(j, "status");
  c.reason = StringField(j, "reason");
  c.message = StringField(j, "message");
  auto gen = j.find("observedGeneration");
  if (gen != j.end() && gen->is_number_integer()) c.observed_generation = gen->get<int64_t>();
  std::string t = StringField(j, "lastTransitionTime");
  if (!t.empty()) {
    auto parsed = ParseRfc3339(t);
    if (parsed.ok()) c.last_transition_time = *parsed;
  }
  return c;
}

std::vector<Condition> GetConditions(const nlohmann::json& status) {
  std::vector<Condition> out;
  if (!status.is_object()) return out;
  auto it = status.find("conditions");
  if (it == status.end() || !it->is_array()) return out;
  for (const auto& j : *it) out.push_back(Condition::FromJson(j));
  return out;
}

std::optional<Condition> FindCondition(const nlohmann::json& status, std::string_view type) {
  for (auto& c : GetConditions(status)) {
    if (c.type == type) return c;
  }
  return std::nullopt;
}

bool SetCondition(nlohmann::json& status, const Condition& c, SystemTime now) {
  if (!status.is_object()) status = nlohmann::json::object();
  nlohmann::json& list = status["conditions"];
  if (!list.is_array()) list = nlohmann::json::array();
  for (auto& j : list) {
    if (!j.is_object() || StringField(j, "type") != c.type) continue;
    Condition merged = c;
    Condition old = Condition::FromJson(j);
    if (old.status == c.status && old.last_transition_time) {
      merged.last_transition_time = old.last_transition_time;  // no transition: the time stays
    } else if (old.status != c.status || !merged.last_transition_time) {
      merged.last_transition_time = c.last_transition_time.value_or(now);
    }
    nlohmann::json next = merged.ToJson();
    if (next == j) return false;
    j = std::move(next);
    return true;
  }
  Condition fresh = c;
  if (!fresh.last_transition_time) fresh.last_transition_time = now;
  list.push_back(fresh.ToJson());
  return true;
}

bool RemoveCondition(nlohmann::json& status, std::string_view type) {
  if (!status.is_object()) return false;
  auto it = status.find("conditions");
  if (it == status.end() || !it->is_array()) return false;
  auto& arr = *it;
  for (auto e = arr.begin(); e != arr.end(); ++e) {
    if (e->is_object() && StringField(*e, "type") == type) {
      arr.erase(e);
      return true;
    }
  }
  return false;
}

}  // namespace domainguard::kube
