// The Gateway API CRDs for the test bed: hack/install.sh reads config/crd/standard/ of this module version (the
// YAML ships inside the Go module) into $DOMAINGUARD_CACHE. v1.7 needs a newer Go than Debian's toolchain here.
module domainguard.io/hack/tools/gateway-api

go 1.24

require sigs.k8s.io/gateway-api v1.6.3
