#include "io/json.hpp"

#include <gtest/gtest.h>

#include <cmath>

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
