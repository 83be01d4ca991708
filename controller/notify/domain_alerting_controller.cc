#include "controller/notify/domain_alerting_controller.h"

#include <spdlog/spdlog.h>

#include "controller/api/resources.h"
#include "controller/domain/domain_object.h"
#include "controller/domain/status_part.h"
#include "controller/domain/status_writer.h"
#include "controller/kube/predicate.h"
#include "controller/notify/own_mailbox.h"
#include "controller/notify/reasons.h"
#include "controller/notify/routing.h"

namespace domainguard::notify {

using nlohmann::json;

bool ChannelRoutingChanged(const json& old_obj, const json& new_obj) {
  if (kube::Generation(old_obj) != kube::Generation(new_obj)) return true;
  return FailingReason(old_obj).empty() != FailingReason(new_obj).empty();
}

namespace {

const json& MemberOf(const json& obj, const char* key) {
  static const json kNull;
  if (!obj.is_object()) return kNull;
  auto it = obj.find(key);
  return it == obj.end() ? kNull : *it;
}

bool HasContacts(const json& domain) {
  const json& emails = MemberOf(MemberOf(domain::StatusOf(domain), "registration"), "contactEmails");
  return emails.is_array() && !emails.empty();
}

}  // namespace

bool AlertingUpdateConcerns(const json& old_obj, const json& new_obj) {
  if (HasContacts(old_obj) || HasContacts(new_obj)) return true;
  if (MemberOf(MemberOf(old_obj, "metadata"), "labels") != MemberOf(MemberOf(new_obj, "metadata"), "labels")) {
    return true;
  }
  return kube::ChangesReadParts(kube::ReadParts{.status_fields = {"registration"}}, old_obj, new_obj);
}

kube::ReconcileResult DomainAlertingController::Reconcile(const std::string& key) {
  if (channels_synced_ && !channels_synced_()) return {OkStatus(), std::chrono::nanoseconds(std::chrono::seconds(1))};
  std::shared_ptr<const json> d = ctx_.domains.GetShared(key);
  if (!d) return {};
  const std::vector<json> channels = channels_.ByIndex(kube::kNamespaceIndex, kube::Namespace(*d));
  domain::StatusPart part;
  part.field_manager = kNotifyFieldManager;
  part.owns_findings = true;
  part.owns_reason = IsNotifyReason;
  part.findings = AlertFindings(*d, channels);
  std::optional<domain::FindingEntry> mailbox = OwnMailboxFinding(
      *d, [this](const std::string& zone) { return ctx_.domains.ByIndex(domain::kZoneIndex, zone); });
  if (mailbox) part.findings.push_back(*mailbox);
  Result<bool> wrote = domain::WriteStatus(ctx_, *d, part);
  if (!wrote.ok()) {
    if (wrote.error().code == ErrorCode::kNotFound) return {};
    spdlog::warn("alerting domain={} decision=retry error=\"{}\"", key, wrote.error().ToString());
    return {wrote.error(), std::nullopt};
  }
  if (*wrote) {
    std::string summary;
    for (const domain::FindingEntry& f : part.findings) summary += (summary.empty() ? "" : ",") + f.reason;
    spdlog::info("alerting domain={} zone={} decision=set-findings findings=[{}]", key, domain::CanonicalZone(*d),
                 summary);
    for (const domain::FindingEntry& f : part.findings) {
      if (f.reason == kReasonAlertChannelFailing) {
        ctx_.events.Record(domain::DomainRef(*d), kube::kEventWarning, f.reason, f.message);
      }
    }
  }
  return {};
}

}  // namespace domainguard::notify
