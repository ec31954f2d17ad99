#include "jobs/engine/keys.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "jobs/job.hpp"
#include "jobs/plan.hpp"
#include "test_util.hpp"

using namespace telemine;
using namespace telemine::jobs;

TEST(ResultKey, FieldsAreLengthPrefixedSoConcatenationsDiffer) {
  EXPECT_NE(ResultKey("s").add("a", "bc").checksum(), ResultKey("s").add("ab", "c").checksum());
  EXPECT_NE(ResultKey("s").add("a", "b").add("c", "d").checksum(), ResultKey("s").add("a", "bcd").checksum());
  EXPECT_NE(ResultKey("s").add("a", "").checksum(), ResultKey("s").checksum());
}

TEST(ResultKey, SchemesNeverMeetAndTheSameFieldsGiveTheSameKey) {
  EXPECT_NE(ResultKey("stats").add("bucket", "1h").checksum(), ResultKey("job").add("bucket", "1h").checksum());
  EXPECT_EQ(ResultKey("stats").add("n", 3).add("x", 0.1).checksum(), ResultKey("stats").add("n", 3).add("x", 0.1).checksum());
  // Doubles are written exactly: two that differ in the last bit give two keys.
  EXPECT_NE(ResultKey("s").add("x", 0.1).checksum(), ResultKey("s").add("x", std::nextafter(0.1, 1.0)).checksum());
}

TEST(ResultKey, KeysAreStableAcrossReleases) {
  // A changed digest makes every saved checkpoint and completion record stale: change it on purpose only.
  EXPECT_EQ(ResultKey("stats").add("bucket", "1h").add("from", std::int64_t{0}).checksum(),
            ResultKey("stats").add("bucket", "1h").add("from", "0").checksum());
  const std::string stage = ResultKey("s").add("a", "b").stage("pairs");
  EXPECT_EQ(stage.rfind("pairs-", 0), 0u);
  EXPECT_EQ(stage.size(), std::string("pairs-").size() + 16);
  EXPECT_EQ(stage.substr(6), ResultKey("s").add("a", "b").checksum().substr(8));
}

TEST(ResultKey, AJobKeyIgnoresFlagsThatChangeNothingAndCountsRanks) {
  test::TempDir dir;
  auto job = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = {"--archive", (dir / "a").string(), "--mission", "M", "--output", (dir / "o").string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return Job::parse({}, args, "stats");
  };
  Plan plan;
  const std::string plain = job_key(job({}), plan, 2).checksum();
  EXPECT_EQ(plain, job_key(job({"--quiet", "--skip-complete", "--dry-run"}), plan, 2).checksum());
  EXPECT_NE(plain, job_key(job({"--bucket", "5min"}), plan, 2).checksum());
  EXPECT_NE(plain, job_key(job({}), plan, 3).checksum());
  plan.partitions.push_back({0, io::PartitionInfo{}});
  plan.partitions.back().info.file = "2026/01/M_2026-01-01.h5";
  plan.partitions.back().info.checksum = "xxh3-64:0000000000000001";
  const std::string one = job_key(job({}), plan, 2).checksum();
  EXPECT_NE(plain, one);
  plan.partitions.back().info.checksum = "xxh3-64:0000000000000002";
  EXPECT_NE(one, job_key(job({}), plan, 2).checksum()) << "a changed input partition changes the key";
}
