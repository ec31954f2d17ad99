#include "core/time.hpp"

#include <array>
#include <charconv>
#include <cstring>

#include "core/error.hpp"

namespace telemine {

// Howard Hinnant's civil-calendar algorithms: exact for the proleptic Gregorian calendar.
std::int64_t days_from_civil(int y, unsigned m, unsigned d) noexcept {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

CivilDate civil_from_days(std::int64_t z) noexcept {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<int>(y + (m <= 2)), m, d};
}

namespace {

// Reads exactly n digits at p; false if any is not a digit.
bool digits(const char*& p, const char* end, int n, int& out) noexcept {
  if (end - p < n) return false;
  int v = 0;
  for (int i = 0; i < n; ++i) {
    const char c = p[i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  p += n;
  out = v;
  return true;
}

unsigned days_in_month(int y, unsigned m) noexcept {
  static constexpr std::array<unsigned, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

}  // namespace

TimeParse parse_time_status(std::string_view text, TimeNs& out) noexcept {
  constexpr TimeParse kMalformed = TimeParse::malformed;
  const char* p = text.data();
  const char* end = p + text.size();
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!digits(p, end, 4, year) || p == end || *p++ != '-' || !digits(p, end, 2, month) ||
      p == end || *p++ != '-' || !digits(p, end, 2, day))
    return kMalformed;
  if (month < 1 || month > 12 || day < 1 || static_cast<unsigned>(day) > days_in_month(year, month))
    return kMalformed;
  std::int64_t frac = 0;
  std::int64_t offset_s = 0;
  if (p != end) {
    if (*p != 'T' && *p != 't' && *p != ' ') return kMalformed;
    ++p;
    if (!digits(p, end, 2, hour) || p == end || *p++ != ':' || !digits(p, end, 2, minute)) return kMalformed;
    if (p != end && *p == ':') {
      ++p;
      if (!digits(p, end, 2, second)) return kMalformed;
      if (p != end && (*p == '.' || *p == ',')) {
        ++p;
        int n = 0;
        while (p != end && *p >= '0' && *p <= '9') {
          if (n < 9) frac = frac * 10 + (*p - '0');
          ++n;
          ++p;
        }
        if (n == 0) return kMalformed;
        for (int i = n; i < 9; ++i) frac *= 10;
      }
    }
    if (hour > 23 || minute > 59 || second > 59) return kMalformed;
    if (p != end) {
      if (*p == 'Z' || *p == 'z') {
        ++p;
      } else if (*p == '+' || *p == '-') {
        const int sign = *p++ == '-' ? -1 : 1;
        int oh = 0, om = 0;
        if (!digits(p, end, 2, oh)) return kMalformed;
        if (p != end && *p == ':') ++p;
        if (!digits(p, end, 2, om) || oh > 23 || om > 59) return kMalformed;
        offset_s = sign * (oh * 3600 + om * 60);
      }
    }
  }
  if (p != end) return kMalformed;
  // Years beyond the range would overflow below; the offset can still move an edge time out.
  if (year < 1678 || year > 2261) return TimeParse::out_of_range;
  const std::int64_t days = days_from_civil(year, month, day);
  const std::int64_t secs = days * 86400 + hour * 3600 + minute * 60 + second - offset_s;
  const TimeNs t = secs * kSecond + frac;
  if (!in_time_range(t)) return TimeParse::out_of_range;
  out = t;
  return TimeParse::ok;
}

bool try_parse_time(std::string_view text, TimeNs& out) noexcept {
  return parse_time_status(text, out) == TimeParse::ok;
}

std::string time_range_message(std::string_view text) {
  return "time '" + std::string(text) +
         "' is outside the supported range 1678-01-01T00:00:00Z to 2261-12-31T23:59:59.999999999Z";
}


TimeNs parse_time(std::string_view text) {
  TimeNs t = 0;
  const TimeParse status = parse_time_status(text, t);
  if (status == TimeParse::out_of_range) throw UsageError(time_range_message(text));
  if (status != TimeParse::ok)
    throw UsageError("invalid time '" + std::string(text) +
                     "': expected ISO-8601 UTC such as 2026-03-01 or 2026-03-01T12:00:00.250Z");
  return t;
}

std::size_t format_time(TimeNs t, char* buf) noexcept {
  const std::int64_t days = floor_div(t, kDay);
  const std::int64_t ns_of_day = t - days * kDay;
  // Consecutive times (a CSV of samples) mostly share their day: convert it once.
  thread_local std::int64_t cached_days = INT64_MIN;
  thread_local CivilDate cached{1970, 1, 1};
  if (days != cached_days) {
    cached = civil_from_days(days);
    cached_days = days;
  }
  const CivilDate c = cached;
  const std::int64_t sod = ns_of_day / kSecond;
  std::int64_t frac = ns_of_day % kSecond;
  char* p = buf;
  auto put = [&p](std::int64_t v, int width) {
    for (int i = width - 1; i >= 0; --i) {
      p[i] = static_cast<char>('0' + v % 10);
      v /= 10;
    }
    p += width;
  };
  if (c.year < 0 || c.year > 9999) {  // outside ISO's 4-digit years: still printed, with sign
    auto r = std::to_chars(p, p + 12, c.year);
    p = r.ptr;
  } else {
    put(c.year, 4);
  }
  *p++ = '-';
  put(c.month, 2);
  *p++ = '-';
  put(c.day, 2);
  *p++ = 'T';
  put(sod / 3600, 2);
  *p++ = ':';
  put(sod / 60 % 60, 2);
  *p++ = ':';
  put(sod % 60, 2);
  if (frac != 0) {
    *p++ = '.';
    int width = 9;
    while (width > 3 && frac % 1000 == 0) {  // trim in groups of 3 digits: ms, us, ns
      frac /= 1000;
      width -= 3;
    }
    put(frac, width);
  }
  *p++ = 'Z';
  return static_cast<std::size_t>(p - buf);
}

std::string format_time(TimeNs t) {
  char buf[40];
  return std::string(buf, format_time(t, buf));
}

namespace {

struct Unit {
  std::string_view name;
  DurationNs ns;
};
// Longest names first so that `min` is not read as `m` + `in`, nor `ms` as `m`.
constexpr std::array<Unit, 11> kUnits = {{{"min", kMinute},
                                          {"ms", kMillisecond},
                                          {"us", kMicrosecond},
                                          {"ns", kNanosecond},
                                          {"s", kSecond},
                                          {"m", kMinute},
                                          {"h", kHour},
                                          {"d", kDay},
                                          {"w", 7 * kDay},
                                          {"sec", kSecond},
                                          {"hour", kHour}}};

}  // namespace

DurationNs parse_duration(std::string_view text, bool allow_zero) {
  auto fail = [&]() -> UsageError {
    return UsageError("invalid duration '" + std::string(text) +
                      "': expected a number and a unit, such as 250ms, 60s, 5min, 1h or 1d");
  };
  const char* p = text.data();
  const char* end = p + text.size();
  if (p == end) throw fail();
  DurationNs total = 0;
  while (p != end) {
    std::int64_t n = 0;
    auto [q, ec] = std::from_chars(p, end, n);
    if (ec != std::errc() || n < 0) throw fail();
    p = q;
    const char* u = p;
    while (p != end && ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))) ++p;
    const std::string_view unit(u, static_cast<std::size_t>(p - u));
    const Unit* found = nullptr;
    for (const Unit& candidate : kUnits)
      if (candidate.name == unit) found = &candidate;
    if (found == nullptr) throw fail();
    if (__builtin_mul_overflow(n, found->ns, &n) || __builtin_add_overflow(total, n, &total))
      throw fail();
  }
  if (total == 0 && !allow_zero) throw UsageError("duration '" + std::string(text) + "' must be positive");
  return total;
}

std::string format_duration(DurationNs d) {
  if (d == 0) return "0s";
  static constexpr std::array<Unit, 7> kOut = {{{"d", kDay},
                                                {"h", kHour},
                                                {"min", kMinute},
                                                {"s", kSecond},
                                                {"ms", kMillisecond},
                                                {"us", kMicrosecond},
                                                {"ns", kNanosecond}}};
  for (const Unit& u : kOut)
    if (d % u.ns == 0) return std::to_string(d / u.ns) + std::string(u.name);
  return std::to_string(d) + "ns";
}

}  // namespace telemine
