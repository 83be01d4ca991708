// What a notice looks like on each kind of channel (pure):
//   webhook       {"kind":"DomainguardNotice","status":"firing|resolved|test","namespace",...} (stable fields, below)
//   slack         {"text": "..."} (Slack incoming-webhook shape; Mattermost and Rocket.Chat take it too)
//   alertmanager  [{"labels":{"alertname":<reason>,...},"annotations":{...},"startsAt","endsAt"}] (v2 API)
//   email         an RFC 5322 message (headers + plain-text body)
// and the HMAC-SHA256 signature of a webhook body.
//
// Thread-safety: pure functions over values.
#pragma once

#include <string>
#include <vector>

#include "controller/base/clock.h"
#include "controller/notify/outbox.h"

namespace domainguard::notify {

// The header carrying a webhook body's signature: "sha256=<hex HMAC-SHA256(key, body)>" (GitHub's convention).
inline constexpr const char* kSignatureHeader = "X-Domainguard-Signature";

// Where a notice comes from: the channel's namespace and name.
struct ChannelRef {
  std::string namespace_;
  std::string name;
};

// One line a person reads: "FIRING Critical GlueMissing on example.com (web/example-com): <message>".
std::string Headline(const Notice& n, const ChannelRef& c);

std::string WebhookBody(const Notice& n, const ChannelRef& c);
std::string SlackBody(const Notice& n, const ChannelRef& c);
// Firing alerts end at `now + hold` unless re-sent (Alertmanager resolves an alert that is not refreshed);
// resolved ones end at `now`. `notices` may hold several (a refresh re-sends every firing one).
std::string AlertmanagerBody(const std::vector<Notice>& notices, const ChannelRef& c, SystemTime now,
                             std::chrono::seconds hold);
// The whole message, CRLF line ends, Date and Message-ID included.
std::string EmailMessage(const Notice& n, const ChannelRef& c, const std::string& from,
                         const std::vector<std::string>& to, SystemTime now);

// "sha256=" + lowercase hex HMAC-SHA256 of `body` under `key`.
std::string SignBody(const std::string& key, const std::string& body);

// The heartbeat notice (status "test").
Notice TestNotice(const ChannelRef& c, SystemTime now);

}  // namespace domainguard::notify
