// `domainguard check` argument handling; the network paths are covered by delegation_integration_test.
#include "controller/delegation/check_command.h"

#include <sstream>

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
                                      nullptr});
  CheckRun r = Check({"example.com", "--rdap-bootstrap=/x.json", "--no-registration"}, plugins);
  EXPECT_EQ(r.code, 3);
  EXPECT_THAT(r.err, HasSubstr("registration: bootstrap file unreadable"));
  EXPECT_EQ(seen["--rdap-bootstrap"], "/x.json");
  EXPECT_EQ(seen.count("--no-registration"), 1u);
}

}  // namespace
}  // namespace domainguard::delegation
