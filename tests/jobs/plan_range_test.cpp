#include "jobs/plan.hpp"

#include <gtest/gtest.h>

#include "archive_util.hpp"
#include "core/comm.hpp"
#include "core/error.hpp"
#include "jobs/engine/registry.hpp"
#include "jobs/job.hpp"
#include "test_util.hpp"

using namespace telemine;
using namespace telemine::jobs;
using telemine::test::TempDir;

namespace {

// A stats job over test::make_three_day_archive(dir).
Job stats_job(TempDir& dir, const std::vector<std::string>& args) {
  std::vector<std::string> all = {"--archive", (dir / "archive").string(), "--mission", "M", "--bucket", "1h",
                                  "--output", (dir / "out").string()};
  all.insert(all.end(), args.begin(), args.end());
  return Job::parse({}, all, "stats");
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST(Plan, ResolvesAMissingEndToTheDataAndAnnouncesIt) {
  TempDir dir;
  test::make_three_day_archive(dir);
  const Plan plan = make_plan(stats_job(dir, {"--from", "2026-01-02"}), 1);
  EXPECT_EQ(plan.resolved_from, parse_time("2026-01-02"));
  EXPECT_EQ(plan.resolved_to, parse_time("2026-01-04"));
  EXPECT_EQ(plan.archive, (dir / "archive").string());
  EXPECT_EQ(plan.announce("stats"), "stats: archive " + (dir / "archive").string() +
                                        ", mission M, range 2026-01-02T00:00:00Z .. 2026-01-04T00:00:00Z (to: the data's end)");
  EXPECT_NE(plan.describe().find("range 2026-01-02T00:00:00Z .. 2026-01-04T00:00:00Z"), std::string::npos);
}

TEST(Plan, ARangeWithoutDataIsAnErrorOfStatusOneThatPrintsTheSpan) {
  TempDir dir;
  test::make_three_day_archive(dir);
  const Job job = stats_job(dir, {"--from", "2025-01-01", "--to", "2025-01-02"});
  try {
    make_plan(job, 1);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.exit_code(), 1);
    EXPECT_NE(std::string(e.what()).find("command line: nothing in the archive overlaps the range "
                                         "2025-01-01T00:00:00Z .. 2025-01-02T00:00:00Z"),
              std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("holds M 2026-01-01T00:00:00Z .. 2026-01-03T01:39:00Z"), std::string::npos)
        << e.what();
  }
  // Past the last sample of the last day, inside its partition's slice: nothing either.
  EXPECT_NE(error_of([&] { make_plan(stats_job(dir, {"--from", "2026-01-03T12:00:00Z"}), 1); }).find("nothing"),
            std::string::npos);
}

TEST(Plan, HasSamplesInLooksAtSampleTimesNotSlices) {
  TempDir dir;
  test::make_three_day_archive(dir);
  const io::Catalog cat = io::Archive::open(dir / "archive").catalog("M");
  EXPECT_TRUE(has_samples_in(cat, parse_time("2026-01-03T01:39:00Z"), kTimeMax));
  EXPECT_FALSE(has_samples_in(cat, parse_time("2026-01-03T01:39:00.000000001Z"), kTimeMax));
  EXPECT_FALSE(has_samples_in(cat, kTimeMin, parse_time("2026-01-01")));
  EXPECT_TRUE(has_samples_in(cat, kTimeMin, parse_time("2026-01-01T00:00:00.000000001Z")));
}

TEST(Around, ATimeOrAnEventBecomesTheRange) {
  TempDir dir;
  test::make_three_day_archive(dir);
  const Job at = stats_job(dir, {"--around", "2026-01-02T12:00:00Z", "--window", "2h"});
  EXPECT_EQ(at.common().from, parse_time("2026-01-02T10:00:00Z"));
  EXPECT_EQ(at.common().to, parse_time("2026-01-02T14:00:00.000000001Z"));
  // No event: the message says so.
  EXPECT_NE(error_of([&] { stats_job(dir, {"--around", "event_1"}); }).find("key 'around'"), std::string::npos);
  EXPECT_NE(error_of([&] { stats_job(dir, {"--around", "2026-01-02", "--from", "2026-01-01"}); }).find("not both"),
            std::string::npos);
  EXPECT_NE(error_of([&] { stats_job(dir, {"--around-window", "2h"}); }).find("needs 'around'"), std::string::npos);
}

TEST(KindKeys, GoWithoutPrefixOnTheCommandAndAfterAJobFileOfKnownKind) {
  TempDir dir;
  test::make_three_day_archive(dir);
  test::write_text(dir / "job.ini", "kind = stats\narchive = " + (dir / "archive").string() + "\nmission = M\noutput = " +
                                        (dir / "out").string() + "\n[stats]\nbucket = 1h\n");
  const Job job = Job::parse(dir / "job.ini", {"--bucket", "15min"});
  EXPECT_EQ(*job.get_duration("stats.bucket"), 15 * kMinute);
  EXPECT_TRUE(job.command().empty());
  EXPECT_EQ(stats_job(dir, {}).command(), "stats");
}

TEST(KindKeys, NoveltysWindowStaysACountUnlessADurationBesideAround) {
  TempDir dir;
  test::make_three_day_archive(dir);
  const std::vector<std::string> base = {"--archive", (dir / "archive").string(), "--mission", "M", "--output",
                                         (dir / "out").string()};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> all = base;
    all.insert(all.end(), extra.begin(), extra.end());
    return Job::parse({}, all, "novelty");
  };
  EXPECT_EQ(with({"--window", "12"}).get_int("novelty.window"), 12);
  const Job around = with({"--around", "2026-01-02", "--window", "3h"});
  EXPECT_EQ(around.get_int("novelty.window"), 30);  // the default
  EXPECT_EQ(around.common().from, parse_time("2026-01-01T21:00:00Z"));
}

TEST(KindHelp, ListsTheKindsOwnKeysWithDefaultsAndRanges) {
  const std::string help = kind_help(*find_kind("dependency"));
  EXPECT_NE(help.find("--bins"), std::string::npos) << help;
  EXPECT_NE(help.find("(2 .. 64; default 16)"), std::string::npos) << help;
  EXPECT_NE(help.find("--archive"), std::string::npos);
  EXPECT_EQ(help.find("--bucket"), std::string::npos) << "another kind's key in: " << help;
  EXPECT_EQ(help.find("novelty."), std::string::npos);
}
