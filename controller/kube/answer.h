// The apiserver's answer to a write, parsed only as far as the caller reads it.
//
// Every create, update and apply is answered with the whole object: for a custom resource with a long spec that
// is its spec, the client-side apply annotation (the spec again) and managedFields listing every field of both.
// A controller that writes status many times a second reads back a few fields: parsing and freeing the rest was
// ~9 % of domainguard's CPU while 1,000 objects arrived (issue #14, perf of the status writer's applies).
#ifndef DOMAINGUARD_KUBE_ANSWER_H_
#define DOMAINGUARD_KUBE_ANSWER_H_

#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

namespace domainguard::kube {

// What of a write's answer a caller reads.
enum class Answer {
  kWhole,   // the object as answered
  // Every field but spec, metadata.annotations and the field sets of metadata.managedFields (each entry keeps
  // its manager, operation, subresource and time): what a status writer reads back. Left out while parsing,
  // never built.
  kStatus,
  kNone,    // only whether the write succeeded: the body is not parsed; the result is an empty object
};

// Parses a 2xx answer's body as `answer` says; nullopt when it is not a JSON object (with kNone the body is not
// looked at).
std::optional<nlohmann::json> ParseAnswer(std::string_view body, Answer answer);

}  // namespace domainguard::kube

#endif  // DOMAINGUARD_KUBE_ANSWER_H_
