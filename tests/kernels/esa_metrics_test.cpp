// ESA-ADB's metrics against the cases of its own test suite (tests/metrics/test_metrics.py)
// and the worked example at the end of timeeval/metrics/ESA_ADB_metrics.py, with the values
// its Python code gives.
#include "kernels/esa_metrics.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

using namespace telemine;
using namespace telemine::kernels::esa;

namespace {

TimeNs at(const std::string& iso) { return parse_time(iso); }
TimeNs day(int d) { return at("2015-01-" + std::string(d < 10 ? "0" : "") + std::to_string(d)); }

// Rows (id, start, end, category); `keep` lists the selected categories.
struct Row {
  std::string id;
  TimeNs start, end;
  std::string category;
  std::string channel = "";
};

std::vector<Label> rows(const std::vector<Row>& r, const std::vector<std::string>& keep) {
  std::vector<Label> out;
  for (const auto& x : r) {
    bool sel = keep.empty();
    for (const auto& k : keep) sel |= x.category == k;
    out.push_back({x.id, x.channel, x.start, x.end, sel});
  }
  return out;
}

std::vector<Span> series(const std::vector<std::pair<TimeNs, int>>& s, TimeNs lo, TimeNs hi) {
  std::vector<TimeNs> t;
  std::vector<std::uint8_t> v;
  for (auto [a, b] : s) t.push_back(a), v.push_back(static_cast<std::uint8_t>(b));
  return events_from_samples(t, v, lo, hi);
}

void expect_scores(const Scores& s, double aff_f, double aff_p, double aff_r, double ew_f, double ew_p, double ew_r,
                   double alarming) {
  EXPECT_NEAR(s.aff_f, aff_f, 1e-12);
  EXPECT_NEAR(s.aff_precision, aff_p, 1e-12);
  EXPECT_NEAR(s.aff_recall, aff_r, 1e-12);
  EXPECT_NEAR(s.ew_f, ew_f, 1e-12);
  EXPECT_NEAR(s.ew_precision, ew_p, 1e-12);
  EXPECT_NEAR(s.ew_recall, ew_r, 1e-12);
  EXPECT_NEAR(s.alarming_precision, alarming, 1e-12);
}

const std::vector<std::string> kRareAndAnomalies = {"Rare Event", "Anomaly"};
const std::vector<std::string> kAnomalies = {"Anomaly"};

std::vector<Row> time_aware_rows() {
  return {{"id_0", day(1), day(2), "Rare Event"},
          {"id_1", day(4), day(5), "Anomaly"},
          {"id_1", day(6), day(7), "Anomaly"},
          {"id_2", day(9), day(10), "Communication Gap"},
          {"id_3", day(12), day(14), "Rare Event"}};
}

}  // namespace

TEST(EsaEvents, SeriesToEventsAsTheReference) {
  // convert_time_series_to_events' own example: ones from the 5th to the 18th, zero on the 20th.
  const auto e = series({{day(1), 0}, {day(5), 1}, {day(10), 1}, {day(18), 1}, {day(20), 0}}, day(1), day(20));
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0], (Span{day(5), day(20), true, false}));
  // A run that reaches the end is closed; the series is extended to the range with its end values.
  const auto f = series({{day(2), 1}, {day(4), 0}, {day(6), 1}}, day(1), day(9));
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0], (Span{day(1), day(4), true, false}));
  EXPECT_EQ(f[1], (Span{day(6), day(9), true, true}));
  // Intervals merge when they touch, and are clipped to the range.
  const auto g = events_from_intervals({{day(3), day(4)}, {day(2), day(3)}, {day(8), day(12)}}, day(1), day(10));
  ASSERT_EQ(g.size(), 2u);
  EXPECT_EQ(g[0], (Span{day(2), day(4), true, false}));
  EXPECT_EQ(g[1], (Span{day(8), day(10), true, false}));
}

TEST(EsaScores, TimeAwareCasesOfTheReferenceSuite) {
  const auto lo = day(1), hi = day(15);
  auto pred = series({{day(1), 1}, {day(2), 0}, {day(4), 1}, {day(5), 0}, {day(9), 1}, {day(10), 0}}, lo, hi);
  expect_scores(esa_scores(rows(time_aware_rows(), kRareAndAnomalies), pred, lo, hi), 0.6818181818181818, 0.75, 0.5,
                0.9090909090909091, 1.0, 0.6666666666666666, 1.0);
  expect_scores(esa_scores(rows(time_aware_rows(), kAnomalies), pred, lo, hi), 0.6818181818181818, 0.75, 0.5, 1.0, 1.0,
                1.0, 1.0);

  // An additional detection of id_1.
  pred = series({{day(1), 1}, {day(2), 0}, {day(4), 1}, {day(5), 0}, {day(6), 1}, {day(7), 0}, {day(9), 1}, {day(10), 0}},
                lo, hi);
  expect_scores(esa_scores(rows(time_aware_rows(), kRareAndAnomalies), pred, lo, hi), 0.7936507936507936,
                0.8333333333333334, 0.6666666666666666, 0.9090909090909091, 1.0, 0.6666666666666666, 1.0);
  expect_scores(esa_scores(rows(time_aware_rows(), kAnomalies), pred, lo, hi), 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0);

  // A false positive: the event-wise precision is corrected by the true-negative rate.
  pred = series({{day(1), 1}, {day(2), 0}, {day(4), 1}, {day(5), 0}, {day(6), 1}, {day(7), 0}, {day(9), 1}, {day(10), 0},
                 {day(11), 1}, {day(12), 0}},
                lo, hi);
  expect_scores(esa_scores(rows(time_aware_rows(), kRareAndAnomalies), pred, lo, hi), 0.7670454543744435, 0.75,
                0.8437499989653835, 0.5982905982905982, 0.5833333333333333, 0.6666666666666666, 1.0);
  expect_scores(esa_scores(rows(time_aware_rows(), kAnomalies), pred, lo, hi), 1.0, 1.0, 1.0, 0.49295774647887325, 0.4375,
                1.0, 1.0);

  // More than one detection of id_1's first interval: alarming precision falls.
  pred = series({{day(1), 0}, {day(4), 1}, {at("2015-01-06T12:00:00Z"), 0}, {at("2015-01-06T14:00:00Z"), 1}, {day(8), 0}},
                lo, hi);
  expect_scores(esa_scores(rows(time_aware_rows(), kRareAndAnomalies), pred, lo, hi), 0.4934259707731491,
                0.5609195402298851, 0.3331018508608397, 0.6000000000000001, 0.75, 0.3333333333333333, 0.5);
  expect_scores(esa_scores(rows(time_aware_rows(), kAnomalies), pred, lo, hi), 0.7289393967240779, 0.6827586206896552,
                0.9993055525825192, 0.7894736842105263, 0.75, 1.0, 0.5);
}

TEST(EsaScores, OverlappingLabelsOfTheReferenceSuite) {
  const auto lo = day(1), hi = day(15);
  const std::vector<Row> r = {{"id_0", day(1), day(7), "Anomaly"}, {"id_1", day(2), day(5), "Anomaly"},
                              {"id_2", day(2), day(3), "Anomaly"}};
  auto pred = series({{day(1), 0}, {day(2), 1}, {day(3), 0}}, lo, hi);
  for (const auto& keep : {kRareAndAnomalies, kAnomalies})
    expect_scores(esa_scores(rows(r, keep), pred, lo, hi), 0.9525495750645814, 1.0, 0.8005952380731983, 1.0, 1.0, 1.0, 1.0);
  pred = series({{day(1), 1}, {day(2), 0}, {day(4), 1}, {day(5), 0}}, lo, hi);
  for (const auto& keep : {kRareAndAnomalies, kAnomalies})
    expect_scores(esa_scores(rows(r, keep), pred, lo, hi), 0.9848484850010343, 1.0, 0.9285714292494953, 0.9090909090909091,
                  1.0, 0.6666666666666666, 0.6666666666666666);
}

TEST(EsaScores, WorkedExampleOfEsaAdbMetricsSelectingByTypes) {
  // The example at the end of ESA_ADB_metrics.py (Multivariate + Subsequence), and the
  // reference suite's other selections of the same labels.
  const auto lo = day(1), hi = day(15);
  struct Typed {
    std::string id;
    TimeNs start, end;
    std::string dimensionality, locality, length;
  };
  const std::vector<Typed> typed = {{"id_0", day(1), day(2), "Multivariate", "Global", "Point"},
                                    {"id_1", day(4), day(5), "Univariate", "Local", "Subsequence"},
                                    {"id_2", day(7), day(8), "Multivariate", "Local", "Subsequence"}};
  auto select = [&](auto&& keep) {
    std::vector<Label> out;
    for (const auto& t : typed) out.push_back({t.id, "", t.start, t.end, keep(t)});
    return out;
  };
  const auto pred = series({{day(1), 0}, {day(4), 1}, {day(9), 0}}, lo, hi);
  expect_scores(esa_scores(select([](const Typed& t) { return t.dimensionality == "Multivariate" && t.length == "Subsequence"; }),
                           pred, lo, hi),
                0.8778625954198473, 0.8518518518518519, 1.0, 0.7692307692307693, 0.7272727272727273, 1.0, 1.0);
  expect_scores(esa_scores(select([](const Typed& t) { return t.dimensionality == "Univariate" && t.length == "Subsequence"; }),
                           pred, lo, hi),
                0.7142857142857142, 0.6666666666666666, 1.0, 0.7692307692307693, 0.7272727272727273, 1.0, 1.0);
  const auto none = esa_scores(select([](const Typed& t) { return t.locality == "Global" && t.length == "Point"; }), pred, lo, hi);
  expect_scores(none, 0.0, 0.5, 0.0, 0.0, 0.0, 0.0, 0.0);
}

TEST(EsaScores, PointLabelAtTheEndOfTheRange) {
  const auto lo = day(1), hi = day(15);
  const auto pred = series({{lo, 0}, {hi, 1}}, lo, hi);
  expect_scores(esa_scores(rows({{"id_0", hi, hi, "Anomaly"}}, kAnomalies), pred, lo, hi), 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0);
}

TEST(EsaScores, ExactToTheBitOnTheReferenceCases) {
  // The affiliation recall keeps Python's exact integers: the reference's last digits too.
  const auto lo = day(1), hi = day(15);
  const auto pred = series({{day(1), 0}, {day(4), 1}, {at("2015-01-06T12:00:00Z"), 0}, {at("2015-01-06T14:00:00Z"), 1},
                            {day(8), 0}},
                           lo, hi);
  const auto s = esa_scores(rows(time_aware_rows(), kAnomalies), pred, lo, hi);
  EXPECT_EQ(s.aff_recall, 0.9993055525825192);
  EXPECT_EQ(s.aff_precision, 0.6827586206896552);
}

TEST(EsaChannelAware, CasesOfTheReferenceSuite) {
  // Without a full range the reference takes it from the labels and the predictions; these
  // cases' predictions span what matters, so the range is the predictions' own.
  using Subs = std::vector<std::pair<std::string, std::vector<std::string>>>;
  std::vector<Label> l = rows({{"id_0", day(1), day(4), "Anomaly", "ch1"},
                               {"id_0", day(5), day(8), "Anomaly", "ch1"},
                               {"id_0", day(2), day(4), "Anomaly", "ch2"},
                               {"id_0", day(2), day(3), "Anomaly", "ch3"},
                               {"id_0", day(6), day(7), "Anomaly", "ch3"}},
                              {});
  const auto lo = day(1), hi = day(9);
  auto ch = [&](std::vector<std::pair<TimeNs, int>> s) { return series(s, lo, hi); };
  std::vector<ChannelEvents> p = {{"ch1", ch({{day(1), 1}, {day(4), 0}})},
                                  {"ch2", ch({{day(1), 0}, {day(3), 1}, {day(4), 0}})},
                                  {"ch3", ch({{day(1), 0}, {day(2), 1}, {day(5), 0}, {day(6), 1}, {day(8), 0}})}};
  Subs subs = {{"s1", {"ch1"}}, {"s2", {"ch2", "ch3"}}};
  auto s = channel_aware(l, p, subs);
  EXPECT_DOUBLE_EQ(s.channel_precision, 1.0);
  EXPECT_DOUBLE_EQ(s.channel_recall, 1.0);
  EXPECT_DOUBLE_EQ(s.subsystem_f, 1.0);

  l[3] = {"id_0", "ch3", at("2015-01-05T12:00:00Z"), at("2015-01-05T14:00:00Z"), true};
  l.pop_back();
  p[1] = {"ch2", ch({{day(1), 0}})};
  s = channel_aware(l, p, subs);
  EXPECT_DOUBLE_EQ(s.channel_precision, 1.0);
  EXPECT_DOUBLE_EQ(s.channel_recall, 0.6666666666666666);
  EXPECT_DOUBLE_EQ(s.channel_f, 0.9090909090909091);
  EXPECT_DOUBLE_EQ(s.subsystem_precision, 1.0);
  EXPECT_DOUBLE_EQ(s.subsystem_recall, 1.0);
  EXPECT_DOUBLE_EQ(s.subsystem_f, 1.0);

  l = rows({{"id_0", day(1), day(6), "Anomaly", "ch1"},
            {"id_0", day(1), day(3), "Anomaly", "ch2"},
            {"id_1", day(5), day(9), "Anomaly", "ch1"},
            {"id_1", day(4), day(9), "Anomaly", "ch3"},
            {"id_1", day(7), day(9), "Anomaly", "ch4"}},
           {});
  p = {{"ch1", ch({{day(1), 1}, {at("2015-01-05T12:00:00Z"), 0}})},
       {"ch2", ch({{day(1), 0}})},
       {"ch3", ch({{day(1), 0}, {day(4), 1}, {day(8), 0}})},
       {"ch4", ch({{day(1), 0}, {day(8), 1}})}};
  subs = {{"s1", {"ch1", "ch2"}}, {"s2", {"ch3", "ch4"}}};
  s = channel_aware(l, p, subs);
  EXPECT_DOUBLE_EQ(s.channel_precision, 1.0);
  EXPECT_DOUBLE_EQ(s.channel_recall, 0.75);
  EXPECT_DOUBLE_EQ(s.channel_f, 0.9166666666666667);
  EXPECT_DOUBLE_EQ(s.subsystem_recall, 1.0);
  EXPECT_DOUBLE_EQ(s.subsystem_f, 1.0);

  p[3] = {"ch4", ch({{day(1), 1}, {day(8), 1}})};  // ch4 flagged throughout
  s = channel_aware(l, p, subs);
  EXPECT_DOUBLE_EQ(s.channel_precision, 0.75);
  EXPECT_DOUBLE_EQ(s.channel_recall, 0.75);
  EXPECT_DOUBLE_EQ(s.channel_f, 0.75);
  EXPECT_DOUBLE_EQ(s.subsystem_precision, 0.75);
  EXPECT_DOUBLE_EQ(s.subsystem_recall, 1.0);
  EXPECT_DOUBLE_EQ(s.subsystem_f, 0.7777777777777778);
  EXPECT_FALSE(channel_aware(l, p, {}).has_subsystems);
}

TEST(EsaTiming, AdtqcCasesOfTheReferenceSuite) {
  const auto t = [](const char* hms) { return parse_time(std::string("2026-01-01T0") + hms + "Z"); };
  const auto lo = t("8:10:10"), hi = t("8:11:24");
  const auto l = rows({{"id_0", t("8:10:16"), t("8:10:35"), "", "ch1"},
                       {"id_0", t("8:10:10"), t("8:10:24"), "", "ch2"},
                       {"id_1", t("8:10:30"), t("8:10:34"), "", "ch3"},
                       {"id_1", t("8:10:40"), t("8:10:45"), "", "ch3"},
                       {"id_2", t("8:10:54"), t("8:11:06"), "", "ch2"},
                       {"id_2", t("8:10:54"), t("8:11:06"), "", "ch3"},
                       {"id_3", t("8:11:08"), t("8:11:24"), "", "ch1"}},
                      {});
  auto ch = [&](std::vector<std::pair<TimeNs, int>> s) { return series(s, lo, hi); };
  auto check = [&](std::vector<ChannelEvents> p, std::int64_t before, std::int64_t after, double rate, double total) {
    const auto r = adtqc(l, p);
    EXPECT_EQ(r.before, before);
    EXPECT_EQ(r.after, after);
    EXPECT_NEAR(r.after_rate, rate, 1e-12);
    EXPECT_NEAR(r.total, total, 1e-12);
  };
  check({{"ch1", ch({{t("8:10:10"), 0}, {t("8:10:14"), 1}, {t("8:10:31"), 0}, {t("8:10:41"), 1}})},
         {"ch2", ch({{t("8:10:10"), 0}, {t("8:10:16"), 1}, {t("8:10:22"), 0}})},
         {"ch3", ch({{t("8:10:10"), 0}, {t("8:10:25"), 1}, {t("8:10:41"), 0}})}},
        2, 1, 0.3333333333333333, 0.4404148830816283);
  check({{"ch1", ch({{t("8:10:10"), 1}})}, {"ch2", ch({{t("8:10:10"), 1}})}, {"ch3", ch({{t("8:10:10"), 1}})}}, 3, 1, 0.25,
        0.25);
  check({{"ch1", ch({{t("8:10:10"), 1}})}, {"ch2", ch({{t("8:10:10"), 0}})}, {"ch3", ch({{t("8:10:10"), 0}})}}, 1, 1, 0.5, 0.5);
  check({{"ch1", ch({{t("8:10:10"), 0}, {t("8:10:39"), 1}, {t("8:10:41"), 0}})},
         {"ch2", ch({{t("8:10:10"), 0}, {t("8:10:39"), 1}, {t("8:10:58"), 0}})},
         {"ch3", ch({{t("8:10:10"), 0}, {t("8:10:39"), 1}, {t("8:10:41"), 0}})}},
        1, 1, 0.5, 0.12466690772198988);
}

TEST(EsaMean, NumpyPairwiseOrder) {
  EXPECT_TRUE(std::isnan(numpy_mean({})));
  EXPECT_EQ(numpy_mean(std::vector<double>{1, 2, 3}), 2.0);
  std::vector<double> many(1000);
  for (std::size_t i = 0; i < many.size(); ++i) many[i] = 0.1 * static_cast<double>(i % 7);
  EXPECT_NEAR(numpy_mean(many), 0.2994, 1e-3);
  EXPECT_EQ(f_beta(0, 0, 0.5), 0.0);
  EXPECT_DOUBLE_EQ(f_beta(1, 0.5, 0.5), 1.25 * 0.5 / (0.25 + 0.5));
}
