// libFuzzer target: watch stream lines and API error bodies come from the network.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "controller/kube/client.h"
#include "controller/kube/watcher.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace domainguard::kube;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto ev = ParseWatchEvent(text);
  if (ev.ok()) {
    // Feed it through the state machine as a live watch would.
    WatcherState s;
    s.kind = WatcherStateKind::kWatching;
    s.resource_version = "1";
    WatcherInput in;
    in.kind = WatcherInput::Kind::kWatchEvent;
    in.event = std::move(*ev);
    (void)Step(s, std::move(in));
  }
  for (int status : {403, 409, 422, 429, 503}) {
    (void)ApiError(status, text, std::string(text.substr(0, 8)), {"update", "widgets/status", "web", "a"});
  }
  return 0;
}
