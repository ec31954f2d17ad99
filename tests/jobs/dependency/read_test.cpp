#include "jobs/dependency/read.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "core/comm.hpp"

using namespace telemine;
using namespace telemine::jobs;
using namespace telemine::jobs::dependency;

namespace {

Plan plan_of(std::vector<std::pair<TimeNs, TimeNs>> spans, TimeNs from = kTimeMin, TimeNs to = kTimeMax) {
  Plan plan;
  plan.from = from;
  plan.to = to;
  plan.missions.push_back({"M", {}});
  for (const auto& [a, b] : spans) {
    io::PartitionInfo info;
    info.start = a;
    info.end = b;
    plan.partitions.push_back({0, info});
  }
  return plan;
}

}  // namespace

TEST(DependencyRead, GridOverThePartitionsSpanAlignedToTheEpoch) {
  // Partitions out of order: the span is their union, the grid starts on a multiple of the step.
  const auto g = make_grid(plan_of({{kDay + 7 * kMinute, 2 * kDay}, {2 * kDay, 3 * kDay}}), 5 * kMinute);
  EXPECT_EQ(g.from, kDay + 7 * kMinute);
  EXPECT_EQ(g.to, 3 * kDay);
  EXPECT_EQ(g.start, kDay + 5 * kMinute);
  EXPECT_EQ(g.points, (2 * kDay - 5 * kMinute) / (5 * kMinute));
}

TEST(DependencyRead, GridOverTheJobsRangeAndAPartialLastPoint) {
  const auto g = make_grid(plan_of({{0, kDay}}, kHour, kHour + 61 * kMinute), 10 * kMinute);
  EXPECT_EQ(g.start, kHour);
  EXPECT_EQ(g.points, 7);  // the last point holds one minute of the range
  EXPECT_EQ(make_grid(plan_of({}), kMinute).points, 0);
}

TEST(DependencyRead, StateHeldWithinASliceAndCarriedIntoTheNext) {
  std::vector<double> v = {NAN, 1, NAN, NAN, 2, NAN};
  EXPECT_EQ(hold_last(v), 2);
  EXPECT_TRUE(std::isnan(v[0]));
  EXPECT_EQ(v[2], 1);
  EXPECT_EQ(v[3], 1);
  EXPECT_EQ(v[5], 2);
  carry_in(v, 7);
  EXPECT_EQ(v[0], 7);
  EXPECT_EQ(v[1], 1);  // carry stops at the slice's first value
  std::vector<double> empty = {NAN, NAN};
  EXPECT_TRUE(std::isnan(hold_last(empty)));
  carry_in(empty, 3);
  EXPECT_EQ(empty, (std::vector<double>{3, 3}));
}

TEST(DependencyRead, HoldStateOnOneRankLeavesNumericParametersAlone) {
  const Comm comm = Comm::local();
  std::vector<Param> params = {{0, "S", "S", io::ParamKind::state}, {0, "N", "N", io::ParamKind::numeric}};
  std::vector<std::vector<double>> values = {{NAN, 4, NAN}, {NAN, 4, NAN}};
  hold_state(comm, params, values);
  EXPECT_TRUE(std::isnan(values[0][0]));  // nothing before the first rank
  EXPECT_EQ(values[0][2], 4);
  EXPECT_TRUE(std::isnan(values[1][2]));
}
