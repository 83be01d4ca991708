#include "controller/registration/rdap_client.h"

#include <algorithm>
#include <cctype>
#include <ctime>

#include "controller/registration/contacts.h"
#include "controller/registration/date_parse.h"
#include "controller/registration/rdap_parse.h"

namespace domainguard::registration {
namespace {

std::optional<std::string> FindHeader(const http::HttpResponse& r, std::string_view name) {
  for (const auto& h : r.headers) {
    if (h.name.size() != name.size()) continue;
    bool eq = true;
    for (size_t i = 0; i < name.size() && eq; ++i) {
      eq = std::tolower(static_cast<unsigned char>(h.name[i])) == std::tolower(static_cast<unsigned char>(name[i]));
    }
    if (eq) return h.value;
  }
  return std::nullopt;
}

std::string LowerDomain(std::string d) {
  while (!d.empty() && d.back() == '.') d.pop_back();
  for (char& c : d) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return d;
}

}  // namespace

std::string ServerOf(const std::string& url) {
  size_t scheme = url.find("://");
  size_t start = scheme == std::string::npos ? 0 : scheme + 3;
  size_t end = url.find('/', start);
  std::string host = url.substr(0, end);
  if (url.find(':', start) == std::string::npos || url.find(':', start) > end) {
    host += url.rfind("https://", 0) == 0 ? ":443" : ":80";
  }
  return host;
}

std::optional<std::chrono::seconds> ParseRetryAfter(const std::string& value, SystemTime now) {
  std::string v = value;
  v.erase(std::remove_if(v.begin(), v.end(), [](unsigned char c) { return std::isspace(c); }), v.end());
  if (!v.empty() && v.size() < 10 && std::all_of(v.begin(), v.end(), [](unsigned char c) { return std::isdigit(c); })) {
    return std::chrono::seconds(std::stoll(v));
  }
  // HTTP-date: "Wed, 21 Oct 2026 07:28:00 GMT".
  if (auto t = ParseLooseDate(value)) {
    auto d = std::chrono::duration_cast<std::chrono::seconds>(*t - now);
    return std::max(d, std::chrono::seconds(0));
  }
  return std::nullopt;
}

Result<http::HttpResponse> RdapClient::Get(const std::string& url) {
  const std::string server = ServerOf(url);
  if (!limiter_.Acquire(server, options_.max_rate_wait)) {
    return Error::Unavailable("RDAP rate limit for " + server + ": no request slot within the wait limit",
                              std::chrono::duration_cast<std::chrono::seconds>(options_.max_rate_wait));
  }
  http::HttpRequest req;
  req.method = "GET";
  req.url = url;
  req.headers = {{"Accept", "application/rdap+json, application/json"}};
  req.timeout = options_.timeout;
  Result<http::HttpResponse> resp = transport_.Send(req);
  if (!resp.ok()) return resp.error().Wrap("RDAP " + url);
  if (resp->status == 429) {
    // Field notes: wait Retry-After, capped (~120 s); 30 s when absent.
    std::chrono::seconds wait = options_.default_retry_after;
    if (auto h = FindHeader(*resp, "Retry-After")) {
      if (auto ra = ParseRetryAfter(*h, clock_.Now())) wait = *ra;
    }
    wait = std::clamp(wait, std::chrono::seconds(1), options_.max_retry_after);
    limiter_.Pause(server, wait);
    return Error::Unavailable("RDAP " + url + ": throttled (429)", wait);
  }
  return resp;
}

Result<RegistrationRecord> RdapClient::Lookup(const std::string& raw_domain) {
  const std::string domain = LowerDomain(raw_domain);
  std::vector<std::string> bases = bootstrap_.BaseUrlsFor(domain);
  if (bases.empty()) return Error::FailedPrecondition("no RDAP service in the bootstrap for " + domain);

  std::optional<Error> last_error;
  for (const std::string& base : bases) {
    const std::string url = base + "domain/" + domain;
    Result<http::HttpResponse> resp = Get(url);
    if (!resp.ok()) {
      if (resp.error().retry_after) return resp.error();  // throttled: the other bases are the same registry
      last_error = resp.error();
      continue;  // unreachable: try the next base URL
    }
    if (resp->status == 404) return Error::NotFound("RDAP " + url + ": the registry has no such domain (404)");
    if (resp->status >= 500) {
      last_error = Error::Unavailable("RDAP " + url + ": server error " + std::to_string(resp->status));
      continue;
    }
    if (resp->status != 200) {
      return Error::Unavailable("RDAP " + url + ": unexpected status " + std::to_string(resp->status));
    }
    Result<RdapDomain> parsed = ParseRdapDomain(resp->body);
    if (!parsed.ok()) {
      // A malformed or truncated answer is the server's trouble, not news about the domain: retry later.
      return Error::Unavailable("RDAP " + url + ": " + parsed.error().message);
    }
    RdapDomain d = std::move(parsed).value();
    d.record.contact_emails = RdapContactEmails(resp->body);
    if (options_.follow_related && NeedsRegistrarAnswer(d)) {
      for (const std::string& link : d.related_links) {
        Result<http::HttpResponse> r2 = Get(link);
        if (!r2.ok() || r2->status != 200) continue;  // the registry's data stands on its own
        Result<RdapDomain> registrar = ParseRdapDomain(r2->body);
        if (!registrar.ok()) continue;
        MergeRegistrarAnswer(d, *registrar);
        // Thin registries publish no contacts; the registrar does.
        for (std::string& a : RdapContactEmails(r2->body)) d.record.contact_emails.push_back(std::move(a));
        std::sort(d.record.contact_emails.begin(), d.record.contact_emails.end());
        d.record.contact_emails.erase(std::unique(d.record.contact_emails.begin(), d.record.contact_emails.end()),
                                      d.record.contact_emails.end());
        break;
      }
    }
    if (!d.record.expires_at && d.registrar_expires_at) d.record.expires_at = d.registrar_expires_at;
    d.record.domain = domain;
    d.record.server = url;
    d.record.checked_at = clock_.Now();
    return d.record;
  }
  return last_error.value_or(Error::Unavailable("RDAP lookup of " + domain + " failed"));
}

}  // namespace domainguard::registration
