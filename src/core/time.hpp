#pragma once
/// \file Time: int64 nanoseconds since 1970-01-01T00:00:00Z (UTC), ISO-8601 and durations.

#include <cstdint>
#include <string>
#include <string_view>

namespace telemine {

/// A point in time: nanoseconds since the Unix epoch, UTC, no leap seconds.
using TimeNs = std::int64_t;
/// A length of time in nanoseconds.
using DurationNs = std::int64_t;

inline constexpr DurationNs kNanosecond = 1;
inline constexpr DurationNs kMicrosecond = 1000;
inline constexpr DurationNs kMillisecond = 1000 * kMicrosecond;
inline constexpr DurationNs kSecond = 1000 * kMillisecond;
inline constexpr DurationNs kMinute = 60 * kSecond;
inline constexpr DurationNs kHour = 60 * kMinute;
inline constexpr DurationNs kDay = 24 * kHour;

/// Sentinels for "unbounded" (a read with no `from` / `to`); never a sample's time.
inline constexpr TimeNs kTimeMin = INT64_MIN;
inline constexpr TimeNs kTimeMax = INT64_MAX;

/// The times telemine accepts from users and input files: 1678-01-01T00:00:00Z to
/// 2261-12-31T23:59:59.999999999Z. int64 nanoseconds reach a little further (1677-09-21 to
/// 2262-04-11); the margin of more than three months is what keeps slice, bin and window
/// arithmetic near either end (`bucket_start(t) + slice`) from overflowing.
inline constexpr TimeNs kTimeFirst = -9214560000LL * 1000000000LL;
inline constexpr TimeNs kTimeLast = 9214646400LL * 1000000000LL - 1;

/// True when t is within [kTimeFirst, kTimeLast].
constexpr bool in_time_range(TimeNs t) noexcept { return t >= kTimeFirst && t <= kTimeLast; }

/// Why a time did not parse.
enum class TimeParse { ok, malformed, out_of_range };

/// Parses ISO-8601 UTC: `2026-03-01`, `2026-03-01T12:00`, `2026-03-01T12:00:00.123456789Z`,
/// a space instead of `T`, and `+hh:mm` / `-hh:mm` offsets. A time outside [kTimeFirst,
/// kTimeLast] is refused, never wrapped. Throws UsageError naming the text (and the range).
TimeNs parse_time(std::string_view text);

/// Like parse_time, but returns false instead of throwing (for hot parsing loops).
bool try_parse_time(std::string_view text, TimeNs& out) noexcept;

/// Like try_parse_time, and says whether a failure was the syntax or the range.
TimeParse parse_time_status(std::string_view text, TimeNs& out) noexcept;

/// The message for a time outside the supported range: "time 'TEXT' is outside ...".
std::string time_range_message(std::string_view text);

/// `2026-03-01T12:00:00Z`, with a fraction only when non-zero, in groups of 3 digits
/// (`.250Z`, `.000001Z`, `.123456789Z`): exact to the nanosecond and parsed back identically.
std::string format_time(TimeNs t);

/// Writes format_time(t) into buf (at least 32 bytes); returns the length. No allocation.
std::size_t format_time(TimeNs t, char* buf) noexcept;

/// Parses `250ms`, `60s`, `5min`, `1h`, `1d`, `1h30min`, also `ns`, `us`, `m` (minutes), `w`.
/// Must be positive unless allow_zero. Throws UsageError naming the text.
DurationNs parse_duration(std::string_view text, bool allow_zero = false);

/// The shortest exact form: `1d`, `90min`, `250ms`, `1h30min` is printed as `90min`.
std::string format_duration(DurationNs d);

/// Floor division for bucketing (correct for negative times).
constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
  std::int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

/// Start of the bucket of width `width` (aligned to the Unix epoch) that contains t.
constexpr TimeNs bucket_start(TimeNs t, DurationNs width) noexcept {
  return floor_div(t, width) * width;
}

/// Civil date from days since epoch and back (Howard Hinnant's algorithms).
struct CivilDate {
  int year;
  unsigned month;  // 1..12
  unsigned day;    // 1..31
};
CivilDate civil_from_days(std::int64_t days) noexcept;
std::int64_t days_from_civil(int year, unsigned month, unsigned day) noexcept;

}  // namespace telemine
