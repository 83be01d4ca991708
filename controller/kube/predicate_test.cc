#include "controller/kube/predicate.h"

#include <gtest/gtest.h>

namespace domainguard::kube {
namespace {

using nlohmann::json;

json Object() {
  return {{"metadata", {{"name", "a"}, {"generation", 3}, {"resourceVersion", "10"},
                        {"annotations", {{"example.io/read", "x"}, {"example.io/other", "y"}}},
                        {"labels", {{"tier", "web"}}}}},
          {"spec", {{"zone", "a.test"}}},
          {"status", {{"observedGeneration", 3},
                      {"mine", {{"serial", 1}}},
                      {"theirs", {{"n", 1}}},
                      {"conditions", json::array({{{"type", "Synced"}, {"status", "True"}, {"reason", "Ok"},
                                                   {"observedGeneration", 3},
                                                   {"lastTransitionTime", "2026-12-01T00:00:00Z"}},
                                                  {{"type", "Summary"}, {"status", "True"}, {"reason", "Ok"}}})}}}};
}

TEST(ChangesReadParts, TableOfUpdates) {
  ReadParts spec_only;  // generation (and deletion) only
  ReadParts reads_synced{.conditions = {"Synced"}};
  ReadParts reads_annotation{.annotations = {"example.io/read"}};
  ReadParts reads_label{.labels = {"tier"}};
  ReadParts reads_all_but_summary{.conditions = {"*"}, .ignored_conditions = {"Summary"}, .status_fields = {"theirs"}};

  struct Case {
    const char* what;
    void (*edit)(json&);
    bool spec_only, synced, annotation, label, all_but_summary;
  };
  const Case cases[] = {
      {"nothing (a relist of the same object)", [](json&) {}, false, false, false, false, false},
      {"resourceVersion only", [](json& o) { o["metadata"]["resourceVersion"] = "11"; }, false, false, false, false,
       false},
      {"spec edit (generation)", [](json& o) { o["metadata"]["generation"] = 4; }, true, true, true, true, true},
      {"deletion", [](json& o) { o["metadata"]["deletionTimestamp"] = "2026-12-02T00:00:00Z"; }, true, true, true,
       true, true},
      {"finalizer added", [](json& o) { o["metadata"]["finalizers"] = json::array({"f"}); }, true, true, true, true,
       true},
      {"a status field of ours", [](json& o) { o["status"]["mine"]["serial"] = 2; }, false, false, false, false,
       false},
      {"a status field read", [](json& o) { o["status"]["theirs"]["n"] = 2; }, false, false, false, false, true},
      {"Synced's observedGeneration", [](json& o) { o["status"]["conditions"][0]["observedGeneration"] = 4; }, false,
       true, false, false, true},
      {"Synced's lastTransitionTime only",
       [](json& o) { o["status"]["conditions"][0]["lastTransitionTime"] = "2026-12-02T00:00:00Z"; }, false, false,
       false, false, false},
      {"Summary (ignored)", [](json& o) { o["status"]["conditions"][1]["status"] = "False"; }, false, false, false,
       false, false},
      {"a new condition type",
       [](json& o) { o["status"]["conditions"].push_back({{"type", "Other"}, {"status", "True"}}); }, false, false,
       false, false, true},
      {"the annotation read", [](json& o) { o["metadata"]["annotations"]["example.io/read"] = "z"; }, false, false,
       true, false, false},
      {"the annotation removed", [](json& o) { o["metadata"]["annotations"].erase("example.io/read"); }, false, false,
       true, false, false},
      {"another annotation", [](json& o) { o["metadata"]["annotations"]["example.io/other"] = "z"; }, false, false,
       false, false, false},
      {"the label read", [](json& o) { o["metadata"]["labels"]["tier"] = "db"; }, false, false, false, true, false},
  };
  for (const Case& c : cases) {
    json updated = Object();
    c.edit(updated);
    EXPECT_EQ(ChangesReadParts(spec_only, Object(), updated), c.spec_only) << c.what;
    EXPECT_EQ(ChangesReadParts(reads_synced, Object(), updated), c.synced) << c.what;
    EXPECT_EQ(ChangesReadParts(reads_annotation, Object(), updated), c.annotation) << c.what;
    EXPECT_EQ(ChangesReadParts(reads_label, Object(), updated), c.label) << c.what;
    EXPECT_EQ(ChangesReadParts(reads_all_but_summary, Object(), updated), c.all_but_summary) << c.what;
  }
}

TEST(ChangesReadParts, MalformedObjectsAreComparedNotCrashed) {
  ReadParts all{.annotations = {"a"}, .conditions = {"*"}, .status_fields = {"x"}};
  EXPECT_FALSE(ChangesReadParts(all, json(), json()));
  EXPECT_FALSE(ChangesReadParts(all, json::array(), json("x")));
  EXPECT_TRUE(ChangesReadParts(all, json(), Object()));
  json bad = Object();
  bad["status"]["conditions"] = "not a list";
  EXPECT_TRUE(ChangesReadParts(all, Object(), bad));
  EXPECT_FALSE(ChangesReadParts(all, bad, bad));
}

}  // namespace
}  // namespace domainguard::kube
