// The Domain side of alerting: for each Domain, the AlertChannels routed to it (routing.h) decide its
// AlertChannelFailing (Critical) and NoAlertChannel (Warning) findings, and its registration contacts
// NoticesToOwnDomain (Warning, own_mailbox.h); written under the field manager
// kNotifyFieldManager beside the other controllers' findings, only when they change. The Ready controller
// exports them with the rest (domainguard_domain_finding).
//
// Thread-safety: Reconcile runs on several worker threads for different keys.
#pragma once

#include <functional>
#include <string>
#include <utility>

#include "controller/domain/context.h"
#include "controller/kube/store.h"
#include "controller/kube/workqueue.h"

namespace domainguard::notify {

class DomainAlertingController {
 public:
  // REQUIRES: `channels` (the AlertChannel cache, with the namespace index) outlives the controller.
  // `channels_synced` says whether that cache has listed every channel (until then nothing is written: an empty
  // cache would read as NoAlertChannel everywhere); null: always.
  DomainAlertingController(domain::Context ctx, kube::Store& channels, std::function<bool()> channels_synced = nullptr)
      : ctx_(ctx), channels_(channels), channels_synced_(std::move(channels_synced)) {}

  kube::ReconcileResult Reconcile(const std::string& key);

 private:
  domain::Context ctx_;
  kube::Store& channels_;
  const std::function<bool()> channels_synced_;
};

// The update filter of `domain-alerting`: what of a Domain its part reads — the spec (spec.alertChannels), the
// labels (channels' domainSelector), status.registration (the contacts) and the deletion state. A Domain with
// registration contacts is woken by every update as before: NoticesToOwnDomain also reads the Ready of the
// contacts' Domains, which no watch follows (issue #14: every status apply of every Domain woke it, parsing it).
bool AlertingUpdateConcerns(const nlohmann::json& old_obj, const nlohmann::json& new_obj);

// Whether an AlertChannel update matters to its Domains: spec changed, or whether it is failing changed.
bool ChannelRoutingChanged(const nlohmann::json& old_obj, const nlohmann::json& new_obj);

}  // namespace domainguard::notify
