#include "jobs/stats/compute.hpp"

#include <gtest/gtest.h>

#include "core/comm.hpp"

using namespace telemine;
using namespace telemine::jobs::stats;
using kernels::BucketStats;

namespace {

BucketStats bucket(TimeNs start, double value) {
  std::vector<TimeNs> t = {start};
  std::vector<double> v = {value};
  std::vector<BucketStats> out;
  kernels::bucket_stats(t, v, 10, out);
  return out.front();
}

}  // namespace

TEST(StatsCompute, ParamBucketsKeepTheFirstBucketsPartialsApart) {
  ParamBuckets a;
  a.add({bucket(0, 1), bucket(10, 2)});
  a.add({bucket(10, 4), bucket(20, 5)});
  a.add({bucket(20, 6)});
  ASSERT_EQ(a.head.size(), 1u);
  ASSERT_EQ(a.rows.size(), 2u);
  EXPECT_EQ(a.rows[0].count, 2);  // bucket 10 folded across two partitions
  EXPECT_EQ(a.rows[1].count, 2);
  EXPECT_EQ(a.first_start(), 0);
  EXPECT_EQ(a.last_start(), 20);

  ParamBuckets b;  // a partition that starts inside the same first bucket as the one before
  b.add({bucket(0, 1)});
  b.add({bucket(0, 3), bucket(10, 1)});
  EXPECT_EQ(b.head.size(), 2u);
  EXPECT_EQ(b.rows.size(), 1u);
}

TEST(StatsCompute, SettleBoundariesOnOneRankFoldsTheHead) {
  const Comm comm = Comm::local();
  std::vector<ParamBuckets> acc(2);
  acc[0].add({bucket(0, 1)});
  acc[0].add({bucket(0, 3), bucket(10, 7)});
  const auto rows = settle_boundaries(acc, comm);
  ASSERT_EQ(rows.size(), 2u);
  ASSERT_EQ(rows[0].size(), 2u);
  EXPECT_EQ(rows[0][0].count, 2);
  EXPECT_DOUBLE_EQ(rows[0][0].mean, 2.0);
  EXPECT_EQ(rows[0][1].start, 10);
  EXPECT_TRUE(rows[1].empty());  // a parameter without data
}

TEST(StatsCompute, EdgesRoundTripThroughBytes) {
  std::vector<Edge> edges(3);
  edges[1] = {true, 40, {bucket(30, 2), bucket(30, 5)}};
  const auto back = decode<std::vector<Edge>>(encode(edges));
  ASSERT_EQ(back.size(), 3u);
  EXPECT_FALSE(back[0].has);
  EXPECT_TRUE(back[1].has);
  EXPECT_EQ(back[1].last, 40);
  ASSERT_EQ(back[1].head.size(), 2u);
  EXPECT_EQ(back[1].head[1].start, 30);
}
