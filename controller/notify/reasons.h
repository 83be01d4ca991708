// The vocabulary of alert delivery (api.md "Alert channels"): the findings the notify controllers put on Domains
// and the reasons of an AlertChannel's Ready condition. Spelled exactly as users read them.
#pragma once

#include <string_view>

namespace domainguard::notify {

// Domain findings, written under the field manager kNotifyFieldManager.
// Critical: a channel this Domain is routed to has failed kFailingAfter deliveries in a row, or cannot deliver at
// all (invalid spec, missing Secret); the message names the channels and their last errors.
inline constexpr std::string_view kReasonAlertChannelFailing = "AlertChannelFailing";
// Warning: no AlertChannel that delivers is routed to this Domain, so its findings reach nobody directly.
inline constexpr std::string_view kReasonNoAlertChannel = "NoAlertChannel";
// Warning: a registration contact address (registrant/admin/tech/billing) lives on this zone or on an unhealthy
// one: renewal notices go to a mailbox that dies with the domain.
inline constexpr std::string_view kReasonNoticesToOwnDomain = "NoticesToOwnDomain";

// AlertChannel Ready reasons.
inline constexpr std::string_view kReasonDelivering = "Delivering";          // True: the last delivery succeeded
inline constexpr std::string_view kReasonDeliveryFailed = "DeliveryFailed";  // False: the last delivery failed
inline constexpr std::string_view kReasonInvalidSpec = "InvalidSpec";        // False: spec or Secret unusable
inline constexpr std::string_view kReasonNoDeliveryYet = "NoDeliveryYet";    // Unknown: nothing sent yet

// The field managers of the notify controllers' status parts.
inline constexpr const char* kNotifyFieldManager = "domainguard-notify";          // Domain findings
inline constexpr const char* kAlertChannelFieldManager = "domainguard-alertchannel";  // AlertChannel status

// A channel counts as failing (AlertChannelFailing on its Domains) after this many failed attempts in a row.
inline constexpr int kFailingAfter = 3;

}  // namespace domainguard::notify
