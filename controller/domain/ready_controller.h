// The Ready controller: Ready is a pure summary of the conditions the other Domain controllers own
// (api::SummarizeReady), written with status.observedGeneration (through the shared status writer, which computes
// Ready in every apply it makes: this controller's part only asks it to correct a Ready gone stale, e.g. after
// failover's own apply of FailoverActive; without a writer, under its own field manager). It also
// exports what the status says as metrics (domainguard_domain_condition, domainguard_domain_finding,
// domainguard_failover_active), so every series has one writer and follows the status users see.
//
// Thread-safety: Reconcile may run on several worker threads for different keys.
#pragma once

#include <map>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

#include "controller/api/conditions.h"
#include "controller/domain/context.h"
#include "controller/domain/status_part.h"
#include "controller/kube/conditions.h"
#include "controller/kube/predicate.h"
#include "controller/kube/workqueue.h"

namespace domainguard::domain {

inline constexpr const char* kReadyFieldManager = "domainguard-ready";

// The Ready condition for `domain` from its status conditions (pure).
kube::Condition ReadyCondition(const nlohmann::json& domain);

// Adds Ready and status.observedGeneration to `part`, computed from `domain`'s conditions with the part's own
// conditions in their place: the pass that changes a condition writes Ready with it, in the same apply, rather
// than a second apply by the Ready controller (which then finds Ready right and writes nothing; it still corrects
// a Ready computed from a cache that missed another controller's write). Every apply of a part that carries Ready
// must carry it (server-side apply would otherwise drop a Ready only that manager owned).
void AddReady(StatusPart& part, const nlohmann::json& domain);

// What of a Domain the Ready controller reads, for its informer's update predicate: the spec (generation), every
// condition but Ready (its own), and the findings and failover state it exports as metrics.
kube::ReadParts ReadyReads();

// Whether a Domain as added gives the Ready controller anything to do: its status holds a condition, a finding or
// failover state (what Ready summarises and the metrics export). A new Domain has none: the status writer's first
// apply carries Ready (computed from the parts it applies), and that apply's update wakes this controller, which
// exports the metrics then; a restart's list of written Domains passes (issue #14: a reconcile per new Domain,
// parsing it, for a part the writer computes anyway). The add filter of `domain-ready`.
bool ReadyHasWork(const nlohmann::json& domain);

class ReadyController {
 public:
  explicit ReadyController(Context ctx) : ctx_(ctx) {}

  kube::ReconcileResult Reconcile(const std::string& key);

 private:
  Context ctx_;
  std::mutex mu_;
  std::map<std::string, std::string> zones_;  // guarded by mu_; key -> zone, to forget metrics of deleted Domains
};

}  // namespace domainguard::domain
