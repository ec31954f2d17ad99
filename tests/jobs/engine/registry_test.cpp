#include "jobs/engine/registry.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "jobs/job.hpp"
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

// A job of `kind` with the given extra lines; the error of parsing it and reading its settings.
std::string job_error(TempDir& dir, const std::string& kind, const std::string& extra) {
  const auto f = dir / "job.ini";
  test::write_text(f, "kind = " + kind + "\narchive = " + (dir / "archive").string() + "\nmission = M\noutput = " +
                          (dir / "out").string() + "\n" + extra);
  return error_of([&] { Job::parse(f, {}); });
}

}  // namespace

TEST(Registry, ListsEveryKindOnceSortedWithItsRunner) {
  EXPECT_EQ(kind_names(), "campaign, dataset, dependency, forest, novelty, stats");
  for (const KindSpec* k : kinds()) {
    EXPECT_NE(k->run, nullptr) << k->name;
    EXPECT_EQ(find_kind(k->name), k);
  }
  EXPECT_EQ(find_kind("histogram"), nullptr);
}

TEST(Registry, FindsKeysByFullName) {
  ASSERT_NE(find_key("dependency.bins"), nullptr);
  EXPECT_EQ(find_key("dependency.bins")->type, KeyType::integer);
  EXPECT_EQ(find_key("dependency.bins")->fallback, "16");
  EXPECT_EQ(find_key("archive")->type, KeyType::path);
  EXPECT_NE(find_key("slurm.nodes"), nullptr);
  EXPECT_EQ(find_key("stats.nope"), nullptr);
  EXPECT_EQ(find_key("campaign.jobs"), nullptr);  // a kind without a section
}

TEST(Registry, HelpShowsDefaultsRangesAndChoices) {
  const std::string help = keys_help();
  EXPECT_NE(help.find("dependency.bins"), std::string::npos);
  EXPECT_NE(help.find("(2 .. 64; default 16)"), std::string::npos);
  EXPECT_NE(help.find("(all, one, sets; default all)"), std::string::npos);
  EXPECT_NE(help.find(" [slurm]"), std::string::npos);
}

TEST(Registry, TypedGettersUseTheTableDefaults) {
  TempDir dir;
  test::write_text(dir / "job.ini", "kind = dependency\narchive = a\nmission = M\noutput = o\n[dependency]\ngrid = 1min\nbins = 8\n");
  const Job job = Job::parse(dir / "job.ini", {});
  EXPECT_EQ(job.get_int("dependency.bins"), 8);
  EXPECT_EQ(job.get_int("dependency.top"), 10);
  EXPECT_DOUBLE_EQ(job.get_double("dependency.alpha"), 0.01);
  EXPECT_EQ(job.get_enum("dependency.mode"), "all");
  EXPECT_EQ(job.get_duration("dependency.grid"), kMinute);
  EXPECT_EQ(job.get_duration("dependency.max-lag"), 0);
  EXPECT_FALSE(job.get_duration("dependency.lag-step"));
  EXPECT_TRUE(job.common().verify);
  EXPECT_THROW(job.get_int("dependency.mode"), InternalError);  // not an integer key
}

TEST(Registry, RefusesValuesOutsideTheirTypeOrRange) {
  TempDir dir;
  const std::string file = (dir / "job.ini").string();
  EXPECT_EQ(job_error(dir, "dependency", "[dependency]\ngrid = 1min\nbins = 100\n"),
            file + ":7: key 'dependency.bins': '100' is not an integer in 2 .. 64");
  EXPECT_EQ(job_error(dir, "dependency", "[dependency]\ngrid = 1min\nmode = every\n"),
            file + ":7: key 'dependency.mode': 'every' is not one of all, one, sets");
  EXPECT_EQ(job_error(dir, "dependency", "[dependency]\ngrid = 1ns\n"),
            file + ":6: key 'dependency.grid': '1ns' is not a duration in 1ms .. 1d");
  EXPECT_EQ(job_error(dir, "novelty", "[novelty]\nperiod = 1ns\n"),
            file + ":6: key 'novelty.period': '1ns' is not a duration in 1s .. 1d");
  EXPECT_EQ(job_error(dir, "novelty", "[novelty]\nepochs = many\n"),
            file + ":6: key 'novelty.epochs': 'many' is not an integer in 1 .. 100000");
  EXPECT_EQ(job_error(dir, "stats", "verify = maybe\n"), file + ":5: key 'verify': 'maybe' is not one of checksum, none");
}

TEST(Registry, RefusesAnOutputInsideTheArchive) {
  TempDir dir;
  const auto f = dir / "job.ini";
  for (const std::string out : {"archive", "archive/", "archive/results"}) {
    test::write_text(f, "kind = stats\narchive = " + (dir / "archive").string() + "\nmission = M\noutput = " + (dir / out).string() +
                            "\n[stats]\nbucket = 1h\n");
    EXPECT_NE(error_of([&] { Job::parse(f, {}); }).find(f.string() + ":4: key 'output': "), std::string::npos) << out;
  }
  test::write_text(f, "kind = stats\narchive = " + (dir / "archive").string() + "\nmission = M\noutput = " +
                          (dir / "archive-results").string() + "\n[stats]\nbucket = 1h\n");
  EXPECT_EQ(error_of([&] { Job::parse(f, {}); }), "no error");
}
