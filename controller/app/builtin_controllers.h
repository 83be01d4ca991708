// The controllers `domainguard run` starts, wired in one place so the manager's composition is visible at a
// glance: per Domain the records, delegation, registration and Ready controllers (one concern and one condition
// each), the DNSProvider controller, and the DNS NOTIFY listener that wakes the records controller.
//
// Thread-safety: call from the owning thread before Manager::Run.
#pragma once

#include <memory>

#include "controller/app/manager.h"
#include "controller/app/options.h"
#include "controller/base/result.h"
#include "controller/kube/client.h"

namespace domainguard::app {

// A controller that only logs each reconcile of `resource` (exists or gone), for trying the manager on a
// resource and for its integration tests.
ControllerSpec NoopControllerSpec(const ResourceFlag& resource, Manager& manager);

// Everything the controllers use that must outlive them (transports, resolver, lookup stacks, Event recorder).
class ControllerRuntime {
 public:
  virtual ~ControllerRuntime() = default;
};

// Adds every controller the options ask for to `manager`. The returned runtime must outlive the manager's run.
// Fails (kInvalidArgument / kNotFound naming the flag) when an upstream cannot be set up, e.g. an unreadable
// --root-hints file or a NOTIFY address that cannot be bound.
Result<std::unique_ptr<ControllerRuntime>> RegisterControllers(Manager& manager, const ManagerOptions& options,
                                                               kube::Client& client, const Clock& clock);

}  // namespace domainguard::app
