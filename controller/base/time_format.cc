#include "controller/base/time_format.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <ctime>

namespace domainguard {
namespace {

using std::chrono::nanoseconds;

constexpr double kMaxNanos = 9.2e18;  // a little under INT64_MAX: ~292 years

double UnitNanos(std::string_view unit) {
  if (unit == "ns") return 1;
  if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs") return 1e3;
  if (unit == "ms") return 1e6;
  if (unit == "s") return 1e9;
  if (unit == "m") return 60e9;
  if (unit == "h") return 3600e9;
  return 0;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (Howard Hinnant's algorithm), because
// timegm depends on the C library's TZ handling and we want a pure function.
long long DaysFromCivil(long long y, unsigned m, unsigned d) {
  y -= m <= 2;
  const long long era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long long>(doe) - 719468;
}

// Reads exactly n digits at text[*pos]; returns -1 when they are not there.
int ReadDigits(std::string_view text, size_t* pos, size_t n) {
  if (*pos + n > text.size()) return -1;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    const char c = text[*pos + i];
    if (!IsDigit(c)) return -1;
    v = v * 10 + (c - '0');
  }
  *pos += n;
  return v;
}

}  // namespace

Result<nanoseconds> ParseDuration(std::string_view text) {
  const std::string quoted = "invalid duration \"" + std::string(text) + "\"";
  if (text == "0") return nanoseconds(0);
  if (text.empty()) return Error::InvalidArgument(quoted + ": empty");
  double total = 0;
  size_t i = 0;
  while (i < text.size()) {
    const size_t num_start = i;
    while (i < text.size() && (IsDigit(text[i]) || text[i] == '.')) ++i;
    const std::string_view num = text.substr(num_start, i - num_start);
    if (num.empty() || num == "." || num.find('.') != num.rfind('.')) {
      return Error::InvalidArgument(quoted + ": expected a number");
    }
    const size_t unit_start = i;
    while (i < text.size() && !IsDigit(text[i]) && text[i] != '.') ++i;
    const double unit = UnitNanos(text.substr(unit_start, i - unit_start));
    if (unit == 0) return Error::InvalidArgument(quoted + ": unknown or missing unit (use ns, us, ms, s, m, h)");
    total += std::stod(std::string(num)) * unit;
    if (total > kMaxNanos) return Error::InvalidArgument(quoted + ": too large");
  }
  return nanoseconds(static_cast<long long>(std::llround(total)));
}

std::string FormatDuration(nanoseconds d) {
  long long ns = d.count();
  if (ns == 0) return "0s";
  std::string sign;
  if (ns < 0) {
    sign = "-";
    ns = -ns;
  }
  char buf[64];
  if (ns < 1000000000LL) {
    // Sub-second: Go picks ns, µs or ms.
    if (ns < 1000) {
      std::snprintf(buf, sizeof buf, "%lldns", ns);
    } else if (ns < 1000000) {
      std::snprintf(buf, sizeof buf, "%gµs", static_cast<double>(ns) / 1e3);
    } else {
      std::snprintf(buf, sizeof buf, "%gms", static_cast<double>(ns) / 1e6);
    }
    return sign + buf;
  }
  const long long hours = ns / 3600000000000LL;
  ns -= hours * 3600000000000LL;
  const long long minutes = ns / 60000000000LL;
  ns -= minutes * 60000000000LL;
  const long long secs = ns / 1000000000LL;
  const long long frac = ns % 1000000000LL;
  std::string seconds = std::to_string(secs);
  if (frac != 0) {
    char f[16];
    std::snprintf(f, sizeof f, "%09lld", frac);
    std::string fs(f);
    while (!fs.empty() && fs.back() == '0') fs.pop_back();
    seconds += "." + fs;
  }
  std::string out = sign;
  if (hours > 0) out += std::to_string(hours) + "h";
  if (hours > 0 || minutes > 0) out += std::to_string(minutes) + "m";
  out += seconds + "s";
  return out;
}

std::string FormatRfc3339(SystemTime t) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(
      std::chrono::time_point_cast<std::chrono::seconds>(t));
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Result<SystemTime> ParseRfc3339(std::string_view text) {
  const auto bad = [&](const char* why) {
    return Error::InvalidArgument("invalid timestamp \"" + std::string(text.substr(0, 64)) + "\": " + why);
  };
  size_t p = 0;
  const int year = ReadDigits(text, &p, 4);
  if (year < 0 || p >= text.size() || text[p++] != '-') return bad("expected YYYY-");
  // system_clock's nanosecond time_point spans ~1678-2262; nothing a registry writes lies outside 1970-2200,
  // and anything there (a typo, a fuzzed input) would overflow the conversion below.
  if (year < 1970 || year > 2200) return bad("year outside 1970-2200");
  const int month = ReadDigits(text, &p, 2);
  if (month < 1 || month > 12 || p >= text.size() || text[p++] != '-') return bad("expected MM-");
  const int day = ReadDigits(text, &p, 2);
  if (day < 1 || day > 31) return bad("expected DD");
  long long seconds = DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400;
  if (p == text.size()) return SystemTime(std::chrono::seconds(seconds));
  if (text[p] != 'T' && text[p] != 't' && text[p] != ' ') return bad("expected T after the date");
  ++p;
  const int hh = ReadDigits(text, &p, 2);
  if (hh < 0 || hh > 23 || p >= text.size() || text[p++] != ':') return bad("expected hh:");
  const int mm = ReadDigits(text, &p, 2);
  if (mm < 0 || mm > 59) return bad("expected mm");
  int ss = 0;
  if (p < text.size() && text[p] == ':') {
    ++p;
    ss = ReadDigits(text, &p, 2);
    if (ss < 0 || ss > 60) return bad("expected ss");
  }
  long long nanos = 0;
  if (p < text.size() && (text[p] == '.' || text[p] == ',')) {
    ++p;
    long long scale = 100000000;
    const size_t start = p;
    while (p < text.size() && IsDigit(text[p])) {
      nanos += (text[p] - '0') * scale;
      scale /= 10;
      ++p;
    }
    if (p == start) return bad("expected fraction digits");
  }
  seconds += hh * 3600LL + mm * 60LL + ss;
  if (p == text.size()) return bad("missing time zone (Z or +hh:mm)");
  if (text[p] == 'Z' || text[p] == 'z') {
    ++p;
  } else if (text[p] == '+' || text[p] == '-') {
    const int sign = text[p] == '+' ? 1 : -1;
    ++p;
    const int oh = ReadDigits(text, &p, 2);
    if (oh < 0 || oh > 23) return bad("expected offset hours");
    if (p < text.size() && text[p] == ':') ++p;
    const int om = ReadDigits(text, &p, 2);
    if (om < 0 || om > 59) return bad("expected offset minutes");
    seconds -= sign * (oh * 3600LL + om * 60LL);
  } else {
    return bad("unexpected character in time zone");
  }
  if (p != text.size()) return bad("trailing characters");
  return SystemTime(std::chrono::duration_cast<SystemTime::duration>(std::chrono::seconds(seconds) +
                                                                     std::chrono::nanoseconds(nanos)));
}

}  // namespace domainguard
