#include "jobs/generate.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "core/comm.hpp"
#include "core/error.hpp"
#include "io/archive.hpp"
#include "test_util.hpp"

using namespace telemine;
using namespace telemine::jobs;
using telemine::test::TempDir;

namespace {

GenerateOptions small(const std::filesystem::path& archive, std::uint64_t seed) {
  GenerateOptions o;
  o.archive = archive;
  o.missions = 1;
  o.params = 24;
  o.days = 3;
  o.rate = 10 * kSecond;
  o.seed = seed;
  o.progress = false;
  return o;
}

double pearson(const io::Series& a, const io::Series& b) {
  double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0, n = 0;
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (a.time[i] < b.time[j]) ++i;
    else if (b.time[j] < a.time[i]) ++j;
    else {
      const double x = a.value[i++], y = b.value[j++];
      if (std::isnan(x) || std::isnan(y)) continue;
      sa += x, sb += y, saa += x * x, sbb += y * y, sab += x * y, n += 1;
    }
  }
  return (sab - sa * sb / n) / std::sqrt((saa - sa * sa / n) * (sbb - sb * sb / n));
}

// b shifted back by `lag`, so that pearson(a, shifted) measures b following a.
io::Series shifted(const io::Series& b, DurationNs lag) {
  io::Series s = b;
  for (auto& t : s.time) t -= lag;
  return s;
}

}  // namespace

TEST(Generate, IsDeterministicPerSeed) {
  TempDir dir;
  Comm comm = Comm::local();
  generate(small(dir / "a", 5), comm);
  generate(small(dir / "b", 5), comm);
  generate(small(dir / "c", 6), comm);
  auto sums = [](const std::filesystem::path& p) {
    std::vector<std::string> out;
    for (const auto& part : io::Archive::open(p).catalog("SYN1").partitions) out.push_back(part.checksum);
    return out;
  };
  EXPECT_EQ(sums(dir / "a"), sums(dir / "b"));
  EXPECT_NE(sums(dir / "a"), sums(dir / "c"));
  EXPECT_EQ(test::read_text(dir / "a" / "truth.json"), test::read_text(dir / "b" / "truth.json"));
}

TEST(Generate, PlantsWhatTheTruthSays) {
  TempDir dir;
  Comm comm = Comm::local();
  const auto report = generate(small(dir.path(), 9), comm);
  EXPECT_EQ(report.partitions, 3);
  const io::Archive a = io::Archive::open(dir.path());
  const io::Catalog c = a.catalog("SYN1");
  EXPECT_EQ(c.params.size(), 24u);
  ASSERT_NE(c.find_param("THERM_HTR1_ON"), nullptr);
  EXPECT_EQ(c.find_param("THERM_HTR1_ON")->kind, io::ParamKind::state);
  EXPECT_EQ(c.find_param("POWER_BUS_I")->unit, "A");
  ASSERT_EQ(c.events.size(), 3u);
  const std::string truth = test::read_text(dir / "truth.json");
  for (const auto& e : c.events) {
    EXPECT_NE(truth.find("\"start\": \"" + format_time(e.start) + "\""), std::string::npos);
    EXPECT_GE(e.start, parse_time("2026-01-02"));  // day 1 stays nominal
    EXPECT_LE(e.end, parse_time("2026-01-04"));
  }
  for (const char* key : {"\"dependencies\"", "\"independent\"", "\"lag_seconds\": 600", "\"class\": \"collective\""})
    EXPECT_NE(truth.find(key), std::string::npos) << key;

  // Gaps and invalid samples.
  const io::Series bus = a.read(c, "POWER_BUS_I");
  EXPECT_LT(bus.size(), 3u * 8640);
  std::size_t nans = 0;
  for (double v : bus.value) nans += std::isnan(v);
  EXPECT_GT(nans, 0u);

  // A non-monotonic dependency that correlation misses; a lag that correlation finds.
  EXPECT_LT(std::fabs(pearson(a.read(c, "DEP_SQ_X"), a.read(c, "DEP_SQ_Y"))), 0.2);
  const io::Series la = a.read(c, "DEP_LAG_A"), lb = a.read(c, "DEP_LAG_B");
  const double at_lag = pearson(la, shifted(lb, 10 * kMinute));
  EXPECT_GT(at_lag, 0.8);
  EXPECT_GT(at_lag, pearson(la, lb));
  EXPECT_GT(at_lag, pearson(la, shifted(lb, 20 * kMinute)));
}

TEST(Generate, RefusesTooFewParameters) {
  TempDir dir;
  Comm comm = Comm::local();
  auto o = small(dir.path(), 1);
  o.params = 5;
  EXPECT_THROW(generate(o, comm), UsageError);
}

TEST(Generate, RefusesAMissionThatExistsUnlessReplaced) {
  TempDir dir;
  Comm comm = Comm::local();
  auto two = small(dir.path(), 3);
  two.missions = 2;
  two.days = 1;
  generate(two, comm);
  const auto before = io::Archive::open(dir.path()).catalog("SYN1");
  auto one = two;
  one.missions = 1;
  one.seed = 4;
  EXPECT_THROW(generate(one, comm), UsageError);
  const auto untouched = io::Archive::open(dir.path()).catalog("SYN1");
  EXPECT_TRUE(untouched.partitions == before.partitions && untouched.events == before.events);

  one.replace = true;
  generate(one, comm);
  const auto after = io::Archive::open(dir.path()).catalog("SYN1");
  EXPECT_EQ(after.events.size(), before.events.size());  // replaced, not doubled
  EXPECT_NE(after.partitions[0].checksum, before.partitions[0].checksum);
  // SYN2's truth is kept, with the options it was generated with; SYN1's is the new one.
  const std::string truth = test::read_text(dir / "truth.json");
  EXPECT_NE(truth.find("\"mission\": \"SYN2\""), std::string::npos);
  EXPECT_NE(truth.find("\"mission\": \"SYN1\""), std::string::npos);
  EXPECT_NE(truth.find("\"seed\": 3"), std::string::npos);
  EXPECT_NE(truth.find("\"seed\": 4"), std::string::npos);
}

TEST(Generate, RefusesToOverwriteATruthFileItCannotRead) {
  TempDir dir;
  Comm comm = Comm::local();
  std::filesystem::create_directories(dir.path());
  { std::ofstream(dir / "truth.json") << "{ not json"; }
  EXPECT_THROW(generate(small(dir.path(), 1), comm), IoError);
  EXPECT_EQ(test::read_text(dir / "truth.json"), "{ not json");
}
