#include "ml/autoencoder.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <random>

using namespace telemine;
using namespace telemine::ml;

namespace {

// Rows on a 2-d manifold in 8 dimensions: what an autoencoder with a 2-unit code can learn.
std::vector<float> manifold(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-1, 1);
  std::vector<float> x;
  for (std::size_t i = 0; i < n; ++i) {
    const float a = u(rng), b = u(rng);
    for (float v : {a, b, a + b, a - b, a * 0.5f, b * 0.3f, std::sin(a), std::cos(b)}) x.push_back(v);
  }
  return x;
}

double mean_error(const Autoencoder& ae, const std::vector<float>& rows) {
  std::vector<float> e(rows.size());
  ae.errors(rows, e);
  double s = 0;
  for (float v : e) s += v;
  return s / static_cast<double>(e.size());
}

}  // namespace

TEST(Autoencoder, LearnsAManifoldAndFlagsWhatIsOffIt) {
  const auto train = manifold(2000, 1);
  Autoencoder ae(8, {16, 2}, 7);
  const double before = mean_error(ae, train);
  const auto report = ae.train(train, {.epochs = 40, .batch = 64, .learning_rate = 3e-3, .seed = 7});
  EXPECT_EQ(report.rows, 2000);
  EXPECT_EQ(report.steps, 40 * 32);
  EXPECT_LT(report.final_loss, before / 10);
  // Each input in range, the combination never seen: a + b replaced by a - b.
  auto off = manifold(200, 2);
  for (std::size_t i = 0; i < 200; ++i) off[i * 8 + 2] = off[i * 8 + 3];
  EXPECT_GT(mean_error(ae, off), 5 * mean_error(ae, manifold(200, 3)));
}

TEST(Autoencoder, TrainingIsDeterministicForASeed) {
  const auto rows = manifold(500, 4);
  Autoencoder a(8, {6, 3}, 11), b(8, {6, 3}, 11), c(8, {6, 3}, 12);
  a.train(rows, {.epochs = 5, .batch = 32, .learning_rate = 1e-3, .seed = 11});
  b.train(rows, {.epochs = 5, .batch = 32, .learning_rate = 1e-3, .seed = 11});
  c.train(rows, {.epochs = 5, .batch = 32, .learning_rate = 1e-3, .seed = 12});
  EXPECT_EQ(a.flat_weights(), b.flat_weights());
  EXPECT_NE(a.flat_weights(), c.flat_weights());
}

TEST(Autoencoder, SavedAndLoadedScoresTheSame) {
  const auto rows = manifold(300, 5);
  Autoencoder ae(8, {6, 2}, 3);
  ae.train(rows, {.epochs = 3, .batch = 32, .learning_rate = 1e-3, .seed = 3});
  const auto file = std::filesystem::temp_directory_path() / "telemine-ae-test.pt";
  ae.save(file, {{"threshold", {1.5, 2.5}}}, {{"params", "A\nB\n"}});
  std::map<std::string, std::vector<double>> numbers;
  std::map<std::string, std::string> texts;
  const Autoencoder back = Autoencoder::load(file, numbers, texts);
  std::filesystem::remove(file);
  EXPECT_EQ(back.inputs(), 8);
  EXPECT_EQ(back.hidden(), (std::vector<int>{6, 2}));
  EXPECT_EQ(numbers["threshold"], (std::vector<double>{1.5, 2.5}));
  EXPECT_EQ(texts["params"], "A\nB\n");
  std::vector<float> e1(rows.size()), e2(rows.size());
  ae.errors(rows, e1);
  back.errors(rows, e2);
  EXPECT_EQ(e1, e2);
}

// Training does its forward and backward by hand: three full-batch Adam steps must give the
// weights a naive double-precision backpropagation gives from the same initial weights.
TEST(Autoencoder, TrainingStepsMatchANaiveBackpropagation) {
  const int in = 5;
  const std::vector<int> hidden = {4, 2};
  const std::vector<int> sizes = {5, 4, 2, 4, 5};
  const auto x = [] {
    std::mt19937 rng(3);
    std::uniform_real_distribution<float> u(-1, 1);
    std::vector<float> v(7 * 5);
    for (auto& a : v) a = u(rng);
    return v;
  }();
  const std::size_t n = x.size() / in;
  Autoencoder ae(in, hidden, 11);
  const std::vector<float> w0 = ae.flat_weights();
  const double lr = 1e-2;
  ae.train(x, {.epochs = 3, .batch = static_cast<int>(n), .learning_rate = lr, .seed = 1});
  const std::vector<float> trained = ae.flat_weights();

  // The reference: weights W (out x in) then b per layer, as flat_weights() lays them out.
  std::vector<double> w(w0.size()), m(w0.size(), 0.0), v(w0.size(), 0.0);
  std::copy(w0.begin(), w0.end(), w.begin());
  const std::size_t layers = sizes.size() - 1;
  for (int t = 1; t <= 3; ++t) {
    std::vector<double> grad(w.size(), 0);
    for (std::size_t r = 0; r < n; ++r) {
      std::vector<std::vector<double>> h(1);
      h[0].assign(x.begin() + static_cast<std::ptrdiff_t>(r * in), x.begin() + static_cast<std::ptrdiff_t>((r + 1) * in));
      std::size_t off = 0;
      std::vector<std::size_t> offs;
      for (std::size_t l = 0; l < layers; ++l) {
        offs.push_back(off);
        const int a = sizes[l], b = sizes[l + 1];
        std::vector<double> o(static_cast<std::size_t>(b));
        for (int j = 0; j < b; ++j) {
          double s = w[off + static_cast<std::size_t>(a * b + j)];
          for (int k = 0; k < a; ++k) s += w[off + static_cast<std::size_t>(j * a + k)] * h[l][static_cast<std::size_t>(k)];
          o[static_cast<std::size_t>(j)] = l + 1 < layers ? std::tanh(s) : s;
        }
        h.push_back(o);
        off += static_cast<std::size_t>(a * b + b);
      }
      std::vector<double> d(static_cast<std::size_t>(in));
      for (int j = 0; j < in; ++j) d[static_cast<std::size_t>(j)] = 2 * (h[layers][static_cast<std::size_t>(j)] - h[0][static_cast<std::size_t>(j)]);
      for (std::size_t l = layers; l-- > 0;) {
        const int a = sizes[l], b = sizes[l + 1];
        std::vector<double> prev(static_cast<std::size_t>(a), 0);
        for (int j = 0; j < b; ++j) {
          grad[offs[l] + static_cast<std::size_t>(a * b + j)] += d[static_cast<std::size_t>(j)];
          for (int k = 0; k < a; ++k) {
            grad[offs[l] + static_cast<std::size_t>(j * a + k)] += d[static_cast<std::size_t>(j)] * h[l][static_cast<std::size_t>(k)];
            prev[static_cast<std::size_t>(k)] += d[static_cast<std::size_t>(j)] * w[offs[l] + static_cast<std::size_t>(j * a + k)];
          }
        }
        for (int k = 0; k < a; ++k) prev[static_cast<std::size_t>(k)] *= 1 - h[l][static_cast<std::size_t>(k)] * h[l][static_cast<std::size_t>(k)];
        d = prev;
      }
    }
    for (std::size_t i = 0; i < w.size(); ++i) {
      const double gi = grad[i] / static_cast<double>(n * in);
      m[i] = 0.9 * m[i] + 0.1 * gi;
      v[i] = 0.999 * v[i] + 0.001 * gi * gi;
      w[i] -= lr / (1 - std::pow(0.9, t)) * m[i] / (std::sqrt(v[i] / (1 - std::pow(0.999, t))) + 1e-8);
    }
  }
  ASSERT_EQ(trained.size(), w.size());
  for (std::size_t i = 0; i < w.size(); ++i) EXPECT_NEAR(trained[i], w[i], 2e-4) << "weight " << i;
  // And the weights moved by about the learning rate per step (Adam), so the check has teeth.
  double moved = 0;
  for (std::size_t i = 0; i < w.size(); ++i) moved += std::abs(trained[i] - w0[i]);
  EXPECT_GT(moved / static_cast<double>(w.size()), lr);
}

TEST(Autoencoder, ANonModelFileIsRefusedNamingIt) {
  const auto file = std::filesystem::temp_directory_path() / "telemine-not-a-model.pt";
  { std::FILE* f = std::fopen(file.c_str(), "wb"); std::fputs("hello", f); std::fclose(f); }
  std::map<std::string, std::vector<double>> numbers;
  std::map<std::string, std::string> texts;
  try {
    Autoencoder::load(file, numbers, texts);
    FAIL() << "loaded garbage";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("telemine-not-a-model.pt"), std::string::npos) << e.what();
  }
  std::filesystem::remove(file);
}
