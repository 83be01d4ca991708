#include "controller/kube/answer.h"

#include <vector>

#include "controller/kube/pruned_json.h"

namespace domainguard::kube {
namespace {

using nlohmann::json;

// What a status writer does not read back.
const std::vector<JsonPath>& StatusLeftOut() {
  static const std::vector<JsonPath> paths = {
      {"spec"}, {"metadata", "annotations"}, {"metadata", "managedFields", "*", "fieldsV1"}};
  return paths;
}

}  // namespace

std::optional<json> ParseAnswer(std::string_view body, Answer answer) {
  switch (answer) {
    case Answer::kNone:
      return json::object();
    case Answer::kWhole: {
      json j = json::parse(body, nullptr, false);
      if (j.is_discarded() || !j.is_object()) return std::nullopt;
      return j;
    }
    case Answer::kStatus: {
      std::optional<json> j = ParsePruned(body, StatusLeftOut());
      if (!j || !j->is_object()) return std::nullopt;
      return j;
    }
  }
  return std::nullopt;
}

}  // namespace domainguard::kube
