#include "controller/app/run_command.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include <spdlog/spdlog.h>

#include "controller/app/builtin_controllers.h"
#include "controller/app/manager.h"
#include "controller/app/options.h"
#include "controller/app/signals.h"
#include "controller/base/log.h"
#include "controller/http/transport.h"
#include "controller/kube/config.h"
#include "controller/metrics/registry.h"

namespace domainguard::app {

namespace {

constexpr const char* kServiceAccountNamespaceFile = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";

std::optional<std::string> ReadFile(const char* path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// client-go's habit: hostname (the pod name) plus a random suffix, so a restarted pod with the same name is a
// new candidate and never mistakes the old holder's Lease for its own.
std::string DefaultIdentity() {
  std::string host = "domainguard";
  if (const char* pod = std::getenv("POD_NAME"); pod != nullptr && *pod != '\0') {
    host = pod;
  } else {
    char buf[256] = {};
    if (gethostname(buf, sizeof(buf) - 1) == 0 && buf[0] != '\0') host = buf;
  }
  std::random_device rd;
  char suffix[17];
  std::snprintf(suffix, sizeof(suffix), "%08x%08x", rd(), rd());
  return host + "_" + suffix;
}

}  // namespace

int RunCommand(const std::vector<std::string>& args) {
  Result<ManagerOptions> parsed = ParseRunFlags(args);
  if (!parsed.ok()) {
    std::fprintf(stderr, "error: %s\n", parsed.error().message.c_str());
    return 64;
  }
  const ManagerOptions& options = *parsed;
  if (options.help) {
    std::fputs(RunUsage().c_str(), stdout);
    return 0;
  }

  // Before any thread exists, so every thread inherits the blocked mask and only sigwait sees the signals.
  BlockShutdownSignals();
  // cpprestsdk's pool now serves only the metrics/probe server (clients run on their callers' threads: libcurl); its
  // threads only run non-blocking I/O steps, so about one per core, not 40 idle ones (transport.h). After the
  // mask: they are threads too.
  if (auto sized = http::SizeThreadPool(std::clamp(std::thread::hardware_concurrency(), 2u, 8u)); !sized.ok()) {
    std::fprintf(stderr, "error: %s\n", sized.error().ToString().c_str());
    return 70;
  }
  InitLogging(options.log_level);

  Result<kube::RestConfig> config = kube::LoadDefaultConfig(options.kubeconfig);
  if (!config.ok()) {
    spdlog::error("manager decision=exit code=1 why=\"no Kubernetes config\" error=\"{}\"", config.error().ToString());
    return 1;
  }
  Result<std::unique_ptr<http::Transport>> transport = http::NewTransport(config->tls);
  if (!transport.ok()) {
    spdlog::error("manager decision=exit code=1 why=\"TLS setup\" error=\"{}\"", transport.error().ToString());
    return 1;
  }
  RealClock clock;
  kube::Client client(**transport, *config, clock);
  kube::Client election_client(**transport, *config, clock);
  // A Lease request must not outlive the renew deadline, or a hung connection would keep a stale leader.
  election_client.set_request_timeout(std::max(options.retry_period, options.renew_deadline / 2));

  const std::string lease_ns = ResolveLeaderElectionNamespace(options, ReadFile(kServiceAccountNamespaceFile));
  const std::string identity =
      options.leader_election_identity.empty() ? DefaultIdentity() : options.leader_election_identity;
  spdlog::info("manager identity={} decision=start server={} leader_elect={} lease={}/{} workers={}", identity,
               config->server, options.leader_elect, lease_ns, options.leader_election_id, options.workers);

  // The Manager is deliberately never destroyed: after Run the process ends with _Exit, so a reconcile still
  // running past the graceful timeout (or after leadership was lost) cannot touch freed state.
  auto* manager = new Manager(options, lease_ns, identity, client, election_client, clock);
  // domainguard's own apiserver requests by verb, resource and code: what it costs the apiserver (writes per new
  // Domain, none for an unchanged one), apart from the rest of the cluster that apiserver_request_total mixes in.
  metrics::CounterFamily& requests = manager->registry().AddCounter(
      "domainguard_apiserver_requests_total", "Kubernetes API requests made by domainguard (watches not counted).",
      {"verb", "resource", "code"});
  auto count = [&requests](const kube::RequestInfo& info, int status) {
    requests.WithLabels({info.verb, info.resource, std::to_string(status)})->Inc();
  };
  client.set_request_observer(count);
  election_client.set_request_observer(count);
  Result<std::unique_ptr<ControllerRuntime>> runtime = RegisterControllers(*manager, options, client, clock);
  if (!runtime.ok()) {
    spdlog::error("manager decision=exit code=1 why=\"controller setup\" error=\"{}\"", runtime.error().ToString());
    std::fprintf(stderr, "error: %s\n", runtime.error().message.c_str());
    return 1;
  }
  // Like the Manager, kept to the end of the process (released by _Exit).
  (void)runtime->release();
  StartSignalThread([manager](const char*) { manager->RequestStop(); });
  int code = manager->Run();
  spdlog::default_logger()->flush();
  std::fflush(stdout);
  std::_Exit(code);
}

}  // namespace domainguard::app
