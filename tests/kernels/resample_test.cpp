#include "kernels/resample.hpp"

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

TEST(Resample, BucketMeanAndLastHeld) {
  const std::vector<TimeNs> t = {0, 1, 10, 25, 26, 60};
  const std::vector<double> v = {1, 3, NAN, 5, 7, 9};
  std::vector<double> out(4);
  resample_mean(t, v, 0, 10, out);
  EXPECT_EQ(out[0], 2);
  EXPECT_TRUE(std::isnan(out[1]));  // only an invalid sample
  EXPECT_EQ(out[2], 6);
  EXPECT_TRUE(std::isnan(out[3]));
  const double carry = resample_last(t, v, 0, 10, out, NAN);
  EXPECT_EQ(out[0], 3);
  EXPECT_EQ(out[1], 3);  // held
  EXPECT_EQ(out[2], 7);
  EXPECT_EQ(out[3], 7);
  EXPECT_EQ(carry, 7);
  std::vector<double> next(4);
  resample_last(t, v, 40, 10, next, carry);  // the next slice of the grid continues the hold
  EXPECT_EQ(next[0], 7);
  EXPECT_EQ(next[2], 9);
}
