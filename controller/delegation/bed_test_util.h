// Test helpers that stage delegation scenarios on the local test bed (hack/testbed.sh): TLD changes with
// nsupdate (TSIG) against one or both TLD servers, child zones on PowerDNS A/B through their HTTP API (curl).
// Secrets stay in the environment: commands name $DG_TLD_TSIG_SECRET / $DG_PDNS_A_KEY and the shell expands
// them, so no secret is ever part of a string this code prints.
// Thread-safety: none needed (one test thread); each test uses its own zone names.
#pragma once

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace domainguard::delegation::bed {

struct ShellResult {
  int status = -1;
  std::string output;
};

// Runs `command` with /bin/sh, stdout+stderr captured.
inline ShellResult Sh(const std::string& command) {
  ShellResult r;
  FILE* p = popen((command + " 2>&1").c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.output.append(buf, n);
  r.status = pclose(p);
  return r;
}

// A name unique to this run: "<prefix>-<pid>-<random>".
inline std::string UniqueLabel(const std::string& prefix) {
  static std::mt19937 rng(std::random_device{}());
  return prefix + "-" + std::to_string(getpid()) + "-" + std::to_string(rng() % 100000);
}

inline std::string WriteTemp(const std::string& content) {
  char path[] = "/tmp/dg-delegation-XXXXXX";
  int fd = mkstemp(path);
  if (fd >= 0) close(fd);
  std::ofstream(path) << content;
  return path;
}

// Sends `updates` ("update add x.test. 300 IN NS ns1.x.test.") for zone `zone` to one TLD server.
inline ShellResult NsUpdate(const std::string& server, const std::string& zone, const std::vector<std::string>& updates) {
  std::string script = "server " + server + " 53\nzone " + zone + "\n";
  for (const auto& u : updates) script += u + "\n";
  script += "send\n";
  const std::string file = WriteTemp(script);
  ShellResult r = Sh("nsupdate -y \"hmac-sha256:$DG_TLD_TSIG_NAME:$DG_TLD_TSIG_SECRET\" " + file);
  std::remove(file.c_str());
  return r;
}

// The same updates at both TLD servers (127.53.10.1 and .2). Returns "" or what failed.
inline std::string NsUpdateBoth(const std::string& zone, const std::vector<std::string>& updates) {
  std::string failed;
  for (const char* s : {"127.53.10.1", "127.53.10.2"}) {
    ShellResult r = NsUpdate(s, zone, updates);
    if (r.status != 0) failed += std::string(s) + ": " + r.output;
  }
  return failed;
}

// Creates `zone` on PowerDNS `which` ("A" or "B") with SOA serial `serial` and `rrsets` (a JSON array body
// fragment, without the SOA). Returns "" or the error.
inline std::string PdnsCreateZone(const std::string& which, const std::string& zone, unsigned serial,
                                  const std::string& rrsets_json) {
  const std::string soa = R"({"name":")" + zone + R"(","type":"SOA","ttl":300,"records":[{"content":"ns1.)" + zone +
                          " hostmaster." + zone + " " + std::to_string(serial) +
                          R"( 10800 3600 604800 300","disabled":false}]})";
  const std::string body = R"({"name":")" + zone + R"(","kind":"Native","soa_edit_api":"","nameservers":[],"rrsets":[)" +
                           soa + (rrsets_json.empty() ? "" : "," + rrsets_json) + "]}";
  const std::string file = WriteTemp(body);
  ShellResult r = Sh("curl -sS -f -X POST -H \"X-API-Key: $DG_PDNS_" + which +
                     "_KEY\" -H 'Content-Type: application/json' --data @" + file + " \"$DG_PDNS_" + which +
                     "_API/api/v1/servers/localhost/zones\" -o /dev/null");
  std::remove(file.c_str());
  return r.status == 0 ? "" : "PowerDNS " + which + " create " + zone + ": " + r.output;
}

inline void PdnsDeleteZone(const std::string& which, const std::string& zone) {
  Sh("curl -sS -X DELETE -H \"X-API-Key: $DG_PDNS_" + which + "_KEY\" \"$DG_PDNS_" + which +
     "_API/api/v1/servers/localhost/zones/" + zone + "\" -o /dev/null");
}

// One rrset as PowerDNS API JSON.
inline std::string RrsetJson(const std::string& name, const std::string& type, const std::vector<std::string>& contents) {
  std::string records;
  for (const auto& c : contents) {
    records += std::string(records.empty() ? "" : ",") + R"({"content":")" + c + R"(","disabled":false})";
  }
  return R"({"name":")" + name + R"(","type":")" + type + R"(","ttl":300,"changetype":"REPLACE","records":[)" + records +
         "]}";
}

}  // namespace domainguard::delegation::bed
