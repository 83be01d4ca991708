#include "controller/notify/own_mailbox.h"

#include "controller/api/conditions.h"
#include "controller/domain/domain_object.h"
#include "controller/kube/conditions.h"
#include "controller/kube/object.h"
#include "controller/notify/reasons.h"
#include "controller/registration/contacts.h"
#include "controller/registration/registrable.h"

namespace domainguard::notify {

using nlohmann::json;

std::optional<domain::FindingEntry> OwnMailboxFinding(const json& d, const DomainsOfZone& domains_of_zone) {
  const json& status = domain::StatusOf(d);
  if (!status.contains("registration") || !status["registration"].is_object()) return std::nullopt;
  const json& reg = status["registration"];
  if (!reg.contains("contactEmails") || !reg["contactEmails"].is_array()) return std::nullopt;
  std::string zone = domain::CanonicalZone(d);
  if (!zone.empty()) zone.pop_back();
  Result<std::string> own = registration::RegistrableDomain(zone);

  std::vector<std::string> problems;
  for (const json& e : reg["contactEmails"]) {
    if (!e.is_string()) continue;
    const std::string address = e.get<std::string>();
    Result<std::string> at = registration::RegistrableDomain(registration::EmailDomain(address));
    if (!at.ok()) continue;
    if (own.ok() && *at == *own) {
      problems.push_back(address + " is on this Domain's own domain " + *own + ": renewal notices die with it");
      continue;
    }
    for (const json& other : domains_of_zone(*at + ".")) {
      std::optional<kube::Condition> ready = kube::FindCondition(domain::StatusOf(other), api::kReady);
      if (ready && ready->status == kube::kConditionFalse) {
        problems.push_back(address + " is on " + *at + ", whose Domain " + kube::ObjectKey(other) + " is not Ready (" +
                           ready->reason + ")");
        break;
      }
    }
  }
  if (problems.empty()) return std::nullopt;
  std::string msg = "registration contact ";
  for (size_t i = 0; i < problems.size(); ++i) msg += (i ? "; " : "") + problems[i];
  return domain::FindingEntry{std::string(kReasonNoticesToOwnDomain), "Warning", msg};
}

}  // namespace domainguard::notify
