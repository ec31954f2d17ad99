#include "core/error.hpp"

#include <gtest/gtest.h>

using namespace telemine;

TEST(Excerpt, ShortTextIsShownAsItIs) {
  EXPECT_EQ(excerpt("bus voltage"), "bus voltage");
  EXPECT_EQ(excerpt(""), "");
}

TEST(Excerpt, ControlCharactersAreEscaped) {
  EXPECT_EQ(excerpt(std::string("a\tb\0c\x1f\x7f", 7)), "a\\tb\\0c\\x1f\\x7f");
  EXPECT_EQ(excerpt("line\nnext\r"), "line\\x0anext\\x0d");
}

TEST(Excerpt, LongTextIsCutWithItsLength) {
  const std::string line(5'000'000, 'x');
  const std::string shown = excerpt(line);
  EXPECT_EQ(shown, std::string(200, 'x') + "... (5000000 bytes)");
  EXPECT_EQ(excerpt("abcdef", 3), "abc... (6 bytes)");
  EXPECT_EQ(excerpt("abc", 3), "abc");
}
