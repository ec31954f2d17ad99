#include "io/json.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>

#include "core/error.hpp"
#include "test_util.hpp"

using namespace telemine::io;

TEST(Json, WritesNestedValuesWithEscapes) {
  JsonWriter w;
  w.begin_object().field("name", "a\"b\\c\n").field("n", std::int64_t{-3}).field("x", 0.1).field("nan", std::nan(""));
  w.key("list").begin_array().value(1).value(true).end_array();
  w.key("empty").begin_object().end_object();
  w.end_object();
  EXPECT_EQ(w.str(),
            "{\n  \"name\": \"a\\\"b\\\\c\\n\",\n  \"n\": -3,\n  \"x\": 0.1,\n  \"nan\": null,\n"
            "  \"list\": [\n    1,\n    true\n  ],\n  \"empty\": {}\n}\n");
}

TEST(Json, WritesFilesAtomically) {
  telemine::test::TempDir dir;
  write_file_atomically(dir / "x.json", "{}\n");
  EXPECT_EQ(telemine::test::read_text(dir / "x.json"), "{}\n");
}

TEST(TextFile, WritesPiecesThroughItsBuffer) {
  telemine::test::TempDir dir;
  TextFile f(dir / "big.csv");
  std::string expected;
  for (int i = 0; i < 200000; ++i) {  // 2.5 MB: several flushes
    const std::string line = "row " + std::to_string(i) + "\n";
    f.buffer() += line;
    expected += line;
    f.flush_if_full();
  }
  f.close();
  EXPECT_EQ(telemine::test::read_text(dir / "big.csv"), expected);
}

TEST(TextFile, NamesTheFileItCannotCreateOrFill) {
  telemine::test::TempDir dir;
  try {
    TextFile f(dir / "no-such-folder" / "x.csv");
    FAIL() << "created a file in a missing folder";
  } catch (const telemine::IoError& e) {
    EXPECT_NE(std::string(e.what()).find("no-such-folder/x.csv: cannot create"), std::string::npos) << e.what();
  }
  TextFile full("/dev/full");  // every write fails with ENOSPC, as on a full disk
  full.buffer() = std::string(2 << 20, 'x');
  EXPECT_THROW(
      {
        full.flush_if_full();
        full.close();
      },
      telemine::IoError);
}
