#include "io/csv_reader.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "test_util.hpp"

using namespace telemine;
using namespace telemine::io;

namespace {

std::vector<std::vector<std::string>> records(const std::string& text) {
  CsvReader csv(text, "t.csv");
  std::vector<std::vector<std::string>> out;
  std::vector<std::string_view> f;
  while (csv.next(f)) out.emplace_back(f.begin(), f.end());
  return out;
}

std::string error_of(const std::string& text) {
  try {
    records(text);
  } catch (const IoError& e) {
    return e.what();
  }
  return "no error";
}

using Records = std::vector<std::vector<std::string>>;

}  // namespace

TEST(CsvReader, PlainRecordsAndLineEnds) {
  EXPECT_EQ(records("a,b,c\n1,2,3\n"), (Records{{"a", "b", "c"}, {"1", "2", "3"}}));
  EXPECT_EQ(records("a,b\r\n1,2"), (Records{{"a", "b"}, {"1", "2"}}));
  EXPECT_EQ(records("a,,\n"), (Records{{"a", "", ""}}));
  EXPECT_EQ(records(""), Records{});
  EXPECT_EQ(records("a\n\n  \t\n\r\nb\n"), (Records{{"a"}, {"b"}}));  // blank lines skipped
}

TEST(CsvReader, QuotedFieldsFollowRfc4180) {
  EXPECT_EQ(records("\"A,B\",2\n"), (Records{{"A,B", "2"}}));
  EXPECT_EQ(records("\"say \"\"hi\"\"\",x\n"), (Records{{"say \"hi\"", "x"}}));
  EXPECT_EQ(records("\"\",\"\"\n"), (Records{{"", ""}}));
  EXPECT_EQ(records("\"two\nlines\",b\r\nnext,c\n"), (Records{{"two\nlines", "b"}, {"next", "c"}}));
  EXPECT_EQ(records("\"cr\r\nlf\"\r\n"), (Records{{"cr\r\nlf"}}));
  EXPECT_EQ(records("x,\"last\""), (Records{{"x", "last"}}));
}

TEST(CsvReader, LineNumbersCountLinesInsideQuotes) {
  CsvReader csv("h\n\"a\nb\"\n\nc\n", "t.csv");
  std::vector<std::string_view> f;
  ASSERT_TRUE(csv.next(f));
  EXPECT_EQ(csv.line(), 1);
  ASSERT_TRUE(csv.next(f));
  EXPECT_EQ(csv.line(), 2);
  ASSERT_TRUE(csv.next(f));
  EXPECT_EQ(csv.line(), 5);
  EXPECT_EQ(f[0], "c");
  EXPECT_FALSE(csv.next(f));
}

TEST(CsvReader, MalformedQuotesNameTheLine) {
  EXPECT_EQ(error_of("a\n\"open,b\n"), "t.csv:2: quoted field never closed (a '\"' is missing)");
  EXPECT_EQ(error_of("\"a\"b,c\n"), "t.csv:1: text after the closing quote of field 1 (a quote inside a quoted field is written \"\")");
  EXPECT_EQ(error_of("x\nab\"c\n"), "t.csv:2: quote inside unquoted field 1 (quote the whole field, and write a quote as \"\")");
}

TEST(CsvReader, FilesAreReadWholeAndNamedInErrors) {
  test::TempDir dir;
  test::write_text(dir / "a.csv", "p,q\n1,2\n");
  CsvReader csv = CsvReader::open(dir / "a.csv");
  std::vector<std::string_view> f;
  ASSERT_TRUE(csv.next(f));
  ASSERT_TRUE(csv.next(f));
  try {
    csv.fail("bad value");
    FAIL();
  } catch (const IoError& e) {
    EXPECT_EQ(std::string(e.what()), (dir / "a.csv").string() + ":2: bad value");
  }
  EXPECT_THROW(CsvReader::open(dir / "missing.csv"), IoError);
  EXPECT_THROW(CsvReader::open(dir.path()), IoError);  // a folder
}
