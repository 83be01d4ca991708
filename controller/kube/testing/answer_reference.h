// What ParseAnswer(body, Answer::kStatus) must give, computed the slow way: the whole object parsed, then the
// left-out fields erased. For answer_test.cc and the watch-event fuzz target (a differential check).
#ifndef DOMAINGUARD_KUBE_TESTING_ANSWER_REFERENCE_H_
#define DOMAINGUARD_KUBE_TESTING_ANSWER_REFERENCE_H_

#include <nlohmann/json.hpp>

namespace domainguard::kube::testing {

inline nlohmann::json StatusAnswerOf(nlohmann::json whole) {
  if (!whole.is_object()) return whole;
  whole.erase("spec");
  auto meta = whole.find("metadata");
  if (meta == whole.end() || !meta->is_object()) return whole;
  meta->erase("annotations");
  auto managed = meta->find("managedFields");
  if (managed == meta->end() || !managed->is_array()) return whole;
  for (nlohmann::json& entry : *managed) {
    if (entry.is_object()) entry.erase("fieldsV1");
  }
  return whole;
}

}  // namespace domainguard::kube::testing

#endif  // DOMAINGUARD_KUBE_TESTING_ANSWER_REFERENCE_H_
