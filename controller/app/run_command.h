// `domainguard run`: parses the flags, connects to the apiserver, builds the Manager with its controllers and
// runs it until a signal (exit 0) or the loss of leadership (exit 1). Flag errors exit 64 with one line naming
// the flag.
//
// Thread-safety: call once, from main.
#pragma once

#include <string>
#include <vector>

namespace domainguard::app {

// Returns the process exit code. `args` are the arguments after "run".
int RunCommand(const std::vector<std::string>& args);

}  // namespace domainguard::app
