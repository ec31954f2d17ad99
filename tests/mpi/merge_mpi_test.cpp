#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "core/comm.hpp"
#include "core/error.hpp"
#include "core/merge.hpp"
#include "core/serialize.hpp"

using namespace telemine;

namespace {
struct Item {
  std::int32_t key;
  std::int32_t rank;
  std::int64_t serial;
};
// Keys in descending order, as the dependency finder's scores; items of equal key by rank.
bool before(const Item& a, const Item& b) { return a.key > b.key; }

// This rank's items, sorted: a different count on every rank (none on rank 1).
std::vector<Item> items_of(int rank) {
  std::mt19937 rng(static_cast<unsigned>(rank) + 7);
  std::uniform_int_distribution<std::int32_t> key(0, 500);
  std::vector<Item> v(rank == 1 ? 0 : 3000 + 1000 * static_cast<std::size_t>(rank));
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = {key(rng), rank, 0};
  std::stable_sort(v.begin(), v.end(), before);
  for (std::size_t i = 0; i < v.size(); ++i) v[i].serial = static_cast<std::int64_t>(i);
  return v;
}
}  // namespace

TEST(MpiMerge, RankZeroGetsEveryItemInTheGlobalOrderInSmallRounds) {
  const Comm comm = Comm::world();
  const auto mine = items_of(comm.rank());
  std::vector<Item> merged;
  // A budget of 4 KB: chunks of at most a few hundred items, so many rounds.
  merge_to_root<Item>(comm, mine, before, [&](const Item& x) { merged.push_back(x); }, 4096);
  if (!comm.is_root()) {
    EXPECT_TRUE(merged.empty());
    return;
  }
  std::vector<Item> expected;
  for (int r = 0; r < comm.size(); ++r) {
    const auto part = items_of(r);
    expected.insert(expected.end(), part.begin(), part.end());
  }
  std::stable_sort(expected.begin(), expected.end(), before);  // equal keys: by rank, then as sent
  ASSERT_EQ(merged.size(), expected.size());
  for (std::size_t i = 0; i < merged.size(); ++i)
    ASSERT_TRUE(merged[i].key == expected[i].key && merged[i].rank == expected[i].rank && merged[i].serial == expected[i].serial)
        << "item " << i;
}

TEST(MpiMerge, AFailureWhileEmittingReachesEveryRank) {
  const Comm comm = Comm::world();
  const auto mine = items_of(comm.rank());
  std::int64_t emitted = 0;
  auto emit = [&](const Item&) {
    if (++emitted == 100) throw IoError("out.csv: cannot write (disk full?)");
  };
  try {
    merge_to_root<Item>(comm, mine, before, emit, 4096);
    FAIL() << "no rank may return";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("out.csv: cannot write"), std::string::npos) << e.what();
  }
  EXPECT_EQ(emitted, comm.is_root() ? 100 : 0);
}
