#include "controller/domain/testing/controller_test.h"

#include "controller/domain/domain_object.h"
#include "controller/domain/inputs.h"

namespace domainguard::domain::testing {

ControllerTest::ControllerTest(SystemTime start) : ApiTest(start), metrics_(registry_) {
  domains_.AddIndex(kZoneIndex, ZoneIndexValues);
  domains_.AddIndex(kProviderIndex, ProviderIndexValues);
}

}  // namespace domainguard::domain::testing
