#include "io/csv_writer.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "io/csv_reader.hpp"
#include "io/json.hpp"
#include "test_util.hpp"

using namespace telemine;
using namespace telemine::io;

TEST(CsvWriter, QuotesOnlyWhatMustBeQuoted) {
  std::string out;
  CsvWriter csv(out);
  csv.header({"param", "value"});
  csv.field("A,B").field(1.5).end_row();
  csv.field("say \"hi\"").field(std::numeric_limits<double>::quiet_NaN()).end_row();
  csv.field("two\nlines").field(std::int64_t{-7}).end_row();
  csv.field("cr\r").empty().end_row();
  csv.field("plain name").time(1767225600LL * kSecond + 250 * kMillisecond).end_row();
  EXPECT_EQ(out,
            "param,value\n"
            "\"A,B\",1.5\n"
            "\"say \"\"hi\"\"\",nan\n"
            "\"two\nlines\",-7\n"
            "\"cr\r\",\n"
            "plain name,2026-01-01T00:00:00.250Z\n");
}

TEST(CsvWriter, NumbersAreExact) {
  std::string out;
  CsvWriter csv(out);
  csv.field(0.1).field(1.0 / 3).field(-0.0).field(4.9e-324).field(1.7976931348623157e308).end_row();
  EXPECT_EQ(out, "0.1,0.3333333333333333,-0,5e-324,1.7976931348623157e+308\n");
}

// What the writer writes, the reader reads back field for field, whatever the text holds.
TEST(CsvWriter, RoundTripsThroughTheReader) {
  std::mt19937 rng(7);
  const std::string alphabet = "ab ,\"\r\n\t;'x";
  std::vector<std::vector<std::string>> rows;
  std::string out;
  CsvWriter csv(out);
  for (int r = 0; r < 500; ++r) {
    auto& row = rows.emplace_back();
    const int n = 1 + static_cast<int>(rng() % 4);
    for (int i = 0; i < n; ++i) {
      std::string f;
      for (unsigned k = rng() % 6; k > 0; --k) f += alphabet[rng() % alphabet.size()];
      if (n == 1 && f.find_first_not_of(" \t\r") == std::string::npos) f = "x" + f;  // not a blank line
      row.push_back(f);
      csv.field(f);
    }
    csv.end_row();
  }
  CsvReader reader(out, "round.csv");
  std::vector<std::string_view> f;
  for (const auto& row : rows) {
    ASSERT_TRUE(reader.next(f));
    ASSERT_EQ(std::vector<std::string>(f.begin(), f.end()), row);
  }
  EXPECT_FALSE(reader.next(f));
}

TEST(CsvWriter, WritesThroughATextFile) {
  test::TempDir dir;
  {
    TextFile file(dir / "out.csv");
    CsvWriter csv(file);
    csv.header({"name", "n"});
    for (int i = 0; i < 100000; ++i) csv.field("A,B").field(i).end_row();  // more than one buffer
    file.close();
  }
  CsvReader reader = CsvReader::open(dir / "out.csv");
  std::vector<std::string_view> f;
  int rows = 0;
  while (reader.next(f)) ++rows;
  EXPECT_EQ(rows, 100001);
  EXPECT_EQ(f[0], "A,B");
  EXPECT_EQ(f[1], "99999");
}
