#include "ml/forecaster.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <random>

#include "ml/lstm_math.hpp"

using namespace telemine;
using namespace telemine::ml;

namespace {

// Two columns: a sine the model can forecast from its past, and a command flag that switches
// its amplitude.
std::vector<float> series(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> noise(0, 0.02f);
  std::vector<float> x;
  for (std::size_t i = 0; i < n; ++i) {
    const float cmd = (i / 40) % 2 ? 1.0f : 0.0f;
    x.push_back((0.5f + 0.5f * cmd) * std::sin(0.3f * static_cast<float>(i)) + noise(rng));
    x.push_back(cmd);
  }
  return x;
}

ForecastShape small() {
  ForecastShape s;
  s.inputs = 2;
  s.targets = {0};
  s.hidden = {12, 12};
  s.history = 20;
  s.horizon = 3;
  s.chunk = 7;
  s.dropout = 0.1;
  return s;
}

ForecastOptions quick(int epochs) {
  ForecastOptions o;
  o.epochs = epochs;
  o.batch = 4;
  o.learning_rate = 1e-2;
  o.seed = 3;
  return o;
}

double mean_finite(const std::vector<float>& e) {
  double s = 0, n = 0;
  for (float v : e)
    if (!std::isnan(v)) s += v, ++n;
  return s / n;
}

}  // namespace

TEST(Forecaster, RunsSplitWhereTheStepChanges) {
  const std::vector<std::int64_t> t = {0, 10, 20, 40, 50, 51};
  EXPECT_EQ(runs_of(t, 10), (std::vector<std::int64_t>{3, 2, 1}));
  EXPECT_TRUE(runs_of({}, 10).empty());
}

TEST(Forecaster, LearnsASeriesAndScoresWhatBreaksIt) {
  const auto x = series(600, 1);
  Forecaster f(small(), 7);
  std::vector<float> before(600);
  f.errors(x, std::vector<std::int64_t>{600}, before);
  const auto report = f.train(x, std::vector<std::int64_t>{600}, quick(30));
  EXPECT_GT(report.rows, 0);
  std::vector<float> after(600);
  f.errors(x, std::vector<std::int64_t>{600}, after);
  EXPECT_LT(mean_finite(after), 0.2 * mean_finite(before));
  // A stuck value is not what the past forecasts.
  auto broken = series(600, 2);
  for (std::size_t i = 300; i < 340; ++i) broken[2 * i] = 0.9f;
  std::vector<float> e(600);
  f.errors(broken, std::vector<std::int64_t>{600}, e);
  double in = 0, out = 0;
  for (std::size_t i = 305; i < 340; ++i) in += e[i];
  for (std::size_t i = 100; i < 135; ++i) out += e[i];
  EXPECT_GT(in, 10 * out);
}

// Each row's error, computed the naive way: the stack run over its own chunk's rows alone, one
// row at a time, with the weights as flat_weights gives them (PyTorch's order).
TEST(Forecaster, ErrorsEqualANaiveForecastOfEachRow) {
  const ForecastShape s = small();
  const auto x = series(130, 4);
  const std::vector<std::int64_t> runs = {70, 60};
  Forecaster f(s, 9);
  f.train(x, runs, quick(2));
  std::vector<float> e(130);
  f.errors(x, runs, e);
  const std::vector<float> flat = f.flat_weights();
  lstm::Weights w;
  std::size_t at = 0;
  int in = s.inputs;
  for (int h : s.hidden) {
    lstm::Layer l{in, h, flat.data() + at, nullptr, nullptr, nullptr};
    at += static_cast<std::size_t>(4 * h * in);
    l.w_hh = flat.data() + at, at += static_cast<std::size_t>(4 * h * h);
    l.b_ih = flat.data() + at, at += static_cast<std::size_t>(4 * h);
    l.b_hh = flat.data() + at, at += static_cast<std::size_t>(4 * h);
    w.layers.push_back(l);
    in = h;
  }
  w.out = s.horizon;
  w.head_w = flat.data() + at, at += static_cast<std::size_t>(s.horizon * in);
  w.head_b = flat.data() + at, at += static_cast<std::size_t>(s.horizon);
  ASSERT_EQ(at, flat.size());
  std::int64_t offset = 0;
  for (const std::int64_t len : runs) {
    for (std::int64_t t = 0; t < len; ++t) {
      const std::size_t row = static_cast<std::size_t>(offset + t);
      if (t < s.history) {
        EXPECT_TRUE(std::isnan(e[row])) << row;
        continue;
      }
      // Its chunk starts `history` rows before the chunk's first forecast.
      const std::int64_t start = t - (t - s.history) % s.chunk - s.history, steps = t - start;
      std::vector<float> in_x(x.begin() + 2 * (offset + start), x.begin() + 2 * (offset + t));
      lstm::Tape tape;
      std::vector<float> out;
      lstm::forward(w, static_cast<int>(steps), 1, static_cast<int>(steps - 1), in_x, 0, nullptr, tape, out);
      const float d = out[0] - x[2 * row];
      EXPECT_NEAR(e[row], d * d, 1e-5 + 1e-4 * d * d) << row;
    }
    offset += len;
  }
}

TEST(Forecaster, DeterministicForASeedAndSavedModelsScoreTheSame) {
  const auto x = series(300, 5);
  const std::vector<std::int64_t> runs = {300};
  Forecaster a(small(), 11), b(small(), 11);
  a.train(x, runs, quick(3));
  b.train(x, runs, quick(3));
  EXPECT_EQ(a.flat_weights(), b.flat_weights());
  const auto file = std::filesystem::temp_directory_path() / "telemine_forecaster_test.pt";
  a.save(file, {{"norm_mean", {1.5, 2}}}, {{"model", "forecast"}});
  std::map<std::string, std::vector<double>> numbers;
  std::map<std::string, std::string> texts;
  const Forecaster c = Forecaster::load(file, numbers, texts);
  EXPECT_EQ(numbers["norm_mean"], (std::vector<double>{1.5, 2}));
  EXPECT_EQ(texts["model"], "forecast");
  EXPECT_EQ(saved_texts(file)["model"], "forecast");
  EXPECT_EQ(c.shape().history, small().history);
  EXPECT_EQ(c.shape().chunk, small().chunk);
  std::vector<float> ea(300), ec(300);
  a.errors(x, runs, ea);
  c.errors(x, runs, ec);
  for (std::size_t i = 0; i < ea.size(); ++i)
    if (std::isnan(ea[i])) EXPECT_TRUE(std::isnan(ec[i]));
    else EXPECT_EQ(ea[i], ec[i]) << i;
  std::filesystem::remove(file);
}
