// Which AlertChannels a Domain is routed to, and what that means for the Domain (pure):
//   routed      = the Domain names the channel in spec.alertChannels, or the channel's spec.domainSelector
//                 matches the Domain's labels (an absent selector matches every Domain of the namespace)
//   failing     = routed and cannot deliver: spec invalid or a Secret missing (Ready reason InvalidSpec), or
//                 kFailingAfter or more failed attempts in a row; a named channel that does not exist fails too
//   findings    = AlertChannelFailing (Critical) naming each failing channel and its last error;
//                 NoAlertChannel (Warning) when no routed channel is left that delivers.
//
// Thread-safety: pure functions over values.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "controller/domain/status_part.h"
#include "controller/notify/channel_spec.h"

namespace domainguard::notify {

// spec.alertChannels[].name of a Domain.
std::vector<std::string> NamedChannels(const nlohmann::json& domain);

// Whether `domain` is routed to the AlertChannel `channel` (whose spec parsed as `spec`).
bool RoutesTo(const nlohmann::json& domain, const nlohmann::json& channel, const ChannelSpec& spec);

// Why the channel cannot deliver, from its status; "" when it delivers (or has not tried yet).
std::string FailingReason(const nlohmann::json& channel);

// The notify findings of `domain` given the AlertChannels of its namespace.
std::vector<domain::FindingEntry> AlertFindings(const nlohmann::json& domain,
                                                const std::vector<nlohmann::json>& channels);

// Whether the findings a notify reason accepts are ours (for StatusPart::owns_reason).
bool IsNotifyReason(std::string_view reason);

}  // namespace domainguard::notify
