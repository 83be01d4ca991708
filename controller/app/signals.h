// Signal handling without work in a signal handler: SIGTERM and SIGINT are blocked in every thread and a
// dedicated thread takes them with sigwait, then calls back on that ordinary thread. The first signal asks for
// a graceful stop; a second one exits at once (code 1), as controller-runtime does.
//
// Thread-safety: BlockShutdownSignals must run in main before any other thread starts (threads inherit the
// mask). StartSignalThread once; the callback runs on the signal thread.
#pragma once

#include <functional>

namespace domainguard::app {

// Blocks SIGTERM and SIGINT in the calling thread (and so in every thread started after).
void BlockShutdownSignals();

// Starts a detached thread waiting for SIGTERM/SIGINT: the first calls `on_stop(signal_name)`, the second ends
// the process with _Exit(1).
void StartSignalThread(std::function<void(const char* signal_name)> on_stop);

}  // namespace domainguard::app
