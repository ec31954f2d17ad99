#include "jobs/job.hpp"

#include <gtest/gtest.h>

#include "core/comm.hpp"
#include "core/error.hpp"
#include "io/archive.hpp"
#include "jobs/plan.hpp"
#include "test_util.hpp"

using namespace telemine;
using namespace telemine::jobs;
using telemine::test::TempDir;

namespace {

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const JobError& e) {
    return e.what();
  }
  return "no error";
}

const char* kJob =
    "# daily statistics\n"
    "kind    = stats\n"
    "archive = /data/archive\n"
    "mission = SYN1, SYN2\n"
    "params  = POWER_*, THERM_BAT_T\n"
    "from    = 2026-01-01\n"
    "to      = 2026-02-01\n"
    "output  = results/stats\n"
    "\n"
    "[stats]\n"
    "bucket = 1h\n"
    "\n"
    "[slurm]\n"
    "nodes = 2\n";

}  // namespace

TEST(Job, ParsesAFileAndTheCommandLineWins) {
  TempDir dir;
  test::write_text(dir / "job.ini", kJob);
  const Job job = Job::parse(dir / "job.ini", {"--stats.bucket=15min", "--output", "other", "--dry-run"});
  const JobCommon& c = job.common();
  EXPECT_EQ(c.kind, "stats");
  EXPECT_EQ(c.archive, "/data/archive");
  EXPECT_EQ(c.missions, (std::vector<std::string>{"SYN1", "SYN2"}));
  EXPECT_EQ(c.params, (std::vector<std::string>{"POWER_*", "THERM_BAT_T"}));
  EXPECT_EQ(c.from, parse_time("2026-01-01"));
  EXPECT_EQ(c.to, parse_time("2026-02-01"));
  EXPECT_EQ(c.output, "other");
  EXPECT_EQ(c.on_error, OnError::fail);
  EXPECT_EQ(job.get_duration("stats.bucket"), 15 * kMinute);
  EXPECT_EQ(job.get("slurm.nodes"), "2");
  EXPECT_TRUE(job.dry_run());
  EXPECT_EQ(job.where("archive"), (dir / "job.ini").string() + ":3");
  EXPECT_EQ(job.where("stats.bucket"), "command line");
  EXPECT_EQ(job.text(), kJob);
}

TEST(Job, ErrorsNameTheFileLineAndKey) {
  TempDir dir;
  const auto f = dir / "job.ini";
  auto with = [&](const std::string& text) {
    test::write_text(f, text);
    return error_of([&] { Job::parse(f, {}); });
  };
  const std::string file = f.string();
  EXPECT_EQ(with("kind = stats\nbukket = 1h\n"), file + ":2: unknown key 'bukket'");
  EXPECT_EQ(with("kind = stats\n[stats]\nbucket = 1h\nspeed = 3\n"), file + ":4: unknown key 'stats.speed'");
  EXPECT_EQ(with("kind = stats\n[statz]\n"), file + ":2: unknown section [statz]");
  EXPECT_EQ(with("kind = stats\njust words\n"), file + ":2: expected 'key = value', got 'just words'");
  EXPECT_EQ(with("kind = stats\nkind = stats\n"), file + ":2: key 'kind' given twice (first at line 1)");
  EXPECT_EQ(with("kind = histogram\narchive=a\nmission=M\noutput=o\n"),
            file + ":1: key 'kind': unknown job kind 'histogram' (known: campaign, dataset, dependency, forest, novelty, stats)");
  EXPECT_EQ(with("kind = stats\narchive=a\nmission=M\n"), file + ": missing key 'output'");
  EXPECT_NE(with("kind = stats\narchive=a\nmission=M\noutput=o\nfrom = yesterday\n").find(file + ":5: key 'from': invalid time"),
            std::string::npos);
  EXPECT_EQ(with("kind = stats\narchive=a\nmission=M\noutput=o\nfrom=2026-02-01\nto=2026-01-01\n"),
            file + ":6: key 'to': must be after 'from'");
  EXPECT_EQ(with("kind = stats\narchive=a\nmission=M\noutput=o\non-error = ignore\n"),
            file + ":5: key 'on-error': expected fail or skip, got 'ignore'");
  // Typed keys are checked when the job is parsed, before any rank does work.
  EXPECT_NE(with("kind = stats\narchive=a\nmission=M\noutput=o\n[stats]\nbucket = soon\n").find(file + ":6: key 'stats.bucket': invalid duration"),
            std::string::npos);
  EXPECT_EQ(error_of([&] { Job::parse(dir / "missing.ini", {}); }), (dir / "missing.ini").string() + ": cannot read job file");
  EXPECT_NE(error_of([&] { Job::parse(f, {"--colour=blue"}); }).find("command line: unrecognised option '--colour=blue'"),
            std::string::npos);
}

TEST(Job, AKindAsACommandTakesItsKeysUnprefixed) {
  const Job job = Job::parse({}, {"--archive", "a", "--mission", "M", "--params", "P*", "--bucket", "1h", "--output", "o"}, "stats");
  EXPECT_EQ(job.common().kind, "stats");
  EXPECT_EQ(job.get_duration("stats.bucket"), kHour);
  EXPECT_EQ(job.common().params, std::vector<std::string>{"P*"});
  EXPECT_EQ(error_of([] { Job::parse({}, {"--archive", "a", "--output", "o"}, "stats"); }),
            "command line: missing key 'mission' (--mission)");
}

TEST(Glob, Matches) {
  EXPECT_TRUE(glob_match("POWER_*", "POWER_BUS_I"));
  EXPECT_FALSE(glob_match("POWER_*", "THERM_T"));
  EXPECT_TRUE(glob_match("A-?", "A-1"));
  EXPECT_TRUE(glob_match("A-1.cmd[12]", "A-1.cmd2"));
}

TEST(Plan, SelectsPartitionsAndBalancesRanks) {
  TempDir dir;
  {
    Comm comm = Comm::local();
    io::MissionWriter w = io::MissionWriter::open(dir / "archive", "M", comm);
    for (const char* p : {"POWER_A", "POWER_B", "THERM"}) w.declare({p});
    const TimeNs day0 = parse_time("2026-01-01");
    for (int d = 0; d < 6; ++d) {
      std::map<std::string, io::Series, std::less<>> data;
      for (int i = 0; i < (d == 0 ? 1000 : 10); ++i) {  // one heavy day
        data["POWER_A"].time.push_back(day0 + d * kDay + i * kSecond);
        data["POWER_A"].value.push_back(i);
      }
      w.write_slice(day0 + d * kDay, data);
    }
    w.commit();
  }
  const std::string ini = "kind=stats\narchive=" + (dir / "archive").string() +
                          "\nmission=M\nparams=POWER_*\nfrom=2026-01-02\noutput=o\n[stats]\nbucket=1h\n";
  test::write_text(dir / "job.ini", ini);
  const Job job = Job::parse(dir / "job.ini", {});
  const Plan plan = make_plan(job, 3);
  ASSERT_EQ(plan.missions.size(), 1u);
  EXPECT_EQ(plan.missions[0].params.size(), 2u);
  EXPECT_EQ(plan.partitions.size(), 5u);  // from 2026-01-02
  ASSERT_EQ(plan.rank_begin.size(), 4u);
  EXPECT_EQ(plan.rank_begin.front(), 0);
  EXPECT_EQ(plan.rank_begin.back(), 5);
  for (int r = 0; r < 3; ++r) EXPECT_LE(plan.rank_begin[r], plan.rank_begin[r + 1]);
  EXPECT_NE(plan.describe().find("rank 2:"), std::string::npos);
  const Plan one = make_plan(job, 1);
  EXPECT_EQ(one.samples_of_rank(0), 50);

  test::write_text(dir / "bad.ini", "kind=stats\narchive=" + (dir / "archive").string() + "\nmission=M\nparams=VOLT*\noutput=o\n");
  EXPECT_EQ(error_of([&] { make_plan(Job::parse(dir / "bad.ini", {}), 1); }),
            (dir / "bad.ini").string() + ":4: key 'params': 'VOLT*' matches no parameter of the selected missions");
  test::write_text(dir / "bad2.ini", "kind=stats\narchive=" + (dir / "archive").string() + "\nmission=M,Q\noutput=o\n");
  EXPECT_NE(error_of([&] { make_plan(Job::parse(dir / "bad2.ini", {}), 1); }).find(":3: key 'mission': archive"), std::string::npos);
  test::write_text(dir / "bad3.ini", "kind=stats\narchive=" + (dir / "nowhere").string() + "\nmission=M\noutput=o\n");
  EXPECT_NE(error_of([&] { make_plan(Job::parse(dir / "bad3.ini", {}), 1); }).find(":2: key 'archive': "), std::string::npos);
}

TEST(Job, DerivedSectionTakesAnyNameWithItsLine) {
  TempDir dir;
  const auto file = dir / "job.ini";
  test::write_text(file, std::string(kJob) + "[derived]\ngrid = 1min\nBUS_P = POWER_BUS_V * POWER_BUS_I\n"
                                             "COLD = THERM_HTR1_ON > 0 && THERM_BAT_T < 10  # heater on, battery cold\n");
  const Job job = Job::parse(file, {"--derived.DT=THERM_BAT_T - THERM_PANEL_T", "--derived.hold=2h"});
  ASSERT_EQ(job.derived().size(), 3u);
  EXPECT_EQ(job.derived()[0], (derived::Definition{"BUS_P", "POWER_BUS_V * POWER_BUS_I", file.string() + ":17"}));
  EXPECT_EQ(job.derived()[1].expression, "THERM_HTR1_ON > 0 && THERM_BAT_T < 10");
  EXPECT_EQ(job.derived()[2], (derived::Definition{"DT", "THERM_BAT_T - THERM_PANEL_T", "command line"}));
  EXPECT_EQ(job.derived_options().grid, kMinute);
  EXPECT_EQ(job.derived_options().hold, 2 * kHour);
  test::write_text(file, std::string(kJob) + "[derived]\nBUS_P POWER_BUS_V\n");
  EXPECT_EQ(error_of([&] { Job::parse(file, {}); }),
            file.string() + ":16: expected 'NAME = EXPRESSION', got 'BUS_P POWER_BUS_V'");
}
