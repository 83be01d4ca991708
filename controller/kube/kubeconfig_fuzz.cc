// libFuzzer target: kubeconfig YAML (a file users hand us; yaml-cpp throws, which must stay inside).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "controller/kube/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)domainguard::kube::ParseKubeconfig(text, "/nonexistent");
  (void)domainguard::kube::DecodeBase64(text);
  return 0;
}
