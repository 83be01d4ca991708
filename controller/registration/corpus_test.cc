// Runs every case of the registration corpus (tests/corpora/registration/cases.json: real WHOIS and RDAP answers
// with the values written from their text) through the lookup + verdict path of the controller and `check`, and
// asserts every field. Cases the parser is known not to read yet carry "known_gap" in the manifest: they are
// reported, must still not miss a Critical status or invent an expiry, and fail the test once they pass (so the
// gap note is removed with the fix). The targets are asserted on the whole corpus.
#include "controller/registration/corpus.h"

#include <set>

#include <gtest/gtest.h>

namespace domainguard::registration {
namespace {

const std::string kCorpus = DG_REGISTRATION_CORPUS;

nlohmann::json Manifest() {
  auto m = LoadCorpusManifest(kCorpus);
  EXPECT_TRUE(m.ok()) << m.error().ToString();
  return m.ok() ? *m : nlohmann::json{{"cases", nlohmann::json::array()}};
}

TEST(RegistrationCorpus, EveryCaseEveryField) {
  nlohmann::json manifest = Manifest();
  std::vector<CaseResult> results;
  for (const auto& entry : manifest["cases"]) {
    Result<CaseResult> r = RunCorpusCase(kCorpus, entry);
    ASSERT_TRUE(r.ok()) << r.error().ToString();
    results.push_back(*r);
    const bool known_gap = entry.contains("known_gap");
    EXPECT_FALSE(r->missed_critical) << r->file << ": a Critical status in the answer was not reported";
    EXPECT_FALSE(r->invented_expiry) << r->file << ": an expiry the answer does not publish";
    if (known_gap) {
      EXPECT_FALSE(r->all_ok) << r->file << " passes now: remove its known_gap note";
      continue;
    }
    for (const FieldResult& f : r->fields) {
      EXPECT_TRUE(f.ok) << r->file << " " << f.field << ": expected " << f.expected.dump() << ", got "
                        << f.actual.dump();
    }
  }
  CorpusSummary s = Summarise(results);
  size_t whois = 0, rdap = 0;
  for (const auto& r : results) (r.kind == "rdap" ? rdap : whois)++;
  EXPECT_GE(whois, 100u);
  EXPECT_GE(s.all_ok * 100, 95 * s.cases) << s.all_ok << " of " << s.cases << " cases with every field right";
  EXPECT_EQ(s.missed_critical, 0u);
  EXPECT_EQ(s.invented_expiry, 0u);
}

TEST(RegistrationCorpus, ManifestIsWellFormed) {
  nlohmann::json manifest = Manifest();
  std::set<std::string> tlds;
  for (const auto& entry : manifest["cases"]) {
    ASSERT_TRUE(entry.contains("source") && entry["source"].contains("repo") && entry["source"].contains("path"))
        << entry.value("file", "?") << ": every answer names its origin";
    const std::string d = entry.value("domain", "");
    if (entry.value("kind", "") == "whois") tlds.insert(d.substr(d.rfind('.') + 1));
  }
  EXPECT_GE(tlds.size(), 60u) << "WHOIS answers from at least 60 TLDs";
}

}  // namespace
}  // namespace domainguard::registration
