#include "jobs/engine/scan.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "archive_util.hpp"
#include "core/comm.hpp"
#include "core/error.hpp"
#include "jobs/job.hpp"
#include "test_util.hpp"

using namespace telemine;
using namespace telemine::jobs;
using telemine::test::TempDir;

namespace {

// A stats job over test::make_three_day_archive(dir), with `extra` lines in the job file.
Job job_with(TempDir& dir, const std::string& extra) {
  test::write_text(dir / "job.ini", "kind = stats\narchive = " + (dir / "archive").string() + "\nmission = M\noutput = " +
                                        (dir / "out").string() + "\n" + extra + "[stats]\nbucket = 1h\n");
  return Job::parse(dir / "job.ini", {});
}

// Flips one byte in the last quarter of the second day's partition (its data, not its header).
void corrupt_second_day(const std::filesystem::path& archive) {
  const auto file = archive / "M/2026/01/M_2026-01-02.h5";
  std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(0, std::ios::end);
  const auto at = static_cast<std::streamoff>(f.tellg()) * 3 / 4;
  f.seekg(at);
  char c = 0;
  f.read(&c, 1);
  c = static_cast<char>(c ^ 0x10);
  f.seekp(at);
  f.write(&c, 1);
}

struct Counts {
  int read = 0, dropped = 0;
  std::vector<std::string> files;
};

ScanReport scan(const Job& job, Counts& counts, const std::function<bool(const PlannedPartition&)>& resume = {}) {
  const Comm comm = Comm::local();
  const Plan plan = make_plan(job, 1);
  PartitionVisitor visit;
  visit.resume = resume;
  visit.read = [&](const PlannedPartition& p, const io::PartitionReader& reader) {
    io::Series s;
    reader.read("P", s);
    ++counts.read;
    counts.files.push_back(p.info.file);
  };
  visit.dropped = [&](const PlannedPartition&) { ++counts.dropped; };
  return for_each_partition(job, plan, partitions_of_rank(plan, 0), comm, "test", visit);
}

}  // namespace

TEST(Scan, ReadsEveryPartitionInPlanOrder) {
  TempDir dir;
  test::make_three_day_archive(dir);
  Counts c;
  const ScanReport r = scan(job_with(dir, ""), c);
  EXPECT_EQ(r.read, 3);
  EXPECT_TRUE(r.skipped.empty());
  EXPECT_EQ(c.files, (std::vector<std::string>{"2026/01/M_2026-01-01.h5", "2026/01/M_2026-01-02.h5", "2026/01/M_2026-01-03.h5"}));
}

TEST(Scan, AChecksumMismatchFailsTheJobNamingThePartition) {
  TempDir dir;
  corrupt_second_day(test::make_three_day_archive(dir));
  Counts c;
  try {
    scan(job_with(dir, ""), c);
    FAIL() << "a corrupt partition was read";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("M_2026-01-02.h5: checksum"), std::string::npos) << e.what();
  }
  EXPECT_EQ(c.read, 1);  // the first day only
}

TEST(Scan, OnErrorSkipListsTheCorruptPartitionAndDropsIt) {
  TempDir dir;
  corrupt_second_day(test::make_three_day_archive(dir));
  Counts c;
  const ScanReport r = scan(job_with(dir, "on-error = skip\n"), c);
  EXPECT_EQ(r.read, 2);
  ASSERT_EQ(r.skipped.size(), 1u);
  EXPECT_EQ(r.skipped[0].file, "2026/01/M_2026-01-02.h5");
  EXPECT_NE(r.skipped[0].reason.find("differs from the catalogue's"), std::string::npos);
  EXPECT_EQ(c.dropped, 1);
}

TEST(Scan, VerifyNoneReadsWithoutChecking) {
  TempDir dir;
  corrupt_second_day(test::make_three_day_archive(dir));
  Counts c;
  const ScanReport r = scan(job_with(dir, "verify = none\non-error = skip\n"), c);
  EXPECT_EQ(r.read + static_cast<std::int64_t>(r.skipped.size()), 3);
  for (const auto& s : r.skipped) EXPECT_EQ(s.reason.find("checksum"), std::string::npos);  // HDF5 may still notice
}

TEST(Scan, ResumedPartitionsAreNeitherVerifiedNorRead) {
  TempDir dir;
  corrupt_second_day(test::make_three_day_archive(dir));
  Counts c;
  const ScanReport r = scan(job_with(dir, ""), c, [](const PlannedPartition& p) { return p.info.file == "2026/01/M_2026-01-02.h5"; });
  EXPECT_EQ(r.resumed, 1);
  EXPECT_EQ(r.read, 2);
}

TEST(Scan, VerifyChecksumNamesBothChecksums) {
  TempDir dir;
  test::make_three_day_archive(dir);
  const auto file = dir / "archive/M/2026/01/M_2026-01-01.h5";
  EXPECT_NO_THROW(verify_checksum(file, io::file_checksum(file)));
  EXPECT_THROW(verify_checksum(file, "xxh3-64:0000000000000000"), IoError);
}
