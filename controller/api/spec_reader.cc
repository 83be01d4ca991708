#include "controller/api/spec_reader.h"

namespace domainguard::api {

const SpecReader& DefaultSpecReader() {
  static const SpecReader kReader;
  return kReader;
}

}  // namespace domainguard::api
