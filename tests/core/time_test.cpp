#include "core/time.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

using namespace telemine;

TEST(Time, ParsesDatesAndTimes) {
  EXPECT_EQ(parse_time("1970-01-01"), 0);
  EXPECT_EQ(parse_time("1970-01-01T00:00:01Z"), kSecond);
  EXPECT_EQ(parse_time("2026-03-01"), 1772323200LL * kSecond);
  EXPECT_EQ(parse_time("2026-03-01T12:30"), 1772323200LL * kSecond + 12 * kHour + 30 * kMinute);
  EXPECT_EQ(parse_time("2026-03-01 12:30:15.25Z"), 1772323200LL * kSecond + 12 * kHour + 30 * kMinute + 15250 * kMillisecond);
  EXPECT_EQ(parse_time("2026-03-01T00:00:00.000000001Z"), 1772323200LL * kSecond + 1);
  EXPECT_EQ(parse_time("2026-03-01T01:00:00+01:00"), 1772323200LL * kSecond);
  EXPECT_EQ(parse_time("2026-02-28T23:00:00-01:00"), 1772323200LL * kSecond);
  EXPECT_EQ(parse_time("1969-12-31T23:59:59.5Z"), -kSecond / 2);
  EXPECT_EQ(parse_time("2000-02-29"), 951782400LL * kSecond);
}

TEST(Time, RefusesMalformedTimes) {
  for (const char* bad : {"", "2026", "2026-13-01", "2026-02-30", "2025-02-29", "2026-03-01T25:00",
                          "2026-03-01T12:60", "2026-03-01X", "2026-03-01T12:00:00.Z", "26-03-01",
                          "2026-03-01T12:00:00Zjunk", "2026-3-1"}) {
    TimeNs t;
    EXPECT_FALSE(try_parse_time(bad, t)) << bad;
    EXPECT_THROW(parse_time(bad), UsageError) << bad;
  }
}

TEST(Time, FormatsExactlyAndRoundTrips) {
  EXPECT_EQ(format_time(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(format_time(250 * kMillisecond), "1970-01-01T00:00:00.250Z");
  EXPECT_EQ(format_time(1000), "1970-01-01T00:00:00.000001Z");
  EXPECT_EQ(format_time(123456789), "1970-01-01T00:00:00.123456789Z");
  EXPECT_EQ(format_time(-1), "1969-12-31T23:59:59.999999999Z");
  for (TimeNs t : std::initializer_list<TimeNs>{0, -1, 1, 1772323200LL * kSecond + 7, 978307200LL * kSecond + 59 * kSecond,
                   kTimeFirst, kTimeLast}) {
    EXPECT_EQ(parse_time(format_time(t)), t) << format_time(t);
  }
}

TEST(Time, Durations) {
  EXPECT_EQ(parse_duration("250ms"), 250 * kMillisecond);
  EXPECT_EQ(parse_duration("60s"), kMinute);
  EXPECT_EQ(parse_duration("5min"), 5 * kMinute);
  EXPECT_EQ(parse_duration("5m"), 5 * kMinute);
  EXPECT_EQ(parse_duration("1h"), kHour);
  EXPECT_EQ(parse_duration("1d"), kDay);
  EXPECT_EQ(parse_duration("1h30min"), 90 * kMinute);
  EXPECT_EQ(parse_duration("10us"), 10 * kMicrosecond);
  EXPECT_EQ(parse_duration("0s", true), 0);
  for (const char* bad : {"", "5", "min", "5 min", "-5s", "5x", "0s", "1.5h", "99999999999999d"})
    EXPECT_THROW(parse_duration(bad), UsageError) << bad;
  EXPECT_EQ(format_duration(kDay), "1d");
  EXPECT_EQ(format_duration(90 * kMinute), "90min");
  EXPECT_EQ(format_duration(250 * kMillisecond), "250ms");
  EXPECT_EQ(format_duration(7), "7ns");
  for (DurationNs d : {kSecond, 7 * kMinute, 36 * kHour, 1500 * kMicrosecond})
    EXPECT_EQ(parse_duration(format_duration(d)), d);
}

TEST(Time, BucketsAlignToTheEpoch) {
  EXPECT_EQ(bucket_start(0, kHour), 0);
  EXPECT_EQ(bucket_start(kHour - 1, kHour), 0);
  EXPECT_EQ(bucket_start(-1, kHour), -kHour);
  EXPECT_EQ(bucket_start(parse_time("2026-03-01T00:05:00Z"), 7 * kMinute) % (7 * kMinute), 0);
  EXPECT_EQ(floor_div(-7, 2), -4);
  EXPECT_EQ(floor_div(7, 2), 3);
}

TEST(Time, CivilCalendar) {
  for (std::int64_t d : {-719468LL, -1LL, 0LL, 11016LL, 20513LL, 2932896LL}) {
    const auto c = civil_from_days(d);
    EXPECT_EQ(days_from_civil(c.year, c.month, c.day), d);
  }
}

// int64 ns ends in 1677 and 2262; times there used to wrap (2263 was stored as 1678) or make
// slice arithmetic overflow (ingest spun forever). They are refused, saying why.
TEST(Time, RefusesTimesOutsideTheSupportedRange) {
  EXPECT_EQ(format_time(kTimeFirst), "1678-01-01T00:00:00Z");
  EXPECT_EQ(format_time(kTimeLast), "2261-12-31T23:59:59.999999999Z");
  EXPECT_EQ(parse_time("2261-12-31T23:59:59.999999999Z"), kTimeLast);
  EXPECT_EQ(parse_time("1678-01-01"), kTimeFirst);
  for (const char* out : {"2262-04-11T00:00:00Z", "2263-01-01T00:00:00Z", "1000-01-01", "1677-09-21T00:12:43Z",
                          "9999-12-31T23:59:59Z", "0000-01-01", "2262-01-01", "1677-12-31T23:59:59.999999999Z",
                          "2261-12-31T23:30:00-01:00", "1678-01-01T00:30:00+01:00"}) {
    TimeNs t = 0;
    EXPECT_EQ(parse_time_status(out, t), TimeParse::out_of_range) << out;
    EXPECT_FALSE(try_parse_time(out, t)) << out;
    try {
      parse_time(out);
      ADD_FAILURE() << out << " accepted";
    } catch (const UsageError& e) {
      EXPECT_NE(std::string(e.what()).find("outside the supported range"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(out), std::string::npos) << e.what();
    }
  }
  TimeNs t = 0;
  EXPECT_EQ(parse_time_status("2026-13-01", t), TimeParse::malformed);
  EXPECT_TRUE(in_time_range(0));
  EXPECT_FALSE(in_time_range(kTimeMax));
  EXPECT_FALSE(in_time_range(kTimeMin));
  // Bucketing at either end stays exact: a slice of a day around the extremes does not overflow.
  EXPECT_EQ(bucket_start(kTimeLast, kDay) + kDay, kTimeLast + 1);
  EXPECT_EQ(bucket_start(kTimeFirst, kDay), kTimeFirst);
}
