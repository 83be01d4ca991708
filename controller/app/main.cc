// domainguard: the command line. `run` is the controller manager, `check` a one-shot audit, `version`.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "controller/app/check_registration_plugin.h"
#include "controller/app/run_command.h"
#include "controller/delegation/check_command.h"
#include "controller/discovery/check_plugin.h"
#include "controller/app/version.h"

namespace {

constexpr const char* kUsage = R"(domainguard keeps an organisation's domains alive.

Usage:
  domainguard run [flags]                 run the controller manager
  domainguard check [ZONE...] [-f FILE]   one-shot audit of delegation, serving and registration
  domainguard version                     print the version

Run 'domainguard COMMAND --help' for a command's flags.
)";

}  // namespace

int main(int argc, char** argv) {
  const std::string cmd = argc > 1 ? argv[1] : "";
  if (cmd == "version" || cmd == "--version") {
    std::printf("domainguard %s (commit %s)\n", domainguard::kVersion, domainguard::kGitCommit);
    return 0;
  }
  if (cmd == "run") {
    return domainguard::app::RunCommand(std::vector<std::string>(argv + 2, argv + argc));
  }
  if (cmd == "check") {
    return domainguard::delegation::RunCheck(argc - 1, argv + 1,
                                             {.parts = {domainguard::app::MakeRegistrationCheckPlugin(),
                                                        domainguard::discovery::MakeDiscoveryCheckPlugin()}});
  }
  if (cmd == "help" || cmd == "--help" || cmd == "-h") {
    std::fputs(kUsage, stdout);
    return 0;
  }
  std::fprintf(stderr, "error: unknown command '%s'\n\n%s", cmd.c_str(), kUsage);
  return 64;
}
