// Fuzzes the text exposition with arbitrary label values and help text (Domain names, reasons and messages come
// from users): every sample must stay on one line, and each label value must unescape back to the original.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "controller/metrics/registry.h"

namespace {

std::string Unescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\') {
      out += s[i];
      continue;
    }
    if (++i >= s.size()) abort();  // a dangling backslash
    switch (s[i]) {
      case '\\': out += '\\'; break;
      case '"': out += '"'; break;
      case 'n': out += '\n'; break;
      default: abort();  // an escape the format does not define
    }
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  size_t cut = input.find('\0');
  std::string value = input.substr(0, cut);
  std::string help = cut == std::string::npos ? "" : input.substr(cut + 1);

  domainguard::metrics::Registry r;
  r.AddGauge("g", help, {"v"}).WithLabels({value})->Set(1);
  std::string text = r.Expose();

  // Exactly three lines: HELP, TYPE, the sample.
  size_t lines = 0;
  for (char c : text) lines += c == '\n';
  if (lines != 3) abort();
  size_t sample = text.find("\ng{v=\"");
  if (sample == std::string::npos) abort();
  size_t start = sample + 6;
  size_t end = text.rfind("\"} 1\n");
  if (end == std::string::npos || end < start) abort();
  if (Unescape(text.substr(start, end - start)) != value) abort();
  return 0;
}
