// Update predicates: which parts of an object a controller reads, so that an update touching none of them does not
// wake it (controller-runtime's GenerationChanged/AnnotationChanged predicates, plus status conditions). Several
// controllers sharing one resource each write their own share of its status; without a predicate every such write
// wakes every controller.
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace domainguard::kube {

// What of an object a controller reads. Deletion (metadata.deletionTimestamp, finalizers) always counts.
struct ReadParts {
  bool generation = true;                   // metadata.generation: the spec
  std::vector<std::string> annotations = {};     // metadata.annotations keys
  std::vector<std::string> labels = {};          // metadata.labels keys
  // status.conditions by type, compared whole except lastTransitionTime; "*" reads every type not listed in
  // `ignored_conditions`.
  std::vector<std::string> conditions = {};
  std::vector<std::string> ignored_conditions = {};
  std::vector<std::string> status_fields = {};   // top-level status fields, compared whole
};

// True when the update `old_obj` -> `new_obj` changes anything `parts` names (or the deletion state).
bool ChangesReadParts(const ReadParts& parts, const nlohmann::json& old_obj, const nlohmann::json& new_obj);

}  // namespace domainguard::kube
