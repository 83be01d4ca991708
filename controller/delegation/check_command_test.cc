// `domainguard check` argument handling; the network paths are covered by delegation_integration_test.
#include "controller/delegation/check_command.h"

#include <sstream>

#include <fstream>
#include <cstdlib>
#include "controller/base/time_format.h"
#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace domainguard::delegation {
namespace {

using ::testing::HasSubstr;

struct CheckRun {
  int code;
  std::string out, err;
};

CheckRun Check(const std::vector<std::string>& args, const CheckPlugins& plugins = {}) {
  std::ostringstream out, err;
  const int code = RunCheck(args, plugins, out, err);
  return {code, out.str(), err.str()};
}

TEST(CheckCommandTest, UsageErrorsExitUnknownAndSayWhy) {
  EXPECT_THAT(Check({}).err, HasSubstr("name at least one ZONE or -f FILE"));
  EXPECT_EQ(Check({}).code, 3);
  EXPECT_THAT(Check({"example.com", "-o", "xml"}).err, HasSubstr("-o: want table or json"));
  EXPECT_THAT(Check({"example.com", "--timeout", "soon"}).err, HasSubstr("--timeout"));
  EXPECT_THAT(Check({"example.com", "--port", "70000"}).err, HasSubstr("--port"));
  EXPECT_THAT(Check({"example.com", "--root-hints"}).err, HasSubstr("--root-hints needs a value"));
  EXPECT_THAT(Check({"example.com", "--rdap-bootstrap", "x"}).err, HasSubstr("unknown flag --rdap-bootstrap"));
}

TEST(CheckCommandTest, MissingInputsExitUnknown) {
  CheckRun hints = Check({"example.com", "--root-hints", "/nonexistent/root.hints"});
  EXPECT_EQ(hints.code, 3);
  EXPECT_THAT(hints.err, HasSubstr("root hints: cannot open /nonexistent/root.hints"));
  CheckRun manifest = Check({"-f", "/nonexistent/domains.yaml"});
  EXPECT_EQ(manifest.code, 3);
  EXPECT_THAT(manifest.err, HasSubstr("cannot open /nonexistent/domains.yaml"));
}

TEST(CheckCommandTest, HelpPrintsUsage) {
  CheckRun help = Check({"--help"});
  EXPECT_EQ(help.code, 0);
  EXPECT_THAT(help.out, HasSubstr("usage: domainguard check"));
}

TEST(CheckCommandTest, PluginsClaimTheirFlagsAndCanRefuseThem) {
  std::map<std::string, std::string> seen;
  CheckPlugins plugins;
  plugins.parts.push_back(CheckPlugin{"registration",
                                      {"--rdap-bootstrap"},
                                      {"--no-registration"},
                                      [&](const std::map<std::string, std::string>& flags) {
                                        seen = flags;
                                        return std::string("bootstrap file unreadable");
                                      },
                                      nullptr, "", {}, nullptr, nullptr});
  CheckRun r = Check({"example.com", "--rdap-bootstrap=/x.json", "--no-registration"}, plugins);
  EXPECT_EQ(r.code, 3);
  EXPECT_THAT(r.err, HasSubstr("registration: bootstrap file unreadable"));
  EXPECT_EQ(seen["--rdap-bootstrap"], "/x.json");
  EXPECT_EQ(seen.count("--no-registration"), 1u);
}

TEST(CheckCommandTest, HelpListsThePluginsFlags) {
  CheckPlugins plugins;
  CheckPlugin p;
  p.key = "registration";
  p.value_flags = {"--rdap-bootstrap"};
  p.usage = "         [--rdap-bootstrap FILE]   IANA RDAP bootstrap\n";
  plugins.parts.push_back(p);
  CheckRun help = Check({"--help"}, plugins);
  EXPECT_EQ(help.code, 0);
  EXPECT_THAT(help.out, HasSubstr("--rdap-bootstrap FILE"));
  EXPECT_THAT(help.out, HasSubstr("--now RFC3339"));
  EXPECT_THAT(help.out, HasSubstr("exit: 0 healthy"));
}

TEST(CheckCommandTest, NowAndManifestDomainsReachThePlugins) {
  const std::string manifest = ::testing::TempDir() + "/check_now_domains.yaml";
  {
    std::ofstream f(manifest);
    f << "apiVersion: domainguard.io/v1alpha1\nkind: Domain\nmetadata: {name: a, namespace: web}\n"
         "spec:\n  zone: a.test\n"
         "  checks:\n    registration: {warnBefore: 1000h, criticalBefore: 200h, expectTransferLock: true}\n"
         "---\nkind: DNSProvider\nmetadata: {name: p}\nspec:\n  nameservers: [ns1.p.test.]\n";
  }
  std::optional<CheckSetup> seen;
  CheckPlugins plugins;
  CheckPlugin p;
  p.key = "registration";
  p.setup = [&](const CheckSetup& s) {
    seen = s;
    return std::string();
  };
  plugins.parts.push_back(p);
  // The root hints are missing, so the run stops after the plug-ins were set up.
  CheckRun r = Check({"-f", manifest, "--now", "2026-11-23T12:00:00Z", "--root-hints", "/nonexistent/hints"}, plugins);
  EXPECT_EQ(r.code, 3);
  ASSERT_TRUE(seen.has_value());
  ASSERT_TRUE(seen->now.has_value());
  EXPECT_EQ(FormatRfc3339(*seen->now), "2026-11-23T12:00:00Z");
  ASSERT_EQ(seen->domains.size(), 1u);  // the DNSProvider is not a Domain
  EXPECT_EQ(seen->domains[0]["spec"]["checks"]["registration"]["expectTransferLock"], true);
  EXPECT_EQ(seen->domains[0]["spec"]["checks"]["registration"]["warnBefore"], "1000h");

  EXPECT_THAT(Check({"a.test", "--now", "yesterday"}).err, HasSubstr("--now: want an RFC 3339 time"));
  ::setenv("DOMAINGUARD_NOW", "2030-01-02T03:04:05Z", 1);
  seen.reset();
  Check({"a.test", "--root-hints", "/nonexistent/hints"}, plugins);
  ::unsetenv("DOMAINGUARD_NOW");
  ASSERT_TRUE(seen.has_value() && seen->now.has_value());
  EXPECT_EQ(FormatRfc3339(*seen->now), "2030-01-02T03:04:05Z");
}

TEST(CheckCommandTest, APluginRefusingTheManifestStopsTheRun) {
  CheckPlugins plugins;
  CheckPlugin p;
  p.key = "registration";
  p.setup = [](const CheckSetup&) { return std::string("Domain a: spec.checks.registration.warnBefore: bad"); };
  plugins.parts.push_back(p);
  CheckRun r = Check({"a.test", "--root-hints", "/nonexistent/hints"}, plugins);
  EXPECT_EQ(r.code, 3);
  EXPECT_THAT(r.err, HasSubstr("registration: Domain a: spec.checks.registration.warnBefore: bad"));
}

}  // namespace
}  // namespace domainguard::delegation
