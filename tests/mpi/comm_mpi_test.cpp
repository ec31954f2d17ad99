#include <gtest/gtest.h>

#include <numeric>

#include "core/comm.hpp"
#include "core/error.hpp"

using namespace telemine;

TEST(MpiComm, OwnsADuplicateAndKnowsItsPlace) {
  Comm comm = Comm::world();
  EXPECT_TRUE(comm.is_mpi());
  EXPECT_GE(comm.size(), 1);
  Comm moved = std::move(comm);
  EXPECT_LT(moved.rank(), moved.size());
}

TEST(MpiComm, Collectives) {
  Comm comm = Comm::world();
  const int r = comm.rank(), n = comm.size();
  std::string b = r == 0 ? std::string(100000, 'x') : std::string();
  comm.broadcast_bytes(b);
  EXPECT_EQ(b.size(), 100000u);
  EXPECT_EQ(comm.allreduce_value<std::int64_t>(r + 1, ReduceOp::sum), n * (n + 1) / 2);
  EXPECT_EQ(comm.allreduce_value(static_cast<double>(r), ReduceOp::max), n - 1);
  EXPECT_EQ(comm.allreduce_value<std::int64_t>(r, ReduceOp::min), 0);
  const auto all = comm.allgather_bytes(std::string(static_cast<std::size_t>(r), 'a'));  // rank 0 sends nothing
  ASSERT_EQ(all.size(), static_cast<std::size_t>(n));
  for (int k = 0; k < n; ++k) EXPECT_EQ(all[k].size(), static_cast<std::size_t>(k));
  const auto g = comm.gather_bytes(std::to_string(r));
  if (r == 0) {
    ASSERT_EQ(g.size(), static_cast<std::size_t>(n));
    EXPECT_EQ(g[n - 1], std::to_string(n - 1));
  } else {
    EXPECT_TRUE(g.empty());
  }
  std::vector<std::string> send(static_cast<std::size_t>(n));
  for (int k = 0; k < n; ++k) send[k] = std::to_string(r) + "->" + std::to_string(k);
  const auto got = comm.alltoall_bytes(send);
  for (int k = 0; k < n; ++k) EXPECT_EQ(got[k], std::to_string(k) + "->" + std::to_string(r));
}

TEST(MpiComm, AnErrorOnOneRankStopsEveryRank) {
  Comm comm = Comm::world();
  const int last = comm.size() - 1;
  try {
    comm.run_phase([&] {
      if (comm.rank() == last) throw IoError("part.h5: corrupt on rank " + std::to_string(last));
    });
    FAIL() << "every rank must throw";
  } catch (const IoError& e) {
    EXPECT_EQ(comm.rank(), last);
  } catch (const RemoteError& e) {
    EXPECT_NE(comm.rank(), last);
    EXPECT_EQ(std::string(e.what()), "part.h5: corrupt on rank " + std::to_string(last));
    EXPECT_EQ(e.exit_code(), 1);
  }
  // And the ranks are still in step afterwards.
  EXPECT_EQ(comm.allreduce_value<std::int64_t>(1, ReduceOp::sum), comm.size());
}

TEST(MpiComm, UnevenWorkIsANormalCase) {
  Comm comm = Comm::world();
  // Only rank 0 has data; every rank still takes part in every collective.
  std::vector<double> v(3, 0.0);
  if (comm.rank() == 0) v = {1, 2, 3};
  comm.allreduce(std::span<double>(v), ReduceOp::sum);
  EXPECT_EQ(v, (std::vector<double>{1, 2, 3}));
}

namespace {

// A struct with its own put/get beside it, as the typed collectives take them.
struct Summary {
  std::int32_t id = 0;
  std::string name;
  std::vector<double> rho;
};
void put(ByteWriter& w, const Summary& s) {
  w.put(s.id);
  w.put(s.name);
  w.put(s.rho);
}
void get(ByteReader& r, Summary& s) {
  s.id = r.get<std::int32_t>();
  s.name = r.get_string();
  s.rho = r.get_vector<double>();
}

}  // namespace

TEST(MpiComm, TypedCollectives) {
  Comm comm = Comm::world();
  const int r = comm.rank(), n = comm.size();
  // Uneven: rank r sends r summaries, rank 0 none.
  std::vector<Summary> mine;
  for (int k = 0; k < r; ++k) mine.push_back({r * 100 + k, "rank" + std::to_string(r), std::vector<double>(k, 0.5)});
  const auto all = comm.allgather(mine);
  ASSERT_EQ(all.size(), static_cast<std::size_t>(n));
  for (int q = 0; q < n; ++q) {
    ASSERT_EQ(all[q].size(), static_cast<std::size_t>(q));
    for (int k = 0; k < q; ++k) {
      EXPECT_EQ(all[q][k].id, q * 100 + k);
      EXPECT_EQ(all[q][k].name, "rank" + std::to_string(q));
      EXPECT_EQ(all[q][k].rho.size(), static_cast<std::size_t>(k));
    }
  }
  const auto gathered = comm.gather(static_cast<std::int64_t>(r * r), n - 1);
  if (r == n - 1) {
    ASSERT_EQ(gathered.size(), static_cast<std::size_t>(n));
    for (int q = 0; q < n; ++q) EXPECT_EQ(gathered[q], q * q);
  } else {
    EXPECT_TRUE(gathered.empty());
  }
  Summary s = r == 0 ? Summary{7, "root", {1.0, 2.0}} : Summary{};
  comm.broadcast(s);
  EXPECT_EQ(s.id, 7);
  EXPECT_EQ(s.name, "root");
  EXPECT_EQ(s.rho, (std::vector<double>{1.0, 2.0}));
}
