// Table tests of `domainguard run` flag parsing.
#include "controller/app/options.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace domainguard::app {
namespace {

using std::chrono::milliseconds;

struct OkCase {
  std::string name;
  std::vector<std::string> args;
  std::function<void(const ManagerOptions&)> check;
};

class ParseRunFlagsOk : public ::testing::TestWithParam<OkCase> {};

TEST_P(ParseRunFlagsOk, Parses) {
  Result<ManagerOptions> r = ParseRunFlags(GetParam().args);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  GetParam().check(*r);
}

INSTANTIATE_TEST_SUITE_P(
    Flags, ParseRunFlagsOk,
    ::testing::ValuesIn(std::vector<OkCase>{
        {"defaults_match_controller_runtime", {},
         [](const ManagerOptions& o) {
           EXPECT_EQ(o.metrics_bind, (BindAddress{"0.0.0.0", 8080, false}));
           EXPECT_EQ(o.probe_bind, (BindAddress{"0.0.0.0", 8081, false}));
           EXPECT_TRUE(o.leader_elect);
           EXPECT_EQ(o.leader_election_id, "domainguard-leader");
           EXPECT_EQ(o.lease_duration, milliseconds(15000));
           EXPECT_EQ(o.renew_deadline, milliseconds(10000));
           EXPECT_EQ(o.retry_period, milliseconds(2000));
           EXPECT_EQ(o.root_hints, "/usr/share/dns/root.hints");
           EXPECT_EQ(o.namespace_, "");
           EXPECT_EQ(o.workers, 2);
           EXPECT_EQ(o.records_workers, 16);
           EXPECT_FALSE(o.help);
         }},
        {"equals_and_space_forms",
         {"--kubeconfig=/k", "--namespace", "web", "-workers=4", "--log-level", "debug", "--records-workers", "32"},
         [](const ManagerOptions& o) {
           EXPECT_EQ(o.kubeconfig, "/k");
           EXPECT_EQ(o.namespace_, "web");
           EXPECT_EQ(o.workers, 4);
           EXPECT_EQ(o.records_workers, 32);
           EXPECT_EQ(o.log_level, "debug");
         }},
        {"bare_bool_is_true_and_explicit_false", {"--domain-controllers=false", "--domain-controllers", "--leader-elect=false"},
         [](const ManagerOptions& o) {
           EXPECT_TRUE(o.domain_controllers);
           EXPECT_FALSE(o.leader_elect);
         }},
        {"short_lease_durations", {"--lease-duration=4s", "--renew-deadline=3s", "--retry-period=500ms"},
         [](const ManagerOptions& o) {
           EXPECT_EQ(o.lease_duration, milliseconds(4000));
           EXPECT_EQ(o.renew_deadline, milliseconds(3000));
           EXPECT_EQ(o.retry_period, milliseconds(500));
         }},
        {"bind_addresses", {"--metrics-bind-address=127.0.0.1:18080", "--health-probe-bind-address", "[::1]:9"},
         [](const ManagerOptions& o) {
           EXPECT_EQ(o.metrics_bind, (BindAddress{"127.0.0.1", 18080, false}));
           EXPECT_EQ(o.probe_bind, (BindAddress{"::1", 9, false}));
         }},
        {"metrics_disabled_with_zero", {"--metrics-bind-address=0"},
         [](const ManagerOptions& o) { EXPECT_TRUE(o.metrics_bind.disabled); }},
        {"upstreams_are_kept",
         {"--root-hints=/h", "--rdap-bootstrap=/b.json", "--whois-servers=sm=127.0.0.1:18043, .net.=w.example:43",
          "--whois-referral-server=w.test:43"},
         [](const ManagerOptions& o) {
           EXPECT_EQ(o.root_hints, "/h");
           EXPECT_EQ(o.rdap_bootstrap, "/b.json");
           EXPECT_THAT(o.whois_servers, ::testing::UnorderedElementsAre(::testing::Pair("sm", "127.0.0.1:18043"),
                                                                         ::testing::Pair("net", "w.example:43")));
           EXPECT_EQ(o.whois_referral_server, "w.test:43");
         }},
        {"noop_controllers_repeatable", {"--noop-controller=h7.io/v1/widgets", "--noop-controller", "/v1/configmaps"},
         [](const ManagerOptions& o) {
           EXPECT_THAT(o.noop_controllers, ::testing::ElementsAre(ResourceFlag{"h7.io", "v1", "widgets"},
                                                                  ResourceFlag{"", "v1", "configmaps"}));
         }},
        {"help", {"--help"}, [](const ManagerOptions& o) { EXPECT_TRUE(o.help); }},
        {"identity_and_lease_namespace", {"--leader-election-identity=a", "--leader-election-namespace=dg"},
         [](const ManagerOptions& o) {
           EXPECT_EQ(o.leader_election_identity, "a");
           EXPECT_EQ(o.leader_election_namespace, "dg");
         }},
    }),
    [](const auto& info) { return info.param.name; });

struct BadCase {
  std::string name;
  std::vector<std::string> args;
  std::string want;  // the whole message
};

class ParseRunFlagsBad : public ::testing::TestWithParam<BadCase> {};

TEST_P(ParseRunFlagsBad, OneClearErrorNamingTheFlag) {
  Result<ManagerOptions> r = ParseRunFlags(GetParam().args);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().message, GetParam().want);
}

INSTANTIATE_TEST_SUITE_P(
    Flags, ParseRunFlagsBad,
    ::testing::ValuesIn(std::vector<BadCase>{
        {"unknown_flag", {"--frobnicate=1"}, "unknown flag --frobnicate"},
        {"bad_duration", {"--lease-duration=abc"}, "--lease-duration: invalid duration \"abc\""},
        {"zero_duration", {"--retry-period=0s"}, "--retry-period: must be positive, got \"0s\""},
        {"missing_value", {"--workers"}, "--workers: missing value"},
        {"workers_not_a_number", {"--workers=many"}, "--workers: want a number from 1 to 256, got \"many\""},
        {"workers_zero", {"--workers=0"}, "--workers: want a number from 1 to 256, got \"0\""},
        {"records_workers_too_many", {"--records-workers=257"},
         "--records-workers: want a number from 1 to 256, got \"257\""},
        {"bad_bool", {"--leader-elect=maybe"}, "--leader-elect: invalid boolean \"maybe\""},
        {"bad_port", {"--metrics-bind-address=:99999"}, "--metrics-bind-address: invalid port \"99999\""},
        {"no_port", {"--health-probe-bind-address=localhost"},
         "--health-probe-bind-address: want host:port, :port or 0, got \"localhost\""},
        {"bad_log_level", {"--log-level=loud"}, "--log-level: want trace|debug|info|warn|error, got \"loud\""},
        {"renew_not_shorter_than_lease", {"--lease-duration=5s", "--renew-deadline=5s"},
         "--renew-deadline: must be shorter than --lease-duration"},
        {"retry_not_shorter_than_renew", {"--retry-period=10s"}, "--retry-period: must be shorter than --renew-deadline"},
        {"positional", {"extra"}, "unexpected argument \"extra\" (run takes only flags)"},
        {"bad_whois", {"--whois-servers=sm"}, "--whois-servers: want tld=host[:port], got \"sm\""},
        // Alerts go to AlertChannel resources; the flags that once stood for them are gone, not silently ignored.
        {"webhook_flag_removed", {"--webhook-url=http://x"}, "unknown flag --webhook-url"},
        {"bad_noop", {"--noop-controller=widgets"}, "--noop-controller: want GROUP/VERSION/PLURAL, got \"widgets\""},
        {"empty_lease_id", {"--leader-election-id="}, "--leader-election-id: must not be empty"},
    }),
    [](const auto& info) { return info.param.name; });

TEST(RunUsage, ListsEveryFlag) {
  const std::string u = RunUsage();
  for (const char* f : {"--kubeconfig", "--namespace", "--metrics-bind-address", "--health-probe-bind-address",
                        "--leader-elect ", "--leader-election-namespace", "--leader-election-id", "--lease-duration",
                        "--renew-deadline", "--retry-period", "--log-level", "--workers", "--records-workers",
                        "--root-hints", "--rdap-bootstrap", "--whois-servers", "--whois-referral-server"}) {
    EXPECT_NE(u.find(f), std::string::npos) << f;
  }
  EXPECT_NE(u.find("(default :8080)"), std::string::npos);
  EXPECT_NE(u.find("(default 15s)"), std::string::npos);
}

TEST(ResolveLeaderElectionNamespace, FlagThenPodThenDefault) {
  ManagerOptions o;
  EXPECT_EQ(ResolveLeaderElectionNamespace(o, std::nullopt), "default");
  EXPECT_EQ(ResolveLeaderElectionNamespace(o, std::string("domainguard-system\n")), "domainguard-system");
  EXPECT_EQ(ResolveLeaderElectionNamespace(o, std::string("  \n")), "default");
  o.leader_election_namespace = "dg";
  EXPECT_EQ(ResolveLeaderElectionNamespace(o, std::string("domainguard-system")), "dg");
}

}  // namespace
}  // namespace domainguard::app
