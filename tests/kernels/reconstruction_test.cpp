#include "kernels/reconstruction.hpp"

#include <gtest/gtest.h>

#include <cmath>

using namespace telemine::kernels;

TEST(Normalisation, ReferenceRowsOnlyAndAWindowsStepsShareTheirParametersSpread) {
  // 3 rows x 4 inputs (two parameters of two steps); the last row is not reference.
  const std::vector<float> x = {1, 3, 10, 10, 3, 5, 10, 10, 100, 100, 100, 100};
  const std::vector<char> ref = {1, 1, 0};
  const auto sums = normalisation_sums(x, ref, 4);
  EXPECT_EQ(sums, (std::vector<double>{4, 8, 20, 20, 10, 34, 200, 200, 2}));
  std::vector<double> mean, sd;
  ASSERT_TRUE(fit_normalisation(sums, 4, 2, mean, sd));
  EXPECT_EQ(mean, (std::vector<double>{3, 3, 10, 10}));     // 1, 3, 3, 5 pooled
  EXPECT_EQ(sd, (std::vector<double>{std::sqrt(2.0), std::sqrt(2.0), 1, 1}));  // constant: sd 1
  ASSERT_TRUE(fit_normalisation(sums, 4, 1, mean, sd));   // features: each input its own
  EXPECT_EQ(mean, (std::vector<double>{2, 4, 10, 10}));
  EXPECT_EQ(sd, (std::vector<double>{1, 1, 1, 1}));
  std::vector<float> y = {4, 4, 12, 9};
  normalise(y, mean, sd);
  EXPECT_EQ(y, (std::vector<float>{2, 0, 2, -1}));
  std::vector<double> untouched = {7};
  EXPECT_FALSE(fit_normalisation(normalisation_sums(x, std::vector<char>{0, 0, 0}, 4), 4, 1, untouched, untouched));
  EXPECT_EQ(untouched, (std::vector<double>{7}));
}

TEST(ParameterErrors, MeanSquaredErrorSharesAndErrorsInTheParametersUnits) {
  // One row, two parameters of two inputs.
  const std::vector<float> x = {0.5f, 1.0f, -1.0f, 0.0f};
  const std::vector<float> err = {1, 3, 0, 4};
  const std::vector<double> mean = {10, 10, 0, 0}, sd = {2, 2, 1, 1};
  const auto e = parameter_errors(x, err, 4, 2, mean, sd, true, 1);
  EXPECT_EQ(e.mse, (std::vector<double>{2, 2}));
  EXPECT_EQ(e.share, (std::vector<float>{0.5f, 0.5f}));
  EXPECT_DOUBLE_EQ(e.rms_units[0], std::sqrt((1 * 4 + 3 * 4) / 2.0));
  EXPECT_DOUBLE_EQ(e.rms_units[1], std::sqrt(2.0));
  EXPECT_DOUBLE_EQ(e.value[0], 1.0 * 2 + 10);  // its input `mid` (1), de-normalised
  EXPECT_DOUBLE_EQ(e.value[1], 0.0);
  const auto plain = parameter_errors(x, std::vector<float>(4, 0.0f), 4, 2, mean, sd, false, 0);
  EXPECT_EQ(plain.share, (std::vector<float>{0, 0}));  // a perfect reconstruction blames no one
  EXPECT_TRUE(plain.rms_units.empty());
}

TEST(ErrorStats, StandardisedOnTheReferenceRowsAndScoredAgainstEachThreshold) {
  // Three rows x two parameters; row 2 is not reference.
  const std::vector<double> mse = {1, 5, 3, 5, 100, 7};
  const std::vector<char> ref = {1, 1, 0};
  const auto sums = error_sums(mse, ref, 2);
  EXPECT_EQ(sums, (std::vector<double>{4, 10, 10, 50, 2, 2}));
  std::vector<double> mean, sd;
  fit_error_stats(sums, 2, mean, sd);
  EXPECT_EQ(mean, (std::vector<double>{2, 5}));
  EXPECT_DOUBLE_EQ(sd[0], std::sqrt(2.0));
  EXPECT_DOUBLE_EQ(sd[1], 5);  // no spread: |mean|
  const auto z = standardised_errors(mse, ref, 2, 0, mean[0], sd[0]);
  ASSERT_EQ(z.size(), 2u);
  EXPECT_DOUBLE_EQ(z[0], -1 / std::sqrt(2.0));
  std::vector<double> score_q, score;
  row_scores(mse, 2, mean, sd, std::vector<double>{2, 0.2}, score_q, score);
  ASSERT_EQ(score.size(), 3u);
  EXPECT_DOUBLE_EQ(score_q[5], (7.0 - 5) / 5 / 0.2);
  EXPECT_DOUBLE_EQ(score[2], (100 - 2) / std::sqrt(2.0) / 2);  // its most novel parameter
  std::vector<double> m0, s0;
  fit_error_stats(std::vector<double>(6, 0.0), 2, m0, s0);
  EXPECT_EQ(s0, (std::vector<double>{1, 1}));
}

TEST(Resolution, ASpreadThatOnlyRoundsIsNoSpreadAndTheErrorFloorFollowsIt) {
  EXPECT_DOUBLE_EQ(resolution(-1024.0), 1024.0 / 1048576.0);
  EXPECT_EQ(resolution(0.0), 0.0);
  // A channel at 1e6 whose values differ by float rounding only (spread 0.1 < 1e6 * 2^-20).
  const std::vector<float> x = {1e6f, 1e6f + 0.125f, 1e6f - 0.125f};
  std::vector<double> mean, sd;
  ASSERT_TRUE(fit_normalisation(normalisation_sums(x, std::vector<char>{1, 1, 1}, 1), 1, 1, mean, sd));
  EXPECT_EQ(sd, (std::vector<double>{1}));
  // Floors: the resolution in units of the spread, at least 1e-3 of it, squared and averaged.
  const std::vector<double> m = {1e6, 1e6, 0, 0}, s = {1, 1, 2, 2};
  const auto f = error_floor(m, s, 2);
  ASSERT_EQ(f.size(), 2u);
  EXPECT_DOUBLE_EQ(f[0], std::pow(1e6 / 1048576.0, 2));
  EXPECT_DOUBLE_EQ(f[1], 1e-6);
}

TEST(ErrorStats, ScoresAreClampedToZeroAndTheCap) {
  // An error below the reference mean is 0; an absurd one is kScoreCap, not 1e16.
  const std::vector<double> mse = {0.5, 1e20};
  std::vector<double> score_q, score;
  row_scores(mse, 1, std::vector<double>{1}, std::vector<double>{1e-12}, std::vector<double>{1e-6}, score_q, score);
  EXPECT_EQ(score, (std::vector<double>{0, kScoreCap}));
}
