#include "controller/notify/delivery.h"

#include <algorithm>

namespace domainguard::notify {

namespace {

// Replaces every occurrence of `secret` in `text` with `shown`.
std::string Redact(std::string text, const std::string& secret, const std::string& shown) {
  if (secret.empty()) return text;
  for (size_t pos = text.find(secret); pos != std::string::npos; pos = text.find(secret, pos + shown.size())) {
    text.replace(pos, secret.size(), shown);
  }
  return text;
}

Result<std::string> ReadRef(const SecretKeyRef& ref, const SecretReader& read) {
  Result<std::string> v = read(ref.name, ref.key);
  if (!v.ok()) return v.error().Wrap(ref.field);
  if (v->empty()) return Error::InvalidArgument(ref.field + ": Secret \"" + ref.name + "\" key \"" + ref.key +
                                                "\" is empty");
  return v;
}

}  // namespace

std::string UrlOrigin(const std::string& url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string::npos) return "(url)";
  const size_t path = url.find_first_of("/?#", scheme + 3);
  return path == std::string::npos ? url : url.substr(0, path);
}

Result<ChannelSecrets> ResolveSecrets(const ChannelSpec& spec, const SecretReader& read) {
  ChannelSecrets out;
  if (spec.url_secret) {
    Result<std::string> v = ReadRef(*spec.url_secret, read);
    if (!v.ok()) return v.error();
    std::string url = *v;
    while (!url.empty() && (url.back() == '\n' || url.back() == '\r' || url.back() == ' ')) url.pop_back();
    if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
      return Error::InvalidArgument(spec.url_secret->field + ": Secret \"" + spec.url_secret->name + "\" key \"" +
                                    spec.url_secret->key + "\" does not hold an http:// or https:// URL");
    }
    out.url = url;
  }
  if (spec.signing_key) {
    Result<std::string> v = ReadRef(*spec.signing_key, read);
    if (!v.ok()) return v.error();
    out.signing_key = *v;
  }
  if (spec.email.username) {
    Result<std::string> v = ReadRef(*spec.email.username, read);
    if (!v.ok()) return v.error();
    out.username = *v;
  }
  if (spec.email.password) {
    Result<std::string> v = ReadRef(*spec.email.password, read);
    if (!v.ok()) return v.error();
    out.password = *v;
  }
  return out;
}

Status Deliverer::Post(const std::string& url, bool url_is_secret, const std::string& method, std::string body,
                       std::vector<http::Header> headers) {
  http::HttpRequest req;
  req.method = method;
  req.url = url;
  req.body = std::move(body);
  req.headers = std::move(headers);
  req.timeout = std::chrono::seconds(15);
  const std::string shown = url_is_secret ? UrlOrigin(url) : url;
  Result<http::HttpResponse> resp = transport_.Send(req);
  if (!resp.ok()) {
    Error e = resp.error();
    e.message = Redact(e.message, url, shown);
    if (url_is_secret) e.message = Redact(e.message, url.substr(UrlOrigin(url).size()), "/…");
    return e;
  }
  if (resp->status >= 200 && resp->status < 300) return OkStatus();
  std::string snippet = resp->body.substr(0, 200);
  if (url_is_secret) snippet = Redact(snippet, url, shown);
  for (char& ch : snippet) {
    if (ch == '\n' || ch == '\r') ch = ' ';
  }
  Error e = Error::Unavailable(method + " " + shown + " answered HTTP " + std::to_string(resp->status) +
                               (snippet.empty() ? "" : ": " + snippet));
  if (resp->status >= 400 && resp->status < 500 && resp->status != 408 && resp->status != 429) {
    e.code = ErrorCode::kFailedPrecondition;  // the receiver refuses this request: a person must fix the spec
  }
  return e;
}

Status Deliverer::Send(const ChannelSpec& spec, const ChannelSecrets& secrets, const ChannelRef& channel,
                       const std::vector<Notice>& notices, SystemTime now) {
  if (notices.empty()) return OkStatus();
  const Notice& n = notices.front();
  const bool secret_url = !secrets.url.empty();
  const std::string url = secret_url ? secrets.url : spec.url;
  std::vector<http::Header> json_headers = {{"Content-Type", "application/json"},
                                            {"User-Agent", "domainguard"}};
  switch (spec.type) {
    case ChannelType::kWebhook: {
      std::string body = WebhookBody(n, channel);
      json_headers.push_back({"X-Domainguard-Delivery", n.id});
      if (!secrets.signing_key.empty()) json_headers.push_back({kSignatureHeader, SignBody(secrets.signing_key, body)});
      return Post(url, secret_url, "POST", std::move(body), std::move(json_headers));
    }
    case ChannelType::kSlack:
      return Post(url, secret_url, "POST", SlackBody(n, channel), std::move(json_headers));
    case ChannelType::kAlertmanager:
      if (n.status == "test") return Post(url + "/api/v2/status", false, "GET", "", {{"User-Agent", "domainguard"}});
      return Post(url + "/api/v2/alerts", false, "POST", AlertmanagerBody(notices, channel, now, kAlertmanagerHold),
                  std::move(json_headers));
    case ChannelType::kEmail: {
      MailRequest m;
      m.server = spec.email.server;
      m.starttls = spec.email.starttls;
      m.username = secrets.username;
      m.password = secrets.password;
      m.ca_bundle = spec.email.ca_bundle;
      m.from = spec.email.from;
      m.to = spec.email.to;
      m.message = EmailMessage(n, channel, spec.email.from, spec.email.to, now);
      Status s = mail_.Send(m);
      if (!s.ok() && !secrets.password.empty()) {
        Error e = s.error();
        e.message = Redact(e.message, secrets.password, "***");
        return e;
      }
      return s;
    }
  }
  return Error::Internal("unknown channel type");
}

}  // namespace domainguard::notify
