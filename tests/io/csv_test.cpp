#include "io/csv.hpp"

#include <gtest/gtest.h>

#include <charconv>
#include <cmath>
#include <cstring>

#include "core/error.hpp"
#include "test_util.hpp"

using namespace telemine;
using namespace telemine::io;
using telemine::test::TempDir;

namespace {
std::string error_of(IngestBatch (*reader)(const std::filesystem::path&), const std::filesystem::path& f) {
  try {
    reader(f);
  } catch (const IoError& e) {
    return e.what();
  }
  return "no error";
}
}  // namespace

TEST(CsvLong, ReadsTimesValuesAndQuotedNames) {
  TempDir dir;
  test::write_text(dir / "a.csv",
                   "Time, Param ,VALUE\r\n"
                   "2026-01-01T00:00:01.5Z,T1,2.5\r\n"
                   "\r\n"
                   "1767225600000000000,T1,NaN\r\n"
                   "2026-01-01 00:00:00Z,\"bus, main\",-1e-3\r\n"
                   "2026-01-01T00:00:00Z,T1,+7");  // no final newline
  const IngestBatch b = read_csv_long(dir / "a.csv");
  EXPECT_EQ(b.rows, 4);
  ASSERT_EQ(b.samples.size(), 2u);
  const Series& t1 = b.samples.at("T1");
  ASSERT_EQ(t1.size(), 3u);  // input order kept: sorting is the ingest driver's job
  EXPECT_EQ(t1.time[0], parse_time("2026-01-01T00:00:01.5Z"));
  EXPECT_EQ(t1.value[0], 2.5);
  EXPECT_TRUE(std::isnan(t1.value[1]));
  EXPECT_EQ(t1.time[1], 1767225600000000000);
  EXPECT_EQ(t1.value[2], 7);
  EXPECT_EQ(b.samples.at("bus, main").value[0], -1e-3);
  EXPECT_EQ(b.params.size(), 2u);
}

TEST(CsvLong, ValuesRoundTripExactly) {
  TempDir dir;
  const double values[] = {0.1, 1.0 / 3, -0.0, 4.9e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 123456789.123456789};
  std::string text = "time,param,value\n";
  for (std::size_t i = 0; i < std::size(values); ++i) {
    char buf[40];
    text += std::to_string(i) + ",X," + std::string(buf, std::to_chars(buf, buf + 40, values[i]).ptr) + "\n";
  }
  test::write_text(dir / "v.csv", text);
  const IngestBatch b = read_csv_long(dir / "v.csv");
  for (std::size_t i = 0; i < std::size(values); ++i)
    EXPECT_EQ(std::memcmp(&b.samples.at("X").value[i], &values[i], sizeof(double)), 0) << values[i];
}

TEST(CsvLong, ErrorsNameTheFileAndLine) {
  TempDir dir;
  const auto f = dir / "bad.csv";
  const std::string n = f.string();
  auto with = [&](const std::string& text) {
    test::write_text(f, text);
    return error_of(read_csv_long, f);
  };
  EXPECT_EQ(with(""), n + ":1: empty file (expected the header time,param,value)");
  EXPECT_EQ(with("t,p,v\n"), n + ":1: expected the header time,param,value, got 't,p,v'");
  EXPECT_EQ(with("time,param,value\n2026-01-01,X,1\n2026-01-01,X\n"), n + ":3: expected 3 fields (time,param,value), got 2");
  EXPECT_EQ(with("time,param,value\n2026-01-32,X,1\n"), n + ":2: invalid time '2026-01-32'");
  EXPECT_EQ(with("time,param,value\n12x,X,1\n"), n + ":2: invalid time '12x'");
  EXPECT_EQ(with("time,param,value\n2026-01-01,X,one\n"), n + ":2: invalid value 'one'");
  EXPECT_EQ(with("time,param,value\n2026-01-01,X,\n"), n + ":2: invalid value ''");
  EXPECT_EQ(with("time,param,value\n2026-01-01,X,-inf\n"), n + ":2: infinite value not allowed; use nan for an invalid sample");
  EXPECT_EQ(with("time,param,value\n2026-01-01,X,1e999\n"), n + ":2: infinite value not allowed; use nan for an invalid sample");
  EXPECT_EQ(with("time,param,value\n2026-01-01,,1\n"), n + ":2: empty parameter name");
  EXPECT_EQ(with("time,param,value\n2026-01-01,a/b,1\n"), n + ":2: parameter name 'a/b' contains '/'");
  EXPECT_EQ(with("time,param,value\n2026-01-01,\"a\"b,1\n"),
            n + ":2: text after the closing quote of field 2 (a quote inside a quoted field is written \"\")");
  EXPECT_EQ(with("time,param,value\n"), "no error");
}

TEST(CsvWide, EmptyCellsAreNoSample) {
  TempDir dir;
  test::write_text(dir / "w.csv", "time,A,\"B,2\"\n2026-01-01T00:00:00Z,1,\n2026-01-01T00:00:01Z,,2.5\n2026-01-01T00:00:02Z,nan,3\n");
  const IngestBatch b = read_csv_wide(dir / "w.csv");
  EXPECT_EQ(b.rows, 3);
  EXPECT_EQ(b.samples.at("A").size(), 2u);
  EXPECT_TRUE(std::isnan(b.samples.at("A").value[1]));
  EXPECT_EQ(b.samples.at("B,2").value, (std::vector<double>{2.5, 3}));
}

TEST(CsvWide, ErrorsNameTheFileAndLine) {
  TempDir dir;
  const auto f = dir / "bad.csv";
  const std::string n = f.string();
  auto with = [&](const std::string& text) {
    test::write_text(f, text);
    return error_of(read_csv_wide, f);
  };
  EXPECT_EQ(with("when,A\n"), n + ":1: expected a header time,<param>,<param>,..., got 'when,A'");
  EXPECT_EQ(with("time,A,A\n"), n + ":1: parameter 'A' appears twice in the header");
  EXPECT_EQ(with("time,A,\n"), n + ":1: empty parameter name");
  EXPECT_EQ(with("time,A,B\n2026-01-01,1\n"), n + ":2: expected 3 fields, got 2");
  EXPECT_EQ(with("time,A\n2026-01-01,1\n2026-01-01,x\n"), n + ":3: invalid value 'x'");
}

// Times in the last representable days of int64 ns made ingest spin forever; times beyond them
// wrapped (2263 stored as 1678). Each is refused at its line, saying why.
TEST(CsvLong, TimesOutsideTheSupportedRangeAreRefusedAtTheirLine) {
  TempDir dir;
  const auto f = dir / "edge.csv";
  const std::string n = f.string();
  auto with = [&](const std::string& time) {
    test::write_text(f, "time,param,value\n2026-01-01,X,1\n" + time + ",X,1\n");
    return error_of(read_csv_long, f);
  };
  for (const char* t : {"2262-04-11T00:00:00Z", "9223372036854775807", "-9223372036854775808", "1677-09-21T00:12:43Z",
                        "2263-01-01T00:00:00Z", "1000-01-01", "99999999999999999999"})
    EXPECT_EQ(with(t), n + ":3: time '" + t + "' is outside the supported range 1678-01-01T00:00:00Z to "
                                              "2261-12-31T23:59:59.999999999Z") << t;
  EXPECT_EQ(with("2261-12-31T23:59:59.999999999Z"), "no error");
  EXPECT_EQ(with(std::to_string(kTimeFirst)), "no error");
  test::write_text(f, "time,A\n2026-01-01,1\n9223372036854775807,1\n");
  EXPECT_EQ(error_of(read_csv_wide, f), n + ":3: time '9223372036854775807' is outside the supported range "
                                           "1678-01-01T00:00:00Z to 2261-12-31T23:59:59.999999999Z");
}

TEST(CsvLong, BadParameterNamesAreNamedAtTheirLine) {
  TempDir dir;
  const auto f = dir / "names.csv";
  const std::string n = f.string();
  auto with = [&](const std::string& name) {
    test::write_text(f, "time,param,value\n2026-01-01,X,1\n2026-01-01," + name + ",1\n");
    return error_of(read_csv_long, f);
  };
  EXPECT_EQ(with("."), n + ":3: invalid parameter name '.': reserved");
  EXPECT_EQ(with(".."), n + ":3: invalid parameter name '..': reserved");
  EXPECT_EQ(with("a\tb"), n + ":3: invalid parameter name 'a\\tb': contains a control character");
  EXPECT_EQ(with(std::string("a\0b", 3)), n + ":3: invalid parameter name 'a\\0b': contains a control character");
  EXPECT_EQ(with(std::string(100000, 'p')),
            n + ":3: invalid parameter name '" + std::string(200, 'p') + "... (100000 bytes)': longer than 255 bytes");
  test::write_text(f, "time,A,..\n");
  EXPECT_EQ(error_of(read_csv_wide, f), n + ":1: invalid parameter name '..': reserved");
}

// A 5 MB bad line used to be echoed whole into stderr.
TEST(CsvLong, LongBadTextIsCutInMessages) {
  TempDir dir;
  const auto f = dir / "long.csv";
  const std::string junk(5'000'000, 'z');
  test::write_text(f, "time,param,value\n2026-01-01,X," + junk + "\n");
  const std::string e = error_of(read_csv_long, f);
  EXPECT_EQ(e, f.string() + ":2: invalid value '" + std::string(200, 'z') + "... (5000000 bytes)'");
  test::write_text(f, junk + "\n");
  EXPECT_LT(error_of(read_csv_long, f).size(), 400u);
  test::write_text(f, "time,param,value\n" + junk + ",X,1\n");
  EXPECT_LT(error_of(read_csv_long, f).size(), 400u);
}

TEST(CsvLong, NamesWithCommasAndQuotesRoundTrip) {
  TempDir dir;
  test::write_text(dir / "q.csv", "time,param,value\n2026-01-01,\"A,B\",1\n2026-01-01,\"say \"\"x\"\"\",2\n");
  const IngestBatch b = read_csv_long(dir / "q.csv");
  EXPECT_EQ(b.samples.at("A,B").value[0], 1);
  EXPECT_EQ(b.samples.at("say \"x\"").value[0], 2);
}
