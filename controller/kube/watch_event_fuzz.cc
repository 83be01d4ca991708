// libFuzzer target: watch stream lines, write answers and API error bodies come from the network.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "controller/kube/answer.h"
#include "controller/kube/client.h"
#include "controller/kube/testing/answer_reference.h"
#include "controller/kube/watcher.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace domainguard::kube;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto ev = ParseWatchEvent(text);
  // Parsed without managedFields: the same event, the object without metadata.managedFields.
  {
    auto pruned = ParseWatchEvent(text, /*without_managed_fields=*/true);
    if (pruned.ok() != ev.ok()) __builtin_trap();
    if (ev.ok()) {
      nlohmann::json want = ev->object;
      if (auto meta = want.find("metadata"); meta != want.end() && meta->is_object()) meta->erase("managedFields");
      if (pruned->type != ev->type || pruned->object != want) __builtin_trap();
    }
  }
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
  // A write's answer parsed without spec, annotations and field sets: exactly the whole parse with those erased.
  {
    std::optional<nlohmann::json> partial = ParseAnswer(text, Answer::kStatus);
    nlohmann::json whole = nlohmann::json::parse(text, nullptr, false);
    const bool object = !whole.is_discarded() && whole.is_object();
    if (partial.has_value() != object) __builtin_trap();
    if (object && *partial != testing::StatusAnswerOf(std::move(whole))) __builtin_trap();
  }
  for (int status : {403, 409, 422, 429, 503}) {
    (void)ApiError(status, text, std::string(text.substr(0, 8)), {"update", "widgets/status", "web", "a"});
  }
  return 0;
}
