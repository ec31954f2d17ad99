#include "ml/autoencoder.hpp"

#include <gtest/gtest.h>

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
