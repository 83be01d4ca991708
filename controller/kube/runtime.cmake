# Controller runtime pieces (owned by the "runtime" engineer), included from controller/kube/CMakeLists.txt:
# the work queue and worker pool, conditions, leader election (its pure decision) and the event recorder.
# Paths use CMAKE_CURRENT_LIST_DIR so this file works wherever it is included from.
set(_dg_rt ${CMAKE_CURRENT_LIST_DIR})

# The pure decisions (conditions, DecideLeadership, EventAggregator), the work queue and worker pool, and the
# EventRecorder's I/O loop over the Kubernetes client (leader election's loop is app/lease_elector).
add_library(dg_kube_runtime
  ${_dg_rt}/workqueue.cc
  ${_dg_rt}/conditions.cc
  ${_dg_rt}/leader_election.cc
  ${_dg_rt}/event_recorder.cc)
target_link_libraries(dg_kube_runtime PUBLIC dg_kube dg_base nlohmann_json::nlohmann_json PRIVATE dg_warnings)

dg_test(kube_runtime_test
  SOURCES ${_dg_rt}/workqueue_test.cc ${_dg_rt}/conditions_test.cc ${_dg_rt}/leader_election_test.cc
          ${_dg_rt}/event_recorder_test.cc
  LIBS dg_kube_runtime)

# EventRecorder over a Client on the fake transport (an in-memory Event API).
dg_test(kube_runtime_io_test SOURCES ${_dg_rt}/runtime_io_test.cc LIBS dg_kube_runtime dg_http_testing)

# The same against the test bed's kube-apiserver (skipped without $KUBECONFIG unless DG_REQUIRE_BED=1).
dg_test(kube_runtime_integration_test SOURCES ${_dg_rt}/runtime_integration_test.cc
        LIBS dg_kube_runtime dg_http LABEL integration)
