// The Resolver interface's shared helper (resolver.h). Apart from the fake so that production binaries, which log
// probes, do not pull the test resolver in with it.
#include "controller/dns/resolver.h"

#include <string>

namespace domainguard::dns {

std::string DescribeProbe(const Probe& probe) {
  std::string server = probe.address.find(':') != std::string::npos ? "[" + probe.address + "]" : probe.address;
  return server + ":" + std::to_string(probe.port) + " " + CanonicalName(probe.qname) + " " + TypeName(probe.qtype) +
         (probe.tcp ? " tcp" : "");
}

}  // namespace domainguard::dns
