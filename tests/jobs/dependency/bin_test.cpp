#include "jobs/dependency/bin.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "core/serialize.hpp"
#include "kernels/binning.hpp"
#include "kernels/significance.hpp"

using namespace telemine;
using namespace telemine::jobs::dependency;

TEST(DependencyBin, OwnersTakeEveryRanksTurn) {
  EXPECT_EQ(owned_params(7, 1, 3), (std::vector<std::int32_t>{1, 4}));
  EXPECT_EQ(owned_params(2, 2, 3), (std::vector<std::int32_t>{}));
  for (std::int32_t p = 0; p < 7; ++p) EXPECT_EQ(owner(p, 3), p % 3);
}

TEST(DependencyBin, NumericSeriesGetsEqualFrequencyBins) {
  std::vector<double> v;
  for (int i = 0; i < 100; ++i) v.push_back(i % 10 == 3 ? NAN : i);
  const auto lags = kernels::autocorrelation_lags(static_cast<std::int64_t>(v.size()));
  std::vector<std::uint8_t> codes;
  const auto s = bin_series(v, false, 4, lags, codes);
  EXPECT_EQ(s.status, Status::ok);
  EXPECT_EQ(s.bins, 4);
  EXPECT_EQ(s.present, 90);
  ASSERT_EQ(codes.size(), v.size());
  EXPECT_EQ(codes[3], kernels::kMissing);
  EXPECT_EQ(codes[0], 0);
  EXPECT_EQ(codes[99], 3);
  EXPECT_EQ(s.rho.size(), lags.size());
  EXPECT_GT(s.rho[0], 0.9);  // a ramp
}

TEST(DependencyBin, StateSeriesGetsOneBinAValue) {
  // Two values, 95% of one: equal-frequency edges would put both in one bin.
  std::vector<double> v(100, 0.0);
  for (int i = 0; i < 5; ++i) v[static_cast<std::size_t>(i * 20)] = 1;
  std::vector<std::uint8_t> codes;
  EXPECT_EQ(bin_series(v, true, 16, {}, codes).bins, 2);
  codes.clear();
  EXPECT_EQ(bin_series(v, false, 16, {}, codes).status, Status::constant);
  EXPECT_TRUE(codes.empty());
}

TEST(DependencyBin, ConstantAndEmptySeries) {
  std::vector<std::uint8_t> codes;
  EXPECT_EQ(bin_series(std::vector<double>(10, 5.0), false, 8, {}, codes).status, Status::constant);
  EXPECT_EQ(bin_series(std::vector<double>(10, NAN), false, 8, {}, codes).status, Status::no_data);
  EXPECT_TRUE(codes.empty());
}

TEST(DependencyBin, SummaryRoundTrips) {
  ParamSummary s{Status::ok, 7, 1234, {0.5, 0.25, NAN}};
  ByteWriter w;
  put(w, s);
  const std::string bytes = w.take();
  ByteReader r(bytes);
  ParamSummary t;
  get(r, t);
  EXPECT_TRUE(r.done());
  EXPECT_EQ(t.status, Status::ok);
  EXPECT_EQ(t.bins, 7);
  EXPECT_EQ(t.present, 1234);
  ASSERT_EQ(t.rho.size(), 3u);
  EXPECT_EQ(t.rho[1], 0.25);
  EXPECT_TRUE(std::isnan(t.rho[2]));
}
