#include "kernels/binning.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <random>
#include <set>
#include <string>

#include "kernels/dependency_helpers.hpp"

using namespace telemine;
using namespace telemine::kernels;
using namespace telemine::kernels::testing;

TEST(Binning, EqualFrequencyWithTies) {
  std::vector<double> s(1000);
  for (int i = 0; i < 1000; ++i) s[i] = i;
  const auto e = equal_frequency_edges(s, 4);
  EXPECT_EQ(e, (std::vector<double>{250, 500, 750}));
  std::vector<double> state(1000, 0.0);
  for (int i = 600; i < 1000; ++i) state[i] = 1.0;
  EXPECT_EQ(equal_frequency_edges(state, 16), std::vector<double>{1.0});  // a state keeps its values as bins
  EXPECT_TRUE(equal_frequency_edges(std::vector<double>(10, 3.0), 16).empty());  // constant
  std::vector<std::uint8_t> c(3);
  encode(std::vector<double>{-1, 500, NAN}, e, c);
  EXPECT_EQ(c, (std::vector<std::uint8_t>{0, 2, kMissing}));
}
