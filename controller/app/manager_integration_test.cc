// `domainguard run` as users run it: real processes of the built binary against the bed's kube-apiserver, with
// short lease flags (4s/3s/1s) so the test stays quick. Asserts what an operator sees: the Lease's holder,
// leader_election_master_status on /metrics, /healthz and /readyz, exit codes, and how fast a standby takes over.
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "controller/app/testbed_kube_test_util.h"
#include "controller/http/testing/loopback_port.h"
#include "controller/kube/leader_election.h"

namespace domainguard::app {
namespace {

using namespace std::chrono_literals;
using testing::Eventually;
using Ms = std::chrono::milliseconds;

const char* const kLeaseNs = "default";

std::string TestDir() {
  std::string d = "/tmp/dg-app-test-" + std::to_string(getpid());
  mkdir(d.c_str(), 0700);
  return d;
}

// One `domainguard run` process with its own ports; killed (SIGKILL) when destroyed if still running.
class ManagerProcess {
 public:
  ManagerProcess(std::string identity, const std::string& log_name, std::vector<std::string> extra_args)
      : identity_(std::move(identity)),
        metrics_port_(http::testing::UnusedLoopbackPort()),
        probe_port_(http::testing::UnusedLoopbackPort()) {
    log_path_ = TestDir() + "/" + log_name + ".log";
    std::vector<std::string> args = {DG_DOMAINGUARD_BIN,
                                     "run",
                                     "--leader-election-identity=" + identity_,
                                     "--metrics-bind-address=127.0.0.1:" + std::to_string(metrics_port_),
                                     "--health-probe-bind-address=127.0.0.1:" + std::to_string(probe_port_)};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    pid_ = fork();
    if (pid_ == 0) {
      int fd = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
      dup2(fd, 1);
      dup2(fd, 2);
      std::vector<char*> argv;
      for (std::string& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
  }
  ~ManagerProcess() {
    if (running()) {
      kill(pid_, SIGKILL);
      Wait(5s);
    }
  }

  const std::string& identity() const { return identity_; }
  bool running() const { return pid_ > 0 && !exit_code_; }
  void Signal(int sig) { kill(pid_, sig); }
  // The exit code (128+signal when killed), or nullopt when still running after `timeout`.
  std::optional<int> Wait(Ms timeout) {
    if (exit_code_) return exit_code_;
    Eventually([&] {
      int st = 0;
      if (waitpid(pid_, &st, WNOHANG) == pid_) {
        exit_code_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        return true;
      }
      return false;
    }, timeout);
    return exit_code_;
  }

  // GET on the probe or metrics port: {status, body}; status 0 when nothing answers.
  std::pair<int, std::string> Get(http::Transport& t, bool metrics, const std::string& path) {
    http::HttpRequest req;
    req.url = "http://127.0.0.1:" + std::to_string(metrics ? metrics_port_ : probe_port_) + path;
    req.timeout = 2s;
    Result<http::HttpResponse> r = t.Send(req);
    if (!r.ok()) return {0, r.error().ToString()};
    return {r->status, r->body};
  }
  // leader_election_master_status{name=lease} from /metrics: 1, 0, or -1 when absent/unreachable.
  int MasterStatus(http::Transport& t, const std::string& lease) {
    auto [status, body] = Get(t, true, "/metrics");
    if (status != 200) return -1;
    std::string series = "leader_election_master_status{name=\"" + lease + "\"} ";
    size_t at = body.find(series);
    if (at == std::string::npos) return -1;
    return body[at + series.size()] == '1' ? 1 : 0;
  }
  std::string Log() const {
    std::ifstream in(log_path_);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  std::string LogTail() const {
    std::string s = Log();
    return "--- log of " + identity_ + " ---\n" + (s.size() > 4000 ? s.substr(s.size() - 4000) : s);
  }

 private:
  std::string identity_;
  int metrics_port_;
  int probe_port_;
  std::string log_path_;
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
};

class ManagerIntegration : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = testing::ConnectToBed();
    if (env_ == nullptr) return;
    kubeconfig_ = BedEnv("KUBECONFIG");
    Result<std::unique_ptr<http::Transport>> t = http::NewTransport({});
    ASSERT_TRUE(t.ok());
    http_ = std::move(t.value());
    ASSERT_TRUE(testing::EnsureTestCrd(*env_->client, "h7test.domainguard.io", "widgets", "Widget"));
    lease_ = "h7-lease-" + std::to_string(getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::transform(lease_.begin(), lease_.end(), lease_.begin(), [](char c) { return static_cast<char>(std::tolower(c)); });
  }
  void TearDown() override {
    if (::testing::Test::HasFailure()) {
      for (auto& p : procs_) std::cerr << p->LogTail() << "\n";
    }
    procs_.clear();
    if (env_) (void)env_->client->Delete(kube::kLeases, kLeaseNs, lease_);
  }

  ManagerProcess& Start(const std::string& identity, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"--kubeconfig=" + kubeconfig_,
                                     std::string("--leader-election-namespace=") + kLeaseNs,
                                     "--leader-election-id=" + lease_,
                                     "--lease-duration=4s",
                                     "--renew-deadline=3s",
                                     "--retry-period=1s",
                                     // Only the test resource: these tests are about the manager, not Domains.
                                     "--domain-controllers=false",
                                     "--noop-controller=h7test.domainguard.io/v1/widgets"};
    args.insert(args.end(), extra.begin(), extra.end());
    procs_.push_back(
        std::make_unique<ManagerProcess>(identity + "-" + std::to_string(getpid()), lease_ + "-" + identity, args));
    return *procs_.back();
  }

  // The Lease's holderIdentity; "" when released, "?" when the Lease cannot be read.
  std::string Holder() {
    Result<kube::json> l = env_->client->Get(kube::kLeases, kLeaseNs, lease_);
    if (!l.ok()) return "?";
    return kube::LeaseRecordFromJson(*l).holder;
  }

  // Waits until exactly one of the processes leads by the Lease and by /metrics; returns it.
  ManagerProcess* WaitForOneLeader(std::vector<ManagerProcess*> ps, Ms timeout) {
    ManagerProcess* leader = nullptr;
    Eventually([&] {
      leader = nullptr;
      std::string holder = Holder();
      int leaders = 0;
      for (ManagerProcess* p : ps) {
        int m = p->MasterStatus(*http_, lease_);
        if (m == 1) ++leaders;
        if (m == 1 && p->identity() == holder) leader = p;
        if (m == -1) return false;
      }
      return leaders == 1 && leader != nullptr;
    }, timeout);
    return leader;
  }

  std::unique_ptr<testing::KubeEnv> env_;
  std::unique_ptr<http::Transport> http_;
  std::string kubeconfig_;
  std::string lease_;
  std::vector<std::unique_ptr<ManagerProcess>> procs_;
};

TEST(RunFlags, BadFlagIsOneLineNamingItAndExit64) {
  std::string out = TestDir() + "/badflag.out";
  std::string cmd = std::string(DG_DOMAINGUARD_BIN) + " run --lease-duration=soon >" + out + " 2>&1";
  int st = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(st));
  EXPECT_EQ(WEXITSTATUS(st), 64);
  std::ifstream in(out);
  std::string first;
  std::getline(in, first);
  EXPECT_EQ(first, "error: --lease-duration: invalid duration \"soon\"");
}

TEST(RunFlags, HelpListsTheFlags) {
  std::string out = TestDir() + "/help.out";
  std::string cmd = std::string(DG_DOMAINGUARD_BIN) + " run --help >" + out + " 2>&1";
  int st = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(st));
  EXPECT_EQ(WEXITSTATUS(st), 0);
  std::ifstream in(out);
  std::stringstream ss;
  ss << in.rdbuf();
  for (const char* f : {"--leader-elect", "--metrics-bind-address", "--health-probe-bind-address", "--root-hints",
                        "--rdap-bootstrap", "--whois-servers", "--whois-referral-server"}) {
    EXPECT_NE(ss.str().find(f), std::string::npos) << f;
  }
}

TEST_F(ManagerIntegration, ExactlyOneLeadsAndBothAreReady) {
  if (env_ == nullptr) return;
  ManagerProcess& a = Start("a");
  ManagerProcess& b = Start("b");
  ManagerProcess* leader = WaitForOneLeader({&a, &b}, 15s);
  ASSERT_NE(leader, nullptr) << "no single leader; lease holder " << Holder();
  ManagerProcess* standby = leader == &a ? &b : &a;
  EXPECT_EQ(standby->MasterStatus(*http_, lease_), 0);
  // Stays that way over several retry periods (no flapping, no second leader).
  std::this_thread::sleep_for(2500ms);
  EXPECT_EQ(Holder(), leader->identity());
  EXPECT_EQ(leader->MasterStatus(*http_, lease_), 1);
  EXPECT_EQ(standby->MasterStatus(*http_, lease_), 0);

  for (ManagerProcess* p : {leader, standby}) {
    EXPECT_EQ(p->Get(*http_, false, "/healthz").first, 200) << p->identity();
    EXPECT_TRUE(Eventually([&] { return p->Get(*http_, false, "/readyz").first == 200; }, 10s)) << p->identity();
  }
  // The leader runs the controller: its work queue and controller-runtime metrics are exported.
  std::string metrics = leader->Get(*http_, true, "/metrics").second;
  EXPECT_NE(metrics.find("workqueue_adds_total{name=\"noop-widgets\"}"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("# TYPE leader_election_master_status gauge"), std::string::npos);
  EXPECT_NE(metrics.find("controller_runtime_max_concurrent_reconciles{controller=\"noop-widgets\"} 2"),
            std::string::npos);
  // A Widget is reconciled by the leader only.
  std::string ns = testing::CreateTestNamespace(*env_->client, "mgr");
  kube::json w = {{"apiVersion", "h7test.domainguard.io/v1"},
                  {"kind", "Widget"},
                  {"metadata", {{"name", "w1"}, {"namespace", ns}}},
                  {"spec", {{"x", 1}}}};
  ASSERT_TRUE(env_->client->Create(kube::Resource{"h7test.domainguard.io", "v1", "widgets", "Widget", true}, ns, w).ok());
  EXPECT_TRUE(Eventually([&] {
    std::string m = leader->Get(*http_, true, "/metrics").second;
    return m.find("controller_runtime_reconcile_total{controller=\"noop-widgets\",result=\"success\"}") !=
           std::string::npos;
  }, 10s));
  EXPECT_EQ(standby->Get(*http_, true, "/metrics").second.find("controller_runtime_reconcile_total"),
            std::string::npos)
      << "the standby reconciled";
  (void)env_->client->Delete(kube::kNamespaces, "", ns);
}

TEST_F(ManagerIntegration, KillNineLeaderStandbyTakesOverWithinLeaseDuration) {
  if (env_ == nullptr) return;
  ManagerProcess& a = Start("a");
  ManagerProcess& b = Start("b");
  ManagerProcess* leader = WaitForOneLeader({&a, &b}, 15s);
  ASSERT_NE(leader, nullptr);
  ManagerProcess* standby = leader == &a ? &b : &a;

  auto t0 = std::chrono::steady_clock::now();
  leader->Signal(SIGKILL);
  ASSERT_EQ(leader->Wait(5s), 128 + SIGKILL);
  ASSERT_TRUE(Eventually([&] { return Holder() == standby->identity() && standby->MasterStatus(*http_, lease_) == 1; },
                         15s))
      << "holder " << Holder();
  auto took = std::chrono::duration_cast<Ms>(std::chrono::steady_clock::now() - t0);
  std::printf("[ measured ] kill -9 takeover: %lld ms (lease 4s, retry 1s)\n", static_cast<long long>(took.count()));
  // The standby must wait out the lease (no split brain) ...
  EXPECT_GE(took.count(), 2000);
  // ... and take over within lease duration + retry period (+ scheduling slack on a loaded machine).
  EXPECT_LE(took.count(), 4000 + 1000 + 1500);
  EXPECT_TRUE(Eventually([&] { return standby->Get(*http_, false, "/readyz").first == 200; }, 10s));
}

TEST_F(ManagerIntegration, SigtermReleasesTheLeaseAndExitsZero) {
  if (env_ == nullptr) return;
  ManagerProcess& a = Start("a");
  ManagerProcess& b = Start("b");
  ManagerProcess* leader = WaitForOneLeader({&a, &b}, 15s);
  ASSERT_NE(leader, nullptr);
  ManagerProcess* standby = leader == &a ? &b : &a;

  auto t0 = std::chrono::steady_clock::now();
  leader->Signal(SIGTERM);
  std::optional<int> code = leader->Wait(10s);
  auto exited = std::chrono::duration_cast<Ms>(std::chrono::steady_clock::now() - t0);
  ASSERT_TRUE(code.has_value()) << "still running 10 s after SIGTERM";
  EXPECT_EQ(*code, 0);
  // Released: the holder is gone (or the standby already took it) right after the exit.
  std::string holder = Holder();
  EXPECT_TRUE(holder.empty() || holder == standby->identity()) << "holder " << holder;
  ASSERT_TRUE(Eventually([&] { return Holder() == standby->identity() && standby->MasterStatus(*http_, lease_) == 1; },
                         10s));
  auto took = std::chrono::duration_cast<Ms>(std::chrono::steady_clock::now() - t0);
  std::printf("[ measured ] SIGTERM: exit after %lld ms, standby leads after %lld ms (lease 4s, retry 1s)\n",
              static_cast<long long>(exited.count()), static_cast<long long>(took.count()));
  // About one retry period, well under the 4 s lease duration a crash would cost.
  EXPECT_LT(took.count(), 3000);
}

TEST_F(ManagerIntegration, LosingTheLeaseStopsAndExitsNonZero) {
  if (env_ == nullptr) return;
  ManagerProcess& a = Start("a");
  ASSERT_EQ(WaitForOneLeader({&a}, 15s), &a);
  // Another holder takes the Lease (as after a long partition): the old leader must stop at once.
  Result<kube::json> l = env_->client->UpdateWithRetry(kube::kLeases, kLeaseNs, lease_, [](kube::json& lease) {
    kube::LeaseRecord r = kube::LeaseRecordFromJson(lease);
    r.holder = "intruder";
    r.renew_time = std::chrono::system_clock::now();
    r.lease_duration_seconds = 60;
    kube::ApplyLeaseRecord(lease, r);
    return OkStatus();
  });
  ASSERT_TRUE(l.ok()) << l.error().ToString();
  std::optional<int> code = a.Wait(6s);
  ASSERT_TRUE(code.has_value()) << "still running after losing the lease";
  EXPECT_EQ(*code, 1);
  EXPECT_EQ(Holder(), "intruder") << "the old leader wrote the Lease after losing it";
}

TEST_F(ManagerIntegration, WithoutLeaderElectionRunsAtOnceAndSigintExitsZero) {
  if (env_ == nullptr) return;
  ManagerProcess& a = Start("solo", {"--leader-elect=false"});
  EXPECT_TRUE(Eventually([&] { return a.Get(*http_, false, "/readyz").first == 200; }, 15s));
  EXPECT_EQ(a.MasterStatus(*http_, lease_), 1);
  EXPECT_EQ(Holder(), "?") << "a Lease was written with --leader-elect=false";
  a.Signal(SIGINT);
  EXPECT_EQ(a.Wait(10s), std::optional<int>(0));
}

// Also: no worker starts before every cache has synced (controller-runtime's WaitForCacheSync). A Widget is in the
// widgets cache at once, but reconciling it while another cache is still empty would judge it against objects
// "not found" (after a restart: a Domain's DNSProviders, issue #14).
TEST_F(ManagerIntegration, ReadyzWaitsForTheCachesToSync) {
  if (env_ == nullptr) return;
  std::string ns = testing::CreateTestNamespace(*env_->client, "mgrsync");
  kube::json w = {{"apiVersion", "h7test.domainguard.io/v1"},
                  {"kind", "Widget"},
                  {"metadata", {{"name", "w1"}, {"namespace", ns}}},
                  {"spec", {{"x", 1}}}};
  std::string error;
  ASSERT_TRUE(Eventually([&] {
    Result<kube::json> r = env_->client->Create(kube::Resource{"h7test.domainguard.io", "v1", "widgets", "Widget", true}, ns, w);
    if (!r.ok()) error = r.error().ToString();
    return r.ok();
  }, 10s)) << error;
  // A resource that does not exist yet: the leader's informer cannot list it, so it is not ready.
  const std::string plural = "gadget" + std::to_string(getpid()) + "s";
  ManagerProcess& a = Start("a", {"--noop-controller=h7test.domainguard.io/v1/" + plural});
  ASSERT_EQ(WaitForOneLeader({&a}, 15s), &a);
  EXPECT_EQ(a.Get(*http_, false, "/healthz").first, 200);
  auto [status, body] = a.Get(*http_, false, "/readyz");
  EXPECT_EQ(status, 503);
  EXPECT_NE(body.find("caches not synced: h7test.domainguard.io/v1/" + plural), std::string::npos) << body;
  std::this_thread::sleep_for(1500ms);
  EXPECT_EQ(a.Get(*http_, false, "/readyz").first, 503);
  EXPECT_EQ(a.Log().find("controller=noop-widgets key=" + ns + "/w1"), std::string::npos)
      << "a Widget was reconciled before every cache had synced";

  auto t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(testing::EnsureTestCrd(*env_->client, "h7test.domainguard.io", plural, "Gadget" + std::to_string(getpid())));
  EXPECT_TRUE(Eventually([&] { return a.Get(*http_, false, "/readyz").first == 200; }, 20s));
  std::printf("[ measured ] readyz 200 %lld ms after the CRD was created\n",
              static_cast<long long>(std::chrono::duration_cast<Ms>(std::chrono::steady_clock::now() - t0).count()));
  EXPECT_TRUE(Eventually([&] { return a.Log().find("controller=noop-widgets key=" + ns + "/w1") != std::string::npos; },
                         10s))
      << "the Widget was not reconciled once the caches had synced";
  (void)env_->client->Delete(kube::kCustomResourceDefinitions, "", plural + ".h7test.domainguard.io");
  (void)env_->client->Delete(kube::kNamespaces, "", ns);
}

}  // namespace
}  // namespace domainguard::app
