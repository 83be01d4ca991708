// The Kubernetes REST client (client.h).
#include "controller/kube/client.h"

#include <spdlog/spdlog.h>

#include "controller/kube/pruned_json.h"

namespace domainguard::kube {
namespace {

std::string QueryEscape(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

// Builds "?a=b&c=d" from the non-empty pairs.
class Query {
 public:
  Query& Add(std::string_view key, std::string_view value) {
    if (value.empty()) return *this;
    q_ += q_.empty() ? "?" : "&";
    q_ += key;
    q_ += "=";
    q_ += QueryEscape(value);
    return *this;
  }
  const std::string& str() const { return q_; }

 private:
  std::string q_;
};

std::string SubPath(const Resource& r, std::string_view sub) {
  std::string s(r.plural);
  if (!sub.empty()) {
    s += "/";
    s += sub;
  }
  return s;
}

// A parsed answer, or the error for a body that is not a JSON object.
Result<json> ObjectOrError(std::optional<json> parsed, const RequestInfo& info) {
  if (!parsed || !parsed->is_object()) {
    return Error::Unavailable(info.verb + " " + info.resource + ": the server answered with a body that is not a "
                              "JSON object");
  }
  return std::move(*parsed);
}

}  // namespace

Result<WatchEvent> ParseWatchEvent(std::string_view line, bool without_managed_fields) {
  static const std::vector<JsonPath> kManagedFields = {{"object", "metadata", "managedFields"}};
  std::optional<json> parsed = without_managed_fields ? ParsePruned(line, kManagedFields)
                                                      : std::optional<json>(json::parse(line, nullptr, false));
  if (!parsed || parsed->is_discarded() || !parsed->is_object()) {
    return Error::InvalidArgument("watch event is not a JSON object");
  }
  json& j = *parsed;
  auto t = j.find("type");
  if (t == j.end() || !t->is_string()) return Error::InvalidArgument("watch event without a type");
  WatchEvent ev;
  const std::string type = t->get<std::string>();
  if (type == "ADDED") {
    ev.type = WatchEvent::Type::kAdded;
  } else if (type == "MODIFIED") {
    ev.type = WatchEvent::Type::kModified;
  } else if (type == "DELETED") {
    ev.type = WatchEvent::Type::kDeleted;
  } else if (type == "BOOKMARK") {
    ev.type = WatchEvent::Type::kBookmark;
  } else if (type == "ERROR") {
    ev.type = WatchEvent::Type::kError;
  } else {
    return Error::InvalidArgument("watch event of unknown type \"" + type.substr(0, 32) + "\"");
  }
  auto o = j.find("object");
  if (o == j.end() || !o->is_object()) return Error::InvalidArgument("watch event without an object");
  ev.object = std::move(*o);
  return ev;
}

Error ApiError(int status, std::string_view body, std::optional<std::string> retry_after, const RequestInfo& info) {
  std::string message;
  std::string reason;
  std::vector<std::string> causes;
  json j = json::parse(body, nullptr, false);
  if (!j.is_discarded() && j.is_object()) {
    if (j.contains("message") && j["message"].is_string()) message = j["message"].get<std::string>();
    if (j.contains("reason") && j["reason"].is_string()) reason = j["reason"].get<std::string>();
    if (j.contains("details") && j["details"].is_object() && j["details"].contains("causes") &&
        j["details"]["causes"].is_array()) {
      for (const auto& c : j["details"]["causes"]) {
        if (!c.is_object()) continue;
        std::string field = c.value("field", "");
        std::string msg = c.value("message", "");
        causes.push_back(field.empty() ? msg : field + ": " + msg);
      }
    }
  }
  if (message.empty()) message = "HTTP " + std::to_string(status);
  const std::string where = info.ns.empty() ? "" : " in namespace \"" + info.ns + "\"";
  const std::string what = info.verb + " " + info.resource + where;

  std::optional<std::chrono::seconds> after;
  if (retry_after) {
    char* end = nullptr;
    long secs = std::strtol(retry_after->c_str(), &end, 10);
    if (end != retry_after->c_str() && secs >= 0) after = std::chrono::seconds(secs);
  }
  switch (status) {
    case 400:
    case 422: {
      std::string m = what + ": invalid: " + message;
      if (!causes.empty() && message.find(causes.front()) == std::string::npos) {
        m += " (";
        for (size_t i = 0; i < causes.size(); ++i) m += (i ? "; " : "") + causes[i];
        m += ")";
      }
      return Error::InvalidArgument(m);
    }
    case 401:
      return Error::Unauthenticated(what + ": unauthorized: the token or certificate was rejected");
    case 403:
      return Error::PermissionDenied("forbidden: cannot " + info.verb + " " + info.resource + where + ": " + message);
    case 404:
      return Error::NotFound(what + ": not found: " + message);
    case 409:
      if (reason == "AlreadyExists") return Error::AlreadyExists(what + ": " + message);
      return Error::Aborted(what + ": conflict: " + message);
    case 410:
      return Error::Gone(what + ": gone: " + message);
    case 429:
      return Error::Unavailable(what + ": throttled: " + message, after);
    default:
      if (status >= 500) return Error::Unavailable(what + ": server error " + std::to_string(status) + ": " + message, after);
      return Error::Unavailable(what + ": unexpected HTTP " + std::to_string(status) + ": " + message, after);
  }
}

Client::Client(http::Transport& transport, RestConfig config, const Clock& clock)
    : transport_(transport), config_(std::move(config)), tokens_(config_.token, config_.token_file, clock) {}

Result<std::vector<http::Header>> Client::Headers(const std::string& content_type) {
  std::vector<http::Header> h{{"Accept", "application/json"}, {"User-Agent", "domainguard/0.1"}};
  if (!content_type.empty()) h.push_back({"Content-Type", content_type});
  auto token = tokens_.Token();
  if (!token.ok()) return token.error();
  if (!token->empty()) h.push_back({"Authorization", "Bearer " + *token});
  return h;
}

Result<http::HttpResponse> Client::Do(const std::string& method, const std::string& path_and_query,
                                      const std::string& content_type, const std::string& body,
                                      const RequestInfo& info) {
  for (int attempt = 0;; ++attempt) {
    auto headers = Headers(content_type);
    if (!headers.ok()) return headers.error();
    http::HttpRequest req{method, config_.server + path_and_query, std::move(*headers), body, request_timeout_};
    auto resp = transport_.Send(req);
    if (observer_) observer_(info, resp.ok() ? resp->status : 0);
    if (!resp.ok()) return resp.error().Wrap(info.verb + " " + info.resource);
    // A rotated token file: re-read it and try once more before calling the credentials bad.
    if (resp->status == 401 && attempt == 0 && tokens_.from_file()) {
      tokens_.Invalidate();
      continue;
    }
    if (resp->status < 200 || resp->status >= 300) {
      return ApiError(resp->status, resp->body, resp->Header("Retry-After"), info);
    }
    return resp;
  }
}

Result<json> Client::DoJson(const std::string& method, const std::string& path_and_query,
                            const std::string& content_type, const std::string& body, const RequestInfo& info,
                            Answer answer) {
  auto resp = Do(method, path_and_query, content_type, body, info);
  if (!resp.ok()) return resp.error();
  return ObjectOrError(ParseAnswer(resp->body, answer), info);
}

Result<json> Client::Get(const Resource& r, std::string_view ns, std::string_view name, std::string_view sub) {
  RequestInfo info{"get", SubPath(r, sub), std::string(ns), std::string(name)};
  return DoJson("GET", r.Path(ns, name, sub), "", "", info);
}

Result<ListPage> Client::List(const Resource& r, std::string_view ns, const ListOptions& o) {
  RequestInfo info{"list", std::string(r.plural), std::string(ns), ""};
  Query q;
  q.Add("labelSelector", o.label_selector).Add("fieldSelector", o.field_selector);
  if (o.limit > 0) q.Add("limit", std::to_string(o.limit));
  q.Add("continue", o.continue_token).Add("resourceVersion", o.resource_version);
  auto resp = Do("GET", r.Path(ns) + q.str(), "", "", info);
  if (!resp.ok()) return resp.error();
  static const std::vector<JsonPath> kItemsManagedFields = {{"items", "*", "metadata", "managedFields"}};
  Result<json> j = ObjectOrError(o.without_managed_fields ? ParsePruned(resp->body, kItemsManagedFields)
                                                          : ParseAnswer(resp->body, Answer::kWhole),
                                 info);
  if (!j.ok()) return j.error();
  ListPage page;
  auto items = j->find("items");
  if (items != j->end() && items->is_array()) {
    page.items.reserve(items->size());
    for (auto& item : *items) {
      // Items of a list carry no apiVersion/kind; add them so cached objects look like fetched ones.
      if (item.is_object()) {
        if (!item.contains("apiVersion")) item["apiVersion"] = r.ApiVersion();
        if (!item.contains("kind")) item["kind"] = std::string(r.kind);
        page.items.push_back(std::move(item));
      }
    }
  }
  auto meta = j->find("metadata");
  if (meta != j->end() && meta->is_object()) {
    page.resource_version = meta->value("resourceVersion", "");
    page.continue_token = meta->value("continue", "");
  }
  return page;
}

Result<ListPage> Client::ListAll(const Resource& r, std::string_view ns, ListOptions options) {
  ListPage all;
  for (;;) {
    auto page = List(r, ns, options);
    if (!page.ok()) return page.error();
    for (auto& item : page->items) all.items.push_back(std::move(item));
    all.resource_version = page->resource_version;
    if (page->continue_token.empty()) return all;
    options.continue_token = page->continue_token;
  }
}

Result<json> Client::Create(const Resource& r, std::string_view ns, const json& obj, Answer answer) {
  std::string n = Namespace(obj).empty() ? std::string(ns) : Namespace(obj);
  RequestInfo info{"create", std::string(r.plural), n, Name(obj)};
  return DoJson("POST", r.Path(n), "application/json", obj.dump(), info, answer);
}

Result<json> Client::Update(const Resource& r, const json& obj, std::string_view sub) {
  RequestInfo info{"update", SubPath(r, sub), Namespace(obj), Name(obj)};
  if (info.name.empty()) return Error::InvalidArgument("update " + info.resource + ": object has no metadata.name");
  return DoJson("PUT", r.Path(info.ns, info.name, sub), "application/json", obj.dump(), info);
}

Status Client::Delete(const Resource& r, std::string_view ns, std::string_view name, std::string_view uid) {
  RequestInfo info{"delete", std::string(r.plural), std::string(ns), std::string(name)};
  std::string body;
  if (!uid.empty()) {
    body = json{{"kind", "DeleteOptions"}, {"apiVersion", "v1"}, {"preconditions", {{"uid", std::string(uid)}}}}.dump();
  }
  auto resp = Do("DELETE", r.Path(ns, name), body.empty() ? "" : "application/json", body, info);
  if (!resp.ok()) return resp.error();
  return OkStatus();
}

Status Client::DeleteCollection(const Resource& r, std::string_view ns, std::string_view label_selector) {
  RequestInfo info{"deletecollection", std::string(r.plural), std::string(ns), ""};
  Query q;
  q.Add("labelSelector", label_selector);
  auto resp = Do("DELETE", r.Path(ns) + q.str(), "", "", info);
  if (!resp.ok()) return resp.error();
  return OkStatus();
}

Result<json> Client::CreateSubresource(const Resource& r, std::string_view ns, std::string_view name,
                                       std::string_view sub, const json& body) {
  RequestInfo info{"create", SubPath(r, sub), std::string(ns), std::string(name)};
  return DoJson("POST", r.Path(ns, name, sub), "application/json", body.dump(), info);
}

Result<json> Client::MergePatch(const Resource& r, std::string_view ns, std::string_view name, const json& patch,
                                std::string_view sub, Answer answer) {
  RequestInfo info{"patch", SubPath(r, sub), std::string(ns), std::string(name)};
  return DoJson("PATCH", r.Path(ns, name, sub), "application/merge-patch+json", patch.dump(), info, answer);
}

Result<json> Client::Apply(const Resource& r, const json& obj, std::string_view field_manager, bool force,
                           std::string_view sub, Answer answer) {
  RequestInfo info{"patch", SubPath(r, sub), Namespace(obj), Name(obj)};
  if (info.name.empty()) return Error::InvalidArgument("apply " + info.resource + ": object has no metadata.name");
  Query q;
  q.Add("fieldManager", field_manager);
  if (force) q.Add("force", "true");
  // JSON is YAML, so the apply-patch content type takes the JSON text as is.
  return DoJson("PATCH", r.Path(info.ns, info.name, sub) + q.str(), "application/apply-patch+yaml", obj.dump(), info,
                answer);
}

Result<json> Client::UpdateWithRetry(const Resource& r, std::string_view ns, std::string_view name,
                                     const std::function<Status(json&)>& mutate, std::string_view sub, int attempts) {
  Error last = Error::Internal("no attempt made");
  for (int i = 0; i < attempts; ++i) {
    auto current = Get(r, ns, name);
    if (!current.ok()) return current.error();
    json desired = *current;
    if (auto s = mutate(desired); !s.ok()) return s.error();
    if (desired == *current) return current;
    auto updated = Update(r, desired, sub);
    if (updated.ok() || updated.error().code != ErrorCode::kAborted) return updated;
    spdlog::debug("kube verb=update resource={} object={}/{} decision=retry-conflict attempt={}", SubPath(r, sub), ns,
                  name, i + 1);
    last = updated.error();
  }
  return last;
}

Result<std::unique_ptr<http::LineStream>> Client::OpenWatch(const Resource& r, std::string_view ns,
                                                           const WatchOptions& o) {
  RequestInfo info{"watch", std::string(r.plural), std::string(ns), ""};
  Query q;
  q.Add("watch", "1").Add("resourceVersion", o.resource_version);
  if (o.allow_bookmarks) q.Add("allowWatchBookmarks", "true");
  if (o.timeout_seconds > 0) q.Add("timeoutSeconds", std::to_string(o.timeout_seconds));
  q.Add("labelSelector", o.label_selector).Add("fieldSelector", o.field_selector);
  for (int attempt = 0;; ++attempt) {
    auto headers = Headers("");
    if (!headers.ok()) return headers.error();
    http::HttpRequest req{"GET", config_.server + r.Path(ns) + q.str(), std::move(*headers), "", request_timeout_};
    auto stream = transport_.OpenStream(req);
    if (!stream.ok()) return stream.error().Wrap("watch " + info.resource);
    int status = (*stream)->status();
    if (status == 200) return stream;
    if (status == 401 && attempt == 0 && tokens_.from_file()) {
      tokens_.Invalidate();
      continue;
    }
    // An error answer is a Status object; read what arrives quickly.
    std::string body;
    for (int i = 0; i < 64; ++i) {
      auto line = (*stream)->ReadLine(std::chrono::seconds(2));
      if (!line.ok()) break;
      body += *line;
    }
    return ApiError(status, body, std::nullopt, info);
  }
}

}  // namespace domainguard::kube
