#include "controller/notify/channel_spec.h"

#include <algorithm>
#include <array>

#include "controller/base/time_format.h"

namespace domainguard::notify {

using nlohmann::json;

namespace {

constexpr std::array<std::string_view, 4> kSeverities = {"Critical", "Warning", "Info", "Unknown"};

Result<std::optional<SecretKeyRef>> SecretRef(const json& block, const char* name, const std::string& at) {
  auto it = block.find(name);
  if (it == block.end() || it->is_null()) return std::optional<SecretKeyRef>();
  const std::string field = at + "." + name;
  if (!it->is_object()) return Error::InvalidArgument(field + ": want {name, key}");
  SecretKeyRef ref{it->value("name", ""), it->value("key", ""), field};
  if (ref.name.empty()) return Error::InvalidArgument(field + ".name: required");
  if (ref.key.empty()) return Error::InvalidArgument(field + ".key: required");
  return std::optional<SecretKeyRef>(ref);
}

Status CheckHttpUrl(const std::string& url, const std::string& field) {
  if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
    return Error::InvalidArgument(field + ": want an http:// or https:// URL");
  }
  return OkStatus();
}

// url or urlSecretRef (exactly one) of a webhook/slack block.
Status ParseUrl(const json& block, const std::string& at, bool secret_allowed, ChannelSpec& out) {
  const std::string url = block.value("url", "");
  Result<std::optional<SecretKeyRef>> ref = secret_allowed ? SecretRef(block, "urlSecretRef", at)
                                                           : Result<std::optional<SecretKeyRef>>(std::nullopt);
  if (!ref.ok()) return ref.error();
  if (url.empty() == !ref->has_value()) {
    return Error::InvalidArgument(at + (secret_allowed ? ": set exactly one of url or urlSecretRef" : ".url: required"));
  }
  if (!url.empty()) {
    if (Status s = CheckHttpUrl(url, at + ".url"); !s.ok()) return s;
    out.url = url;
  }
  out.url_secret = *ref;
  return OkStatus();
}

bool LooksLikeAddress(const std::string& a) {
  const size_t at = a.find('@');
  return at != std::string::npos && at > 0 && at + 1 < a.size() && a.find_first_of(" \t\r\n<>,") == std::string::npos;
}

Status ParseEmail(const json& block, ChannelSpec& out) {
  const std::string at = "spec.email";
  EmailSpec& e = out.email;
  e.server = block.value("server", "");
  const size_t colon = e.server.rfind(':');
  if (e.server.empty() || colon == std::string::npos || colon == 0 || colon + 1 == e.server.size() ||
      e.server.find_first_not_of("0123456789", colon + 1) != std::string::npos) {
    return Error::InvalidArgument(at + ".server: want host:port, got \"" + e.server + "\"");
  }
  e.from = block.value("from", "");
  if (!LooksLikeAddress(e.from)) return Error::InvalidArgument(at + ".from: want an e-mail address");
  if (block.contains("to") && block["to"].is_array()) {
    for (size_t i = 0; i < block["to"].size(); ++i) {
      const json& t = block["to"][i];
      if (!t.is_string() || !LooksLikeAddress(t.get<std::string>())) {
        return Error::InvalidArgument(at + ".to[" + std::to_string(i) + "]: want an e-mail address");
      }
      e.to.push_back(t.get<std::string>());
    }
  }
  if (e.to.empty()) return Error::InvalidArgument(at + ".to: at least one address");
  const std::string tls = block.value("tls", "StartTLS");
  if (tls != "StartTLS" && tls != "None") {
    return Error::InvalidArgument(at + ".tls: want StartTLS or None, got \"" + tls + "\"");
  }
  e.starttls = tls == "StartTLS";
  Result<std::optional<SecretKeyRef>> user = SecretRef(block, "usernameSecretRef", at);
  if (!user.ok()) return user.error();
  Result<std::optional<SecretKeyRef>> pass = SecretRef(block, "passwordSecretRef", at);
  if (!pass.ok()) return pass.error();
  e.username = *user;
  e.password = *pass;
  if (e.password && !e.starttls) {
    // A password over a plain-text connection would be readable by anyone on the path.
    return Error::InvalidArgument(at + ".tls: None cannot be used with passwordSecretRef");
  }
  e.ca_bundle = block.value("caBundle", "");
  return OkStatus();
}

}  // namespace

std::string_view ChannelTypeName(ChannelType t) {
  switch (t) {
    case ChannelType::kWebhook: return "webhook";
    case ChannelType::kSlack: return "slack";
    case ChannelType::kAlertmanager: return "alertmanager";
    case ChannelType::kEmail: return "email";
  }
  return "webhook";
}

bool ChannelSpec::Wants(const std::string& reason, const std::string& severity) const {
  if (std::find(severities.begin(), severities.end(), severity) == severities.end()) return false;
  return reasons.empty() || std::find(reasons.begin(), reasons.end(), reason) != reasons.end();
}

Result<ChannelSpec> ParseChannelSpec(const json& spec) {
  if (!spec.is_object()) return Error::InvalidArgument("spec: required");
  ChannelSpec out;
  static constexpr std::array<std::pair<const char*, ChannelType>, 4> kBlocks = {{
      {"webhook", ChannelType::kWebhook},
      {"slack", ChannelType::kSlack},
      {"alertmanager", ChannelType::kAlertmanager},
      {"email", ChannelType::kEmail},
  }};
  int blocks = 0;
  for (const auto& [name, type] : kBlocks) {
    if (spec.contains(name) && spec[name].is_object()) {
      ++blocks;
      out.type = type;
    }
  }
  if (blocks != 1) {
    return Error::InvalidArgument("spec: exactly one of webhook, slack, alertmanager or email must be set (found " +
                                  std::to_string(blocks) + ")");
  }
  const std::string block_name(ChannelTypeName(out.type));
  const json& block = spec[block_name];
  const std::string at = "spec." + block_name;
  switch (out.type) {
    case ChannelType::kWebhook: {
      if (Status s = ParseUrl(block, at, true, out); !s.ok()) return s.error();
      Result<std::optional<SecretKeyRef>> key = SecretRef(block, "signingSecretRef", at);
      if (!key.ok()) return key.error();
      out.signing_key = *key;
      break;
    }
    case ChannelType::kSlack:
      if (Status s = ParseUrl(block, at, true, out); !s.ok()) return s.error();
      break;
    case ChannelType::kAlertmanager:
      if (Status s = ParseUrl(block, at, false, out); !s.ok()) return s.error();
      while (!out.url.empty() && out.url.back() == '/') out.url.pop_back();
      break;
    case ChannelType::kEmail:
      if (Status s = ParseEmail(block, out); !s.ok()) return s.error();
      break;
  }

  const json no_selector;
  Result<kube::LabelSelector> selector = kube::ParseLabelSelector(
      spec.contains("domainSelector") ? spec["domainSelector"] : no_selector, "spec.domainSelector");
  if (!selector.ok()) return selector.error();
  out.domain_selector = std::move(*selector);

  if (spec.contains("severities") && spec["severities"].is_array() && !spec["severities"].empty()) {
    for (size_t i = 0; i < spec["severities"].size(); ++i) {
      const json& s = spec["severities"][i];
      if (!s.is_string() ||
          std::find(kSeverities.begin(), kSeverities.end(), s.get<std::string>()) == kSeverities.end()) {
        return Error::InvalidArgument("spec.severities[" + std::to_string(i) +
                                      "]: want Critical, Warning, Info or Unknown");
      }
      out.severities.push_back(s.get<std::string>());
    }
  } else {
    out.severities = {"Critical", "Warning"};
  }
  if (spec.contains("reasons") && spec["reasons"].is_array()) {
    for (const json& r : spec["reasons"]) {
      if (r.is_string() && !r.get<std::string>().empty()) out.reasons.push_back(r.get<std::string>());
    }
  }
  if (spec.contains("heartbeat") && spec["heartbeat"].is_string()) {
    Result<std::chrono::nanoseconds> d = ParseDuration(spec["heartbeat"].get<std::string>());
    if (!d.ok() || *d < std::chrono::minutes(1)) {
      return Error::InvalidArgument("spec.heartbeat: want a duration of at least 1m, e.g. 168h");
    }
    out.heartbeat = std::chrono::duration_cast<std::chrono::seconds>(*d);
  }
  if (spec.contains("rateLimit") && spec["rateLimit"].is_object()) {
    const json& rl = spec["rateLimit"];
    if (rl.contains("messagesPerMinute")) {
      if (!rl["messagesPerMinute"].is_number_integer() || rl["messagesPerMinute"].get<int64_t>() < 1 ||
          rl["messagesPerMinute"].get<int64_t>() > 6000) {
        return Error::InvalidArgument("spec.rateLimit.messagesPerMinute: want 1..6000");
      }
      out.messages_per_minute = static_cast<int>(rl["messagesPerMinute"].get<int64_t>());
    }
  }
  return out;
}

}  // namespace domainguard::notify
