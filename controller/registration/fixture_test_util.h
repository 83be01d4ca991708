// Test helper: reads the local registry server's fixtures (hack/bed/fixtures/registry) and renders their
// templates exactly as hack/bed/registry_server.py does ({{now+30d}}, {{now-2h|%d-%b-%Y}}, {{domain}},
// {{DOMAIN}}, {{tld}}, {{TLD}}, {{label}}, {{base}}), so unit tests parse the very bytes the server serves.
// Test-only; thread-safe (pure functions, reads files).
#pragma once

#include <ctime>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "controller/base/clock.h"
#include "controller/base/time_format.h"

namespace domainguard::registration::testing {

inline std::string ReadFixtureFile(const std::string& relative) {
  std::ifstream in(std::string(DG_REGISTRY_FIXTURES) + "/" + relative);
  EXPECT_TRUE(in.good()) << "missing fixture " << relative;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::string RenderFixture(const std::string& text, std::string domain, SystemTime now,
                                 const std::string& base = "http://127.0.0.1:18480/") {
  for (char& c : domain) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string upper = domain;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::string tld = domain.substr(domain.rfind('.') + 1);
  std::string TLD = upper.substr(upper.rfind('.') + 1);
  std::string label = domain.substr(0, domain.find('.'));
  static const std::regex kTemplate(R"(\{\{\s*([A-Za-z_]+)\s*(?:([+-])\s*(\d+)\s*([smhdy]))?\s*(?:\|([^}]*))?\}\})");
  std::string out;
  auto begin = std::sregex_iterator(text.begin(), text.end(), kTemplate);
  size_t last = 0;
  for (auto it = begin; it != std::sregex_iterator(); ++it) {
    const std::smatch& m = *it;
    out += text.substr(last, m.position(0) - last);
    last = m.position(0) + m.length(0);
    std::string name = m[1];
    if (name == "now") {
      auto t = std::chrono::time_point_cast<std::chrono::seconds>(now);
      if (m[2].matched) {
        long n = std::stol(m[3]);
        char u = m[4].str()[0];
        long mult = u == 's' ? 1 : u == 'm' ? 60 : u == 'h' ? 3600 : u == 'd' ? 86400 : 365 * 86400;
        t += std::chrono::seconds(m[2] == "+" ? n * mult : -n * mult);
      }
      if (m[5].matched) {
        std::time_t tt = std::chrono::system_clock::to_time_t(t);
        std::tm tm{};
        gmtime_r(&tt, &tm);
        char buf[128];
        std::strftime(buf, sizeof(buf), m[5].str().c_str(), &tm);
        out += buf;
      } else {
        out += FormatRfc3339(t);
      }
    } else if (name == "domain") out += domain;
    else if (name == "DOMAIN") out += upper;
    else if (name == "tld") out += tld;
    else if (name == "TLD") out += TLD;
    else if (name == "label") out += label;
    else if (name == "base") out += base;
    else out += m.str(0);
  }
  out += text.substr(last);
  return out;
}

// A fixed "now" for fixture tests: 2026-11-23T12:00:00Z.
inline SystemTime FixtureNow() { return *ParseRfc3339("2026-11-23T12:00:00Z"); }

inline std::string Fixture(const std::string& relative, const std::string& domain = "example.test",
                           SystemTime now = FixtureNow()) {
  return RenderFixture(ReadFixtureFile(relative), domain, now);
}

}  // namespace domainguard::registration::testing
