// Sending notices to one channel: the secrets a channel needs, read from its namespace, and the one exchange per
// notice (HTTP through http::Transport for webhook, slack and alertmanager; SMTP through MailSender for e-mail).
// A 2xx answer is a delivery; anything else is an Error whose message says what the receiver did ("webhook
// answered HTTP 503", "smtp mail.example:587: STARTTLS failed") and never carries a secret: a URL that came from
// a Secret is shown as its scheme://host:port only, keys and passwords never.
//
// Thread-safety: Deliverer is safe from several threads if its Transport and MailSender are (both are).
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "controller/base/clock.h"
#include "controller/base/result.h"
#include "controller/http/transport.h"
#include "controller/notify/channel_spec.h"
#include "controller/notify/mail_sender.h"
#include "controller/notify/outbox.h"
#include "controller/notify/render.h"

namespace domainguard::notify {

// Returns the value of key `key` of Secret `name` in the channel's namespace; kNotFound naming both when missing.
using SecretReader = std::function<Result<std::string>(const std::string& name, const std::string& key)>;

struct ChannelSecrets {
  std::string url;          // from urlSecretRef (else empty: the spec's url is used)
  std::string signing_key;  // webhook HMAC key
  std::string username;
  std::string password;
};

// Reads every Secret the spec references. Fails naming the field: "spec.webhook.signingSecretRef: Secret
// \"hook\" not found" (the reader's message), never a value.
Result<ChannelSecrets> ResolveSecrets(const ChannelSpec& spec, const SecretReader& read);

// "scheme://host[:port]" of `url`, for messages about a URL that may embed a token in its path.
std::string UrlOrigin(const std::string& url);

// How long an Alertmanager alert stays firing without a refresh; refreshes are sent every kAlertmanagerRefresh.
inline constexpr std::chrono::seconds kAlertmanagerHold{std::chrono::hours(3)};
inline constexpr std::chrono::seconds kAlertmanagerRefresh{std::chrono::hours(1)};

class Deliverer {
 public:
  // REQUIRES: transport and mail outlive the Deliverer.
  Deliverer(http::Transport& transport, MailSender& mail) : transport_(transport), mail_(mail) {}

  // Sends `notices` as one exchange: one notice for webhook, slack and email; any number for alertmanager (a
  // refresh re-sends every firing alert in one POST). A "test" notice to Alertmanager is a GET of
  // /api/v2/status (a test alert would page people).
  Status Send(const ChannelSpec& spec, const ChannelSecrets& secrets, const ChannelRef& channel,
              const std::vector<Notice>& notices, SystemTime now);

 private:
  Status Post(const std::string& url, bool url_is_secret, const std::string& method, std::string body,
              std::vector<http::Header> headers);

  http::Transport& transport_;
  MailSender& mail_;
};

}  // namespace domainguard::notify
