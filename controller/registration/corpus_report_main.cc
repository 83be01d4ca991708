// registration_corpus_report: runs the registration corpus (tests/corpora/registration) through the lookup +
// verdict path and prints per-field accuracy, the Critical statuses missed and the expiry dates invented.
//
//   registration_corpus_report [--corpus DIR] [--verbose]
//
// --verbose lists every wrong field of every case. Exit 0 when the targets hold (>= 95 % of cases with
// every field right, no missed Critical status, no invented expiry), 1 otherwise, 2 on bad input.
#include <cstring>
#include <iomanip>
#include <iostream>

#include "controller/registration/corpus.h"

int main(int argc, char** argv) {
  using namespace domainguard::registration;
  std::string dir = DG_REGISTRATION_CORPUS;
  bool verbose = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--corpus") == 0 && i + 1 < argc) {
      dir = argv[++i];
    } else if (std::strcmp(argv[i], "--verbose") == 0 || std::strcmp(argv[i], "-v") == 0) {
      verbose = true;
    } else {
      std::cerr << "usage: registration_corpus_report [--corpus DIR] [--verbose]\n";
      return 2;
    }
  }
  auto manifest = LoadCorpusManifest(dir);
  if (!manifest.ok()) {
    std::cerr << manifest.error().ToString() << "\n";
    return 2;
  }
  std::vector<CaseResult> results;
  for (const auto& entry : (*manifest)["cases"]) {
    auto r = RunCorpusCase(dir, entry);
    if (!r.ok()) {
      std::cerr << r.error().ToString() << "\n";
      return 2;
    }
    if (verbose && !r->all_ok) {
      for (const auto& f : r->fields) {
        if (!f.ok) {
          std::cout << r->file << "  " << f.field << ": expected " << f.expected.dump() << ", got "
                    << f.actual.dump() << "\n";
        }
      }
    }
    results.push_back(*r);
  }
  auto pct = [](size_t a, size_t b) { return b == 0 ? 100.0 : 100.0 * double(a) / double(b); };
  for (const char* kind : {"whois", "rdap", "all"}) {
    std::vector<CaseResult> part;
    for (const auto& r : results) {
      if (std::string(kind) == "all" || r.kind == kind) part.push_back(r);
    }
    CorpusSummary s = Summarise(part);
    std::cout << std::fixed << std::setprecision(1) << kind << ": " << s.all_ok << "/" << s.cases
              << " cases with every field right (" << pct(s.all_ok, s.cases) << " %)";
    for (const auto& [field, counts] : s.per_field) {
      std::cout << "  " << field << " " << counts.first << "/" << counts.second;
    }
    std::cout << "  missed-critical " << s.missed_critical << "  invented-expiry " << s.invented_expiry << "\n";
  }
  CorpusSummary all = Summarise(results);
  bool ok = all.all_ok * 100 >= 95 * all.cases && all.missed_critical == 0 && all.invented_expiry == 0;
  return ok ? 0 : 1;
}
