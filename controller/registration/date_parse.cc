#include "controller/registration/date_parse.h"

#include <array>
#include <cctype>
#include <chrono>
#include <string>
#include <vector>

namespace domainguard::registration {
namespace {

struct Token {
  enum Kind { kNumber, kWord, kPunct } kind;
  std::string text;
  long value = 0;  // kNumber only (capped)
};

std::vector<Token> Tokenise(std::string_view s) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < s.size() && out.size() < 64) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (std::isdigit(c)) {
      size_t j = i;
      long v = 0;
      while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) {
        if (v < 100000000) v = v * 10 + (s[j] - '0');
        ++j;
      }
      out.push_back({Token::kNumber, std::string(s.substr(i, j - i)), v});
      i = j;
    } else if (std::isalpha(c)) {
      size_t j = i;
      std::string w;
      while (j < s.size() && std::isalpha(static_cast<unsigned char>(s[j]))) {
        w += static_cast<char>(std::tolower(static_cast<unsigned char>(s[j])));
        ++j;
      }
      out.push_back({Token::kWord, std::move(w), 0});
      i = j;
    } else if (c == ' ' || c == '\t' || c == ',' || c == '(' || c == ')') {
      ++i;
    } else {
      out.push_back({Token::kPunct, std::string(1, static_cast<char>(c)), 0});
      ++i;
    }
  }
  return out;
}

// English month names and common abbreviations (plus a few localised ones seen in ccTLD WHOIS).
int MonthFromWord(const std::string& w) {
  static constexpr std::array<std::string_view, 12> kEn{"jan", "feb", "mar", "apr", "may", "jun",
                                                       "jul", "aug", "sep", "oct", "nov", "dec"};
  if (w.size() >= 3) {
    for (size_t m = 0; m < kEn.size(); ++m) {
      if (w.compare(0, 3, kEn[m]) == 0) {
        // "mar" also starts "march", "marz"; reject words that merely start the same ("made", "decided").
        static constexpr std::array<std::string_view, 12> kFull{"january", "february", "march", "april", "may",
                                                                "june", "july", "august", "september", "october",
                                                                "november", "december"};
        if (w.size() == 3 || std::string_view(kFull[m]).substr(0, w.size()) == w || w == "sept") return int(m) + 1;
      }
    }
  }
  // German / French / Spanish / Dutch month names differing from the English prefix.
  struct Alt { std::string_view word; int month; };
  static constexpr std::array<Alt, 14> kAlt{{{"januar", 1}, {"februar", 2}, {"marz", 3}, {"mai", 5},
                                             {"juni", 6}, {"juli", 7}, {"okt", 10}, {"dez", 12},
                                             {"janv", 1}, {"fevr", 2}, {"avr", 4}, {"juin", 6}, {"ene", 1},
                                             {"mei", 5}}};
  for (const auto& a : kAlt) {
    if (w == a.word) return a.month;
  }
  return 0;
}

// Zone abbreviations registries print, in minutes east of UTC. Only unambiguous ones: "CST" (China or US
// Central) and "IST" (India, Ireland, Israel) are left out, so such a time is read as UTC rather than guessed.
std::optional<int> ZoneOffset(const std::string& w) {
  struct Z { std::string_view name; int minutes; };
  static constexpr Z kZones[] = {
      {"z", 0},      {"utc", 0},     {"gmt", 0},     {"ut", 0},      {"wet", 0},     {"west", 60},
      {"bst", 60},   {"cet", 60},    {"cest", 120},  {"met", 60},    {"mest", 120},  {"eet", 120},
      {"eest", 180}, {"msk", 180},   {"wat", 60},    {"cat", 120},   {"sast", 120},  {"eat", 180},
      {"trt", 180},  {"gst", 240},   {"irst", 210},  {"pkt", 300},   {"npt", 345},   {"ict", 420},
      {"wib", 420},  {"hkt", 480},   {"sgt", 480},   {"myt", 480},   {"pht", 480},   {"awst", 480},
      {"jst", 540},  {"kst", 540},   {"acst", 570},  {"aest", 600},  {"aedt", 660},  {"nzst", 720},
      {"nzdt", 780}, {"brt", -180},  {"brst", -120}, {"art", -180},  {"clt", -240},  {"clst", -180},
      {"est", -300}, {"edt", -240},  {"cdt", -300},  {"mst", -420},  {"mdt", -360},  {"pst", -480},
      {"pdt", -420}, {"akst", -540}, {"hst", -600}};
  for (const auto& z : kZones) {
    if (w == z.name) return z.minutes;
  }
  return std::nullopt;
}

// Years beyond ~2262 do not fit SystemTime's int64 nanoseconds (found by whois_text_fuzz); no registration
// runs past 2200.
bool ValidDate(int y, int m, int d) {
  using namespace std::chrono;
  if (y < 1970 || y > 2200 || m < 1 || m > 12 || d < 1) return false;
  return year_month_day{year{y}, month{unsigned(m)}, day{unsigned(d)}}.ok();
}

int ExpandYear(const Token& t) {
  if (t.text.size() == 4) return int(t.value);
  if (t.text.size() == 2) return t.value < 70 ? 2000 + int(t.value) : 1900 + int(t.value);
  return -1;
}

}  // namespace

std::optional<SystemTime> ParseLooseDate(std::string_view text) {
  if (text.size() > 200) return std::nullopt;  // no registry prints a date this long; refuse rather than guess
  std::vector<Token> t = Tokenise(text);
  std::vector<bool> used(t.size(), false);

  // 1. Time of day: N ':' N [':' N ['.' N]], then an optional zone right after it.
  int hh = 0, mi = 0, ss = 0, offset_min = 0;
  bool have_time = false, have_zone = false;
  for (size_t i = 0; i + 2 < t.size() && !have_time; ++i) {
    if (t[i].kind != Token::kNumber || t[i + 1].text != ":" || t[i + 2].kind != Token::kNumber) continue;
    if (t[i].text.size() > 2 || t[i + 2].text.size() != 2) continue;
    hh = int(t[i].value);
    mi = int(t[i + 2].value);
    size_t j = i + 3;
    if (j + 1 < t.size() && t[j].text == ":" && t[j + 1].kind == Token::kNumber && t[j + 1].text.size() == 2) {
      ss = int(t[j + 1].value);
      j += 2;
    }
    if (j + 1 < t.size() && t[j].text == "." && t[j + 1].kind == Token::kNumber) j += 2;  // fraction: dropped
    if (hh > 23 || mi > 59 || ss > 60) return std::nullopt;
    if (ss == 60) ss = 59;  // leap second: close enough for an expiry
    for (size_t k = i; k < j; ++k) used[k] = true;
    have_time = true;
    // Zone: "Z", "UTC", "+03:00", "+0300", "-07", "(JST)".
    if (j < t.size() && t[j].kind == Token::kWord && ZoneOffset(t[j].text)) {
      offset_min = *ZoneOffset(t[j].text);
      used[j] = true;
      have_zone = true;
      ++j;
    }
    if (j + 1 < t.size() && (t[j].text == "+" || t[j].text == "-") && t[j + 1].kind == Token::kNumber) {
      int sign = t[j].text == "+" ? 1 : -1;
      const Token& n = t[j + 1];
      int h = -1, m = 0;
      size_t consumed = 2;
      if (n.text.size() == 4) {
        h = int(n.value / 100);
        m = int(n.value % 100);
      } else if (n.text.size() == 2) {
        h = int(n.value);
        if (j + 3 < t.size() && t[j + 2].text == ":" && t[j + 3].kind == Token::kNumber &&
            t[j + 3].text.size() == 2) {
          m = int(t[j + 3].value);
          consumed = 4;
        }
      }
      if (h < 0 || h > 14 || m > 59) return std::nullopt;
      offset_min += sign * (h * 60 + m);
      for (size_t k = j; k < j + consumed; ++k) used[k] = true;
      have_zone = true;
    }
  }
  if (!have_zone) {
    for (size_t i = 0; i < t.size(); ++i) {
      if (t[i].kind == Token::kWord && t[i].text != "z" && ZoneOffset(t[i].text)) {
        offset_min = *ZoneOffset(t[i].text);
        used[i] = true;
        break;
      }
    }
  }

  // 2. The date: the remaining numbers and at most one month name, in order.
  std::vector<const Token*> nums;
  int month_word = 0;
  bool month_word_first = false;
  for (size_t i = 0; i < t.size(); ++i) {
    if (used[i]) continue;
    if (t[i].kind == Token::kNumber) {
      if (nums.size() >= 3) break;  // trailing numbers ("(renewal in 30 days)") are not part of the date
      nums.push_back(&t[i]);
    } else if (t[i].kind == Token::kWord && month_word == 0 && nums.size() < 3) {
      int m = MonthFromWord(t[i].text);
      if (m != 0) {
        month_word = m;
        month_word_first = nums.empty();
      }
    }
  }

  int y = -1, m = -1, d = -1;
  if (month_word != 0) {
    if (nums.size() < 2) return std::nullopt;
    // "01-Mar-2027", "March 1 2027", "Mon Mar 01 2027", "2027 Mar 01".
    const Token* a = nums[0];
    const Token* b = nums[1];
    m = month_word;
    if (a->text.size() == 4) {
      y = int(a->value);
      d = int(b->value);
    } else if (b->text.size() == 4 || b->text.size() == 2) {
      d = int(a->value);
      y = ExpandYear(*b);
    }
    (void)month_word_first;
  } else if (nums.size() == 1 && nums[0]->text.size() == 8) {
    y = int(nums[0]->value / 10000);  // "20270301"
    m = int(nums[0]->value / 100 % 100);
    d = int(nums[0]->value % 100);
  } else if (nums.size() == 3) {
    const Token *a = nums[0], *b = nums[1], *c = nums[2];
    if (a->text.size() == 4) {  // Y M D
      y = int(a->value);
      m = int(b->value);
      d = int(c->value);
    } else if (c->text.size() == 4 || (c->text.size() == 2 && a->text.size() <= 2)) {
      y = ExpandYear(*c);
      // Day first (most of the world, and every ccTLD layout seen) unless that cannot be: then US month first.
      if (b->value > 12 && a->value <= 12) {
        m = int(a->value);
        d = int(b->value);
      } else {
        d = int(a->value);
        m = int(b->value);
      }
    }
  }
  if (!ValidDate(y, m, d)) return std::nullopt;

  using namespace std::chrono;
  sys_days days{year{y} / month{unsigned(m)} / day{unsigned(d)}};
  SystemTime tp = time_point_cast<SystemTime::duration>(sys_seconds{days} + hours{hh} + minutes{mi} + seconds{ss});
  return tp - minutes{offset_min};
}

}  // namespace domainguard::registration
