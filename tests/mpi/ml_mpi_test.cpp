// Data-parallel training: each rank trains on its own rows, gradients averaged by one
// MPI_Allreduce per step; the weights must stay identical on every rank.
#include <gtest/gtest.h>

#include <random>

#include "core/comm.hpp"
#include "ml/autoencoder.hpp"

using namespace telemine;

TEST(DataParallel, WeightsStayIdenticalOnEveryRank) {
  const Comm comm = Comm::world();
  // Uneven shards: rank r has 100 + 37 r rows (rank 0 of a 1-rank run: all of them).
  std::mt19937 rng(static_cast<unsigned>(comm.rank()) + 1);
  std::normal_distribution<float> e(0, 1);
  std::vector<float> rows(static_cast<std::size_t>(100 + 37 * comm.rank()) * 6);
  for (auto& v : rows) v = e(rng);
  ml::Autoencoder ae(6, {4, 2}, 5);
  const auto report = ae.train(rows, {.epochs = 3, .batch = 40, .learning_rate = 1e-2, .seed = 5}, &comm);
  std::int64_t expected = 0;
  for (int r = 0; r < comm.size(); ++r) expected += 100 + 37 * r;
  EXPECT_EQ(report.rows, expected);
  const auto w = ae.flat_weights();
  std::string mine(reinterpret_cast<const char*>(w.data()), w.size() * sizeof(float));
  const auto all = comm.allgather_bytes(mine);
  for (int r = 0; r < comm.size(); ++r) EXPECT_EQ(all[static_cast<std::size_t>(r)], mine) << "rank " << r << " differs";
  // And training moved the weights.
  ml::Autoencoder fresh(6, {4, 2}, 5);
  EXPECT_NE(fresh.flat_weights(), w);
}
