// An AlertChannel's spec, parsed and validated (pure). Exactly one destination block is set (the CRD's CEL rule
// says so too; this is the controller's own check, so an object written past an older CRD still gets a clear
// condition instead of a crash):
//   webhook:      {url | urlSecretRef, signingSecretRef?}   generic JSON, HMAC-SHA256 signature header
//   slack:        {url | urlSecretRef}                      Slack incoming-webhook JSON ({"text": ...})
//   alertmanager: {url}                                     POST <url>/api/v2/alerts
//   email:        {server, from, to[], tls, usernameSecretRef?, passwordSecretRef?, caBundle?}
// plus what is routed to it (domainSelector, severities, reasons), heartbeat and rateLimit.
//
// Every error is kInvalidArgument naming the field ("spec.email.to: at least one address"). Secrets are only
// referenced here; their values are read by the controller and never appear in an error.
//
// Thread-safety: pure functions over values.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "controller/base/result.h"
#include "controller/kube/label_selector.h"

namespace domainguard::notify {

enum class ChannelType { kWebhook, kSlack, kAlertmanager, kEmail };

// "webhook", "slack", "alertmanager", "email".
std::string_view ChannelTypeName(ChannelType t);

struct SecretKeyRef {
  std::string name;
  std::string key;
  std::string field;  // where it was set, for errors: "spec.webhook.signingSecretRef"
};

struct EmailSpec {
  std::string server;  // host:port of the SMTP server
  std::string from;
  std::vector<std::string> to;
  bool starttls = true;  // tls: StartTLS (default, required: no fallback to plain text) or None
  std::optional<SecretKeyRef> username;
  std::optional<SecretKeyRef> password;
  std::string ca_bundle;  // PEM; empty: the system store
};

struct ChannelSpec {
  ChannelType type = ChannelType::kWebhook;
  std::string url;                          // webhook, slack, alertmanager (when not from a Secret)
  std::optional<SecretKeyRef> url_secret;   // webhook, slack: the URL is itself a credential (Slack's is)
  std::optional<SecretKeyRef> signing_key;  // webhook: HMAC-SHA256 key
  EmailSpec email;

  kube::LabelSelector domain_selector;      // empty: every Domain of the namespace
  std::vector<std::string> severities;       // default Critical, Warning
  std::vector<std::string> reasons;          // empty: every reason
  std::optional<std::chrono::seconds> heartbeat;  // periodic test notice
  int messages_per_minute = 30;              // rateLimit.messagesPerMinute (also the burst)

  // Whether a finding of `reason` and `severity` is delivered through this channel.
  bool Wants(const std::string& reason, const std::string& severity) const;
};

// Parses `spec` (the AlertChannel's .spec). Fails with kInvalidArgument naming the field.
Result<ChannelSpec> ParseChannelSpec(const nlohmann::json& spec);

}  // namespace domainguard::notify
