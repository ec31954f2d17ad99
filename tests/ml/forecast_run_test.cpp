#include "ml/forecast_run.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace telemine::ml;

namespace {

ForecastShape tiny() {
  ForecastShape s;
  s.inputs = 2;
  s.targets = {0};
  s.hidden = {8, 8};
  s.history = 12;
  s.horizon = 2;
  s.chunk = 5;
  return s;
}

}  // namespace

// Rows fed one at a time, taken at irregular points, with a gap that starts a new run: the same
// errors, for the same rows, as Forecaster::errors over the whole series.
TEST(ForecastRun, RowByRowEqualsTheWholeRun) {
  Forecaster f(tiny(), 5);
  std::mt19937 rng(11);
  std::normal_distribution<float> noise(0, 1);
  std::vector<std::int64_t> times;
  std::vector<float> x;
  for (std::int64_t i = 0; i < 120; ++i) {
    times.push_back(i < 70 ? i * 10 : 2000 + i * 10);  // a gap after row 70
    x.push_back(std::sin(0.2f * static_cast<float>(i)) + 0.1f * noise(rng));
    x.push_back(static_cast<float>((i / 9) % 2));
  }
  std::vector<float> whole(times.size());
  f.errors(x, runs_of(times, 10), whole);

  ForecastRun run(f, 10);
  ForecastRun::Scored got;
  const auto take = [&] {
    auto s = run.take();
    got.time.insert(got.time.end(), s.time.begin(), s.time.end());
    got.error.insert(got.error.end(), s.error.begin(), s.error.end());
    got.x.insert(got.x.end(), s.x.begin(), s.x.end());
  };
  for (std::size_t i = 0; i < times.size(); ++i) {
    run.add(times[i], std::span<const float>(x).subspan(2 * i, 2));
    if (i % 7 == 3 || i % 11 == 0) take();
  }
  take();
  std::vector<std::int64_t> want;
  for (std::size_t i = 0; i < times.size(); ++i)
    if (!std::isnan(whole[i])) want.push_back(times[i]);
  ASSERT_EQ(got.time, want);
  ASSERT_EQ(got.x.size(), 2 * want.size());
  for (std::size_t j = 0, i = 0; i < times.size(); ++i) {
    if (std::isnan(whole[i])) continue;
    EXPECT_NEAR(got.error[j], whole[i], 1e-6f * std::max(1.0f, whole[i])) << "row " << i;
    EXPECT_EQ(got.x[2 * j], x[2 * i]);
    ++j;
  }
  EXPECT_TRUE(run.take().time.empty());  // nothing twice
}
