// Derived parameters read from a real archive: alignment, NaN, nesting, grids, bad definitions,
// and that a derived value does not depend on how the time range is split (as it is over
// partitions and ranks).
#include "derived/derived.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "core/comm.hpp"
#include "core/error.hpp"
#include "test_util.hpp"

namespace telemine::derived {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr TimeNs kT0 = 1'767'225'600LL * kSecond;  // 2026-01-01
constexpr TimeNs s = kSecond;

// Mission M in slices of an hour, 3 h: A every 2 s (a NaN every 50th), B every 7 s.
class DerivedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Comm comm = Comm::local();
    io::MissionWriter w = io::MissionWriter::open(dir.path(), "M", comm, {kHour});
    w.declare({"A", "V", "", "POWER", io::ParamKind::numeric});
    w.declare({"B", "A", "", "POWER", io::ParamKind::numeric});
    for (int h = 0; h < 3; ++h) {
      std::map<std::string, io::Series, std::less<>> d;
      for (TimeNs t = kT0 + h * kHour; t < kT0 + (h + 1) * kHour; t += 2 * s) {
        const auto i = (t - kT0) / (2 * s);
        d["A"].time.push_back(t);
        d["A"].value.push_back(i % 50 == 7 ? nan : 10 + std::sin(static_cast<double>(i) / 30));
      }
      for (TimeNs t = kT0 + h * kHour + 3 * s; t < kT0 + (h + 1) * kHour; t += 7 * s) {
        d["B"].time.push_back(t);
        d["B"].value.push_back(static_cast<double>((t - kT0) / s % 13));
      }
      w.write_slice(kT0 + h * kHour, std::move(d));
    }
    w.commit();
    archive = std::make_unique<io::Archive>(io::Archive::open(dir.path()));
    catalog = archive->catalog("M");
  }

  Definitions make(const std::vector<std::string>& lines, Options o = {}) {
    std::vector<Definition> defs;
    for (std::size_t i = 0; i < lines.size(); ++i) defs.push_back(parse_definition(lines[i], "job.ini:" + std::to_string(i + 1)));
    return Definitions::make(defs, catalog, kTimeMin, kTimeMax, o);
  }
  std::string error_of(const std::vector<std::string>& lines) {
    try {
      make(lines);
    } catch (const UsageError& e) {
      return e.what();
    }
    return "";
  }

  test::TempDir dir;
  std::unique_ptr<io::Archive> archive;
  io::Catalog catalog;
};

TEST_F(DerivedTest, OnTheFirstInputsTimesWithTheOthersLastValueHeld) {
  const Definitions d = make({"P = A * B"});
  const io::Series p = d.read(*archive, catalog, "P", kT0, kT0 + 20 * s);
  const io::Series a = archive->read(catalog, "A", kT0, kT0 + 20 * s);
  ASSERT_EQ(p.time, a.time);
  // B: 3 s -> 3, 10 s -> 10, 17 s -> 4.
  const double b_at[] = {nan, nan, 3, 3, 3, 10, 10, 10, 10, 4};
  for (std::size_t i = 0; i < p.size(); ++i) {
    const double want = a.value[i] * b_at[i];
    if (std::isnan(want)) EXPECT_TRUE(std::isnan(p.value[i])) << i;
    else EXPECT_EQ(p.value[i], want) << i;
  }
  EXPECT_TRUE(std::isnan(d.read(*archive, catalog, "P", kT0 + 14 * s, kT0 + 15 * s).value.at(0)));  // A is NaN at 14 s
}

TEST_F(DerivedTest, NestedAndTimeAwareValuesDoNotDependOnTheSplit) {
  const Definitions d = make({"P = A * B", "Q = lag(P, 5min) - mean(A, 10min) + diff(B) + rate(A) + held(A)",
                              "R = Q > 0 && B < 10"});
  const TimeNs from = kT0 + 20 * kMinute, to = kT0 + 3 * kHour;
  for (const char* name : {"P", "Q", "R"}) {
    const io::Series whole = d.read(*archive, catalog, name, from, to);
    ASSERT_GT(whole.size(), 1000u);
    io::Series pieces;
    for (TimeNs t = from; t < to; t += 37 * kMinute + 11 * s) {
      const io::Series piece = d.read(*archive, catalog, name, t, std::min(to, t + 37 * kMinute + 11 * s));
      pieces.time.insert(pieces.time.end(), piece.time.begin(), piece.time.end());
      pieces.value.insert(pieces.value.end(), piece.value.begin(), piece.value.end());
    }
    ASSERT_EQ(whole.time, pieces.time) << name;
    ASSERT_EQ(0, std::memcmp(whole.value.data(), pieces.value.data(), whole.value.size() * sizeof(double))) << name;
  }
  EXPECT_EQ(d.stored_inputs("R"), (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(d.margin("P"), kHour);  // B held up to the mission's slice
  EXPECT_EQ(d.margin("Q"), 5 * kMinute + 2 * kHour);  // lag(P): 5 min + held 1 h, P: B held 1 h
}

TEST_F(DerivedTest, OnAGridEveryInputIsHeld) {
  const Definitions d = make({"S = A + B"}, Options{0, kMinute});
  const io::Series sgrid = d.read(*archive, catalog, "S", kT0 + 30 * s, kT0 + 4 * kMinute);
  ASSERT_EQ(sgrid.size(), 3u);
  EXPECT_EQ(sgrid.time[0], kT0 + kMinute);
  const io::Series a = archive->read(catalog, "A", kT0 + kMinute, kT0 + kMinute + 1);
  const io::Series b = archive->read(catalog, "B", kT0 + 55 * s, kT0 + kMinute + 1);
  EXPECT_EQ(sgrid.value[0], a.value[0] + b.value.back());
}

TEST_F(DerivedTest, ADerivedParameterIsReadLikeAStoredOne) {
  const Definitions d = make({"P = A * 2"});
  const io::Series a = d.read(*archive, catalog, "A", kT0, kT0 + kHour);
  EXPECT_EQ(a.size(), 1800u);
  EXPECT_TRUE(d.contains("P"));
  EXPECT_FALSE(d.contains("A"));
  EXPECT_EQ(param_info(d.definition("P")).description, "= A * 2");
}

TEST_F(DerivedTest, BadDefinitionsNameWhereAndWhat) {
  EXPECT_NE(error_of({"P = A * C"}).find("job.ini:1: derived parameter P: column 5: unknown parameter 'C'"),
            std::string::npos)
      << error_of({"P = A * C"});
  EXPECT_NE(error_of({"P = Q + 1", "Q = R * 2", "R = P"}).find("cycle: P -> Q -> R -> P"), std::string::npos)
      << error_of({"P = Q + 1", "Q = R * 2", "R = P"});
  EXPECT_NE(error_of({"A = B"}).find("already has a stored parameter"), std::string::npos);
  EXPECT_NE(error_of({"P = A", "P = B"}).find("job.ini:2: derived parameter P: defined twice"), std::string::npos);
  EXPECT_NE(error_of({"P = lag(A, 4h)"}).find("lag(A, 4h): 4h is not shorter than the range"), std::string::npos)
      << error_of({"P = lag(A, 4h)"});
  EXPECT_NE(error_of({"P = A +* B"}).find("job.ini:1: derived parameter P: column"), std::string::npos);
  EXPECT_NE(error_of({"P A * B"}).find("job.ini:1: expected 'NAME = EXPRESSION'"), std::string::npos);
  EXPECT_NE(error_of({"P/x = A"}).find("job.ini:1:"), std::string::npos);
}

}  // namespace
}  // namespace telemine::derived
