#include "kernels/events.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

using namespace telemine;
using namespace telemine::kernels;

TEST(Intervals, MergeOverlappingAndTouching) {
  EXPECT_EQ(merge_intervals({{10, 20}, {0, 5}, {5, 8}, {15, 30}, {40, 50}}),
            (std::vector<Interval>{{0, 8}, {10, 30}, {40, 50}}));
  EXPECT_TRUE(merge_intervals({}).empty());
}

TEST(EventScores, HundmanCountsAndTheCorrectedPrecision) {
  const Interval range{0, 1000 * kSecond};
  const std::vector<Interval> labels = {{100 * kSecond, 200 * kSecond}, {500 * kSecond, 600 * kSecond}};
  // One detection finds the first label, one is false (50 s of nominal time), the second label is missed.
  const std::vector<Interval> detections = {{150 * kSecond, 250 * kSecond}, {800 * kSecond, 850 * kSecond}};
  const auto s = score_events(labels, detections, range);
  EXPECT_EQ(s.labels, 2);
  EXPECT_EQ(s.found, 1);
  EXPECT_EQ(s.detections, 2);
  EXPECT_EQ(s.false_detections, 1);
  EXPECT_DOUBLE_EQ(s.precision(), 0.5);
  EXPECT_DOUBLE_EQ(s.recall(), 0.5);
  EXPECT_DOUBLE_EQ(s.f05(), 0.5);
  EXPECT_DOUBLE_EQ(s.nominal_seconds, 800);
  EXPECT_DOUBLE_EQ(s.false_seconds, 100);  // 50 s after the first label, and the false 50 s
  EXPECT_DOUBLE_EQ(s.corrected_precision(), 0.5 * (1 - 100.0 / 800));
  const auto none = score_events(labels, {}, range);
  EXPECT_EQ(none.found, 0);
  EXPECT_DOUBLE_EQ(none.precision(), 1.0);
  EXPECT_DOUBLE_EQ(none.f05(), 0.0);
}

TEST(NovelRows, AModelsTouchingRowsMergeWithTheirSharesAddedAndOtherModelsStayApart) {
  // Out of order on purpose: merging sorts by model, then time.
  const std::vector<NovelRow> rows = {{1, 30, 40, 2.0}, {0, 10, 20, 1.5}, {0, 20, 30, 3.0}, {0, 50, 60, 1.1}, {1, 40, 50, 1.2}};
  const std::vector<std::vector<float>> shares = {{0.5f}, {0.25f, 0.75f}, {0.5f, 0.5f}, {1.0f, 0.0f}, {0.5f}};
  const auto d = merge_novel_rows(rows, shares);
  ASSERT_EQ(d.size(), 3u);
  EXPECT_EQ(d[0].model, 0);
  EXPECT_EQ(d[0].start, 10);
  EXPECT_EQ(d[0].end, 30);
  EXPECT_DOUBLE_EQ(d[0].score, 3.0);
  EXPECT_EQ(d[0].weight, (std::vector<double>{0.75, 1.25}));
  EXPECT_EQ(d[1].start, 50);
  EXPECT_EQ(d[1].weight, (std::vector<double>{1.0, 0.0}));
  EXPECT_EQ(d[2].model, 1);
  EXPECT_EQ(d[2].start, 30);
  EXPECT_EQ(d[2].end, 50);
  EXPECT_DOUBLE_EQ(d[2].score, 2.0);
  EXPECT_TRUE(merge_novel_rows({}, {}).empty());
}

TEST(NovelRows, ContributorsAreTheLargestSharesAndTiesKeepTheParameterOrder) {
  const auto c = top_contributors(std::vector<double>{1, 6, 1, 2, 0.1});
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c[0].first, 1u);
  EXPECT_DOUBLE_EQ(c[0].second, 6 / 10.1);
  EXPECT_EQ(c[1].first, 3u);
  EXPECT_EQ(c[2].first, 0u);  // 0 and 2 tie: the first kept
  // After the first, shares under 5% are left out.
  const auto small = top_contributors(std::vector<double>{0.01, 10, 0.2});
  ASSERT_EQ(small.size(), 1u);
  EXPECT_EQ(small[0].first, 1u);
  // No error at all: the first parameter, with share 0.
  const auto none = top_contributors(std::vector<double>{0, 0});
  ASSERT_EQ(none.size(), 1u);
  EXPECT_EQ(none[0], (std::pair<std::size_t, double>{0, 0.0}));
}

TEST(NovelRows, ContributorPercentsAddUpToAHundredWithTheRestAsOthers) {
  // 6, 2, 1 of 10.1 listed (59.4%, 19.8%, 9.9%), the rest 10.9%: largest remainders round.
  const auto c = contributor_percents(std::vector<double>{1, 6, 1, 2, 0.1});
  ASSERT_EQ(c.size(), 4u);
  EXPECT_EQ(c[0], (std::pair<std::size_t, int>{1, 59}));
  EXPECT_EQ(c[1], (std::pair<std::size_t, int>{3, 20}));
  EXPECT_EQ(c[2], (std::pair<std::size_t, int>{0, 10}));
  EXPECT_EQ(c[3], (std::pair<std::size_t, int>{5, 11}));  // index weight.size(): the others
  int total = 0;
  for (const auto& [q, pc] : c) total += pc;
  EXPECT_EQ(total, 100);
  // Thirds: 33 + 33 + 34, no "others" entry.
  const auto thirds = contributor_percents(std::vector<double>{1, 1, 1});
  ASSERT_EQ(thirds.size(), 3u);
  EXPECT_EQ(thirds[0].second + thirds[1].second + thirds[2].second, 100);
  // No error at all: the first parameter takes it all.
  EXPECT_EQ(contributor_percents(std::vector<double>{0, 0}), (std::vector<std::pair<std::size_t, int>>{{0, 100}}));
}
