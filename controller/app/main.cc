// domainguard: the command line. `run` is the controller manager, `check` a one-shot audit, `version`.
#include <malloc.h>

#include <cstdio>
#include <cstdlib>
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
  // glibc gives each thread that allocates an arena of its own, up to 8 per core, and memory freed in one arena is
  // never reused for another's allocations. `run` has ~80 threads (the HTTP client's pool, informers, workers)
  // that each touch Domain objects: with 15 arenas a 2,000-Domain controller's RSS was ~145 MB for a heap that
  // peaks at ~46 MB, growing with every delegation round; with 2 it is ~86 MB and flat (issue #14, RSS at 10,000
  // Domains). One arena is better still: at 10,000 Domains the two each held ~20-40 MB free that the other could
  // not use (malloc_stats: 151 MB taken from the system for 105 MB in use, RSS 147 MB; with one arena 142 MB for
  // the same 105 MB, RSS 137 MB, peak 155 -> 149 MB), and the controller's CPU did not grow (0.09 -> 0.08 core over
  // a delegation interval): its threads mostly wait, and glibc's per-thread cache takes small allocations without
  // the arena's lock. MALLOC_ARENA_MAX, when set, still decides.
  if (std::getenv("MALLOC_ARENA_MAX") == nullptr) mallopt(M_ARENA_MAX, 1);
  // No fast bins (glibc's per-thread cache still serves small blocks without a lock). Small blocks freed to fast
  // bins are not merged until a larger request comes: then malloc_consolidate walks them all, under the one
  // arena's lock. The controller frees thousands of small JSON nodes per watch event and then asks for a response
  // buffer or a watch line: in a profile of the 1,000-Domain apply malloc_consolidate was 4.7 % and _int_malloc
  // 11.8 % of its CPU. Without fast bins the controller used 2.5-2.7 CPU-s during that apply against 2.8-3.4 with
  // them (three runs each, alternated, one bed: tests/bench/README.md). GLIBC_TUNABLES naming mxfast still decides.
  const char* tunables = std::getenv("GLIBC_TUNABLES");
  if (tunables == nullptr || std::strstr(tunables, "mxfast") == nullptr) mallopt(M_MXFAST, 0);
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
