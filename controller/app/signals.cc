#include "controller/app/signals.h"

#include <csignal>
#include <cstdlib>
#include <thread>

#include <pthread.h>
#include <spdlog/spdlog.h>

namespace domainguard::app {

namespace {

sigset_t ShutdownSet() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}

}  // namespace

void BlockShutdownSignals() {
  sigset_t set = ShutdownSet();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

void StartSignalThread(std::function<void(const char* signal_name)> on_stop) {
  std::thread([on_stop = std::move(on_stop)] {
    sigset_t set = ShutdownSet();
    int count = 0;
    while (true) {
      int sig = 0;
      if (sigwait(&set, &sig) != 0) continue;
      const char* name = sig == SIGTERM ? "SIGTERM" : "SIGINT";
      if (++count == 1) {
        spdlog::info("manager decision=stop signal={}", name);
        on_stop(name);
      } else {
        spdlog::warn("manager decision=exit code=1 signal={} why=\"second signal\"", name);
        spdlog::default_logger()->flush();
        std::_Exit(1);
      }
    }
  }).detach();
}

}  // namespace domainguard::app
