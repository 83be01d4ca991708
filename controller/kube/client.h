// Client: a small Kubernetes REST client over http::Transport. Objects are nlohmann::json; every call returns a
// Result whose Error code says what to do next:
//   404 kNotFound, 409 kAborted (conflict) / kAlreadyExists (create), 410 kGone, 401 kUnauthenticated,
//   403 kPermissionDenied ("forbidden: cannot update deployments/status in namespace \"web\": <server message>"),
//   422/400 kInvalidArgument (with the server's causes: field names), 429/5xx kUnavailable (+ Retry-After).
//
// Thread-safety: a Client may be used from several threads at once. The Transport and Clock must outlive it.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "controller/base/clock.h"
#include "controller/base/result.h"
#include "controller/http/transport.h"
#include "controller/kube/answer.h"
#include "controller/kube/config.h"
#include "controller/kube/object.h"

namespace domainguard::kube {

struct ListOptions {
  std::string label_selector;
  std::string field_selector;
  int limit = 500;               // page size; 0: no paging
  std::string continue_token;    // from the previous page
  std::string resource_version;  // "" = a consistent read from etcd
  bool without_managed_fields = false;  // items' metadata.managedFields left out while parsing (pruned_json.h)
};

struct ListPage {
  std::vector<json> items;
  std::string resource_version;  // the list's resourceVersion (start a watch from here)
  std::string continue_token;    // "" on the last page
};

struct WatchOptions {
  std::string resource_version;
  int timeout_seconds = 300;  // the server ends the watch after this; the watcher then rewatches
  bool allow_bookmarks = true;
  std::string label_selector;
  std::string field_selector;
};

struct WatchEvent {
  enum class Type { kAdded, kModified, kDeleted, kBookmark, kError };
  Type type = Type::kAdded;
  json object;  // the object; for kError the Status (code 410: resourceVersion too old)
};

// Parses one watch stream line. kInvalidArgument on malformed JSON or an unknown type. `without_managed_fields`:
// the object's metadata.managedFields is left out while parsing (never built; pruned_json.h).
Result<WatchEvent> ParseWatchEvent(std::string_view line, bool without_managed_fields = false);

// What a request was for, so errors can say it in the user's words.
struct RequestInfo {
  std::string verb;       // get list watch create update patch delete
  std::string resource;   // "deployments" or "deployments/status"
  std::string ns;         // "" for cluster scope
  std::string name;
};

// Maps a non-2xx response to an Error (see the table at the top). Pure.
Error ApiError(int status, std::string_view body, std::optional<std::string> retry_after, const RequestInfo& info);

class Client {
 public:
  // REQUIRES: transport and clock outlive the Client.
  Client(http::Transport& transport, RestConfig config, const Clock& clock);
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  const RestConfig& config() const { return config_; }

  Result<json> Get(const Resource& r, std::string_view ns, std::string_view name, std::string_view sub = "");
  // One page.
  Result<ListPage> List(const Resource& r, std::string_view ns, const ListOptions& options = {});
  // Every page, following continue tokens; the resourceVersion of the last page.
  Result<ListPage> ListAll(const Resource& r, std::string_view ns, ListOptions options = {});
  // Writes return the object as answered, parsed as far as `answer` says (answer.h).
  // Create; the namespace comes from the object or `ns`.
  Result<json> Create(const Resource& r, std::string_view ns, const json& obj, Answer answer = Answer::kWhole);
  // Replace (PUT) the object or its subresource ("status"); obj must carry metadata.resourceVersion, so a
  // concurrent change fails with kAborted instead of being overwritten.
  Result<json> Update(const Resource& r, const json& obj, std::string_view sub = "");
  // Delete; kNotFound if already gone. `uid` non-empty: only that incarnation (a precondition).
  Status Delete(const Resource& r, std::string_view ns, std::string_view name, std::string_view uid = "");
  // Deletes every object of `r` in `ns` matching `label_selector` ("" = all): one deletecollection call.
  Status DeleteCollection(const Resource& r, std::string_view ns, std::string_view label_selector = "");
  // POST to an object's subresource, e.g. serviceaccounts/<name>/token (TokenRequest); returns the answer.
  Result<json> CreateSubresource(const Resource& r, std::string_view ns, std::string_view name, std::string_view sub,
                                 const json& body);
  // JSON merge patch (RFC 7386).
  Result<json> MergePatch(const Resource& r, std::string_view ns, std::string_view name, const json& patch,
                          std::string_view sub = "", Answer answer = Answer::kWhole);
  // Server-side apply of `obj` (must carry apiVersion, kind, metadata.name) as `field_manager`.
  Result<json> Apply(const Resource& r, const json& obj, std::string_view field_manager, bool force,
                     std::string_view sub = "", Answer answer = Answer::kWhole);
  // Reads the object, lets `mutate` change it, writes it back; on a conflict reads again and retries, up to
  // `attempts` times. When mutate leaves the object unchanged nothing is written. mutate's error is returned as is.
  Result<json> UpdateWithRetry(const Resource& r, std::string_view ns, std::string_view name,
                               const std::function<Status(json&)>& mutate, std::string_view sub = "",
                               int attempts = 5);
  // Opens a watch stream; a non-200 answer is mapped with ApiError. The stream's lines parse with ParseWatchEvent.
  Result<std::unique_ptr<http::LineStream>> OpenWatch(const Resource& r, std::string_view ns,
                                                      const WatchOptions& options);

  // Time allowed to a single request.
  void set_request_timeout(std::chrono::milliseconds t) { request_timeout_ = t; }

  // Called after every request with what it was for and the HTTP status (0: no answer), e.g. to count the
  // writes a controller makes. REQUIRES: set before the Client is shared between threads; must be thread-safe.
  using RequestObserver = std::function<void(const RequestInfo& info, int status)>;
  void set_request_observer(RequestObserver observer) { observer_ = std::move(observer); }

 private:
  Result<http::HttpResponse> Do(const std::string& method, const std::string& path_and_query,
                                const std::string& content_type, const std::string& body, const RequestInfo& info);
  Result<json> DoJson(const std::string& method, const std::string& path_and_query, const std::string& content_type,
                      const std::string& body, const RequestInfo& info, Answer answer = Answer::kWhole);
  Result<std::vector<http::Header>> Headers(const std::string& content_type);

  http::Transport& transport_;
  const RestConfig config_;
  TokenSource tokens_;
  std::chrono::milliseconds request_timeout_{30000};
  RequestObserver observer_;
};

}  // namespace domainguard::kube
