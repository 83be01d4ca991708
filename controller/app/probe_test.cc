// Table test of /healthz and /readyz answers as a function of the manager's state.
#include <gtest/gtest.h>

#include "controller/app/manager.h"

namespace domainguard::app {
namespace {

ProbeState S(bool leading, bool started, bool synced, bool stopping, std::vector<std::string> unsynced = {}) {
  ProbeState s;
  s.leading = leading;
  s.controllers_started = started;
  s.caches_synced = synced;
  s.stopping = stopping;
  s.unsynced = std::move(unsynced);
  return s;
}

struct Case {
  std::string name;
  std::string path;
  ProbeState state;
  int want_status;
  std::string want_body;
};

class ProbeTest : public ::testing::TestWithParam<Case> {};

TEST_P(ProbeTest, Answers) {
  http::ServerResponse r = ProbeResponse(GetParam().path, GetParam().state);
  EXPECT_EQ(r.status, GetParam().want_status);
  EXPECT_EQ(r.body, GetParam().want_body);
}

INSTANTIATE_TEST_SUITE_P(
    Probes, ProbeTest,
    ::testing::ValuesIn(std::vector<Case>{
        {"healthz_always_ok", "/healthz", {}, 200, "ok\n"},
        {"healthz_ok_while_stopping", "/healthz", S(false, false, false, true), 200, "ok\n"},
        {"standby_is_ready", "/readyz", S(false, false, false, false), 200, "ok (standby)\n"},
        {"leader_starting_not_ready", "/readyz", S(true, false, false, false), 503, "controllers starting\n"},
        {"leader_unsynced_not_ready", "/readyz",
         S(true, true, false, false, {"a/v1/x", "b/v1/y"}),
         503, "caches not synced: a/v1/x,b/v1/y\n"},
        {"leader_synced_ready", "/readyz", S(true, true, true, false), 200,
         "ok\n"},
        {"stopping_not_ready", "/readyz",
         S(true, true, true, true), 503,
         "shutting down\n"},
        {"unknown_path", "/nope", {}, 404, "not found\n"},
    }),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace domainguard::app
