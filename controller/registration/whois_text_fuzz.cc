// libFuzzer target: ParseWhoisAnswer, its vocabulary (keys, headers, status words, sentences) and ParseLooseDate
// on arbitrary bytes. Seeds: the real answers of tests/corpora/registration/whois (tests/fuzz/seeds/whois_text_fuzz;
// hack/test.sh adds tests/fuzz/seeds/<target> to each target's corpus).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "controller/registration/date_parse.h"
#include "controller/registration/whois_parse.h"
#include "controller/registration/whois_vocabulary.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace domainguard::registration;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)ParseWhoisAnswer(text);
  (void)ParseLooseDate(text.substr(0, 256));
  // The tables on their own, with the first line as a key, a header and a status word.
  std::string_view line = text.substr(0, text.find('\n'));
  (void)FieldForKey(line.substr(0, 64));
  (void)SectionForHeader(line.substr(0, 64));
  (void)MeaningOfStatusWord(line.substr(0, 128));
  (void)StatusFromSentence(std::string(line.substr(0, 256)));
  return 0;
}
