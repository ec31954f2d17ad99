#include "core/suggest.hpp"

#include <gtest/gtest.h>

namespace telemine {
namespace {

TEST(EditDistance, CountsInsertionsDeletionsAndSubstitutions) {
  EXPECT_EQ(edit_distance("", ""), 0u);
  EXPECT_EQ(edit_distance("abc", ""), 3u);
  EXPECT_EQ(edit_distance("", "abc"), 3u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("bucket", "bucekt"), 2u);
  EXPECT_EQ(edit_distance("SYN1", "SYN1"), 0u);
}

TEST(NearestNames, NearestFirstThenByName) {
  const std::vector<std::string> known = {"archive", "mission", "missions", "params", "from", "to"};
  EXPECT_EQ(nearest_names("misison", known), (std::vector<std::string>{"mission"}));
  EXPECT_EQ(nearest_names("mision", known), (std::vector<std::string>{"mission", "missions"}));
  EXPECT_EQ(nearest_names("archiv", known), (std::vector<std::string>{"archive"}));
  EXPECT_TRUE(nearest_names("zzzzzzzz", known).empty());
}

TEST(NearestNames, APrefixIsNear) {
  EXPECT_EQ(nearest_names("POWER", {"POWER_BUS_I", "THERM_BAT_T"}), (std::vector<std::string>{"POWER_BUS_I"}));
}

TEST(DidYouMean, SuggestsOrListsTheKnownNames) {
  EXPECT_EQ(did_you_mean("buckt", {"bucket", "output"}), " (did you mean 'bucket'?)");
  EXPECT_EQ(did_you_mean("xyzzy", {"SYN1", "SYN2"}), " (known: 'SYN1', 'SYN2')");
  EXPECT_EQ(did_you_mean("xyzzy", {"a1", "b2", "c3"}, 2), " (known: 'a1', 'b2', ...)");
  EXPECT_EQ(did_you_mean("x", {}), "");
}

}  // namespace
}  // namespace telemine
