#include "io/ingest.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "core/comm.hpp"
#include "core/error.hpp"
#include "test_util.hpp"

using namespace telemine;
using namespace telemine::io;
using telemine::test::TempDir;

namespace {
IngestReport run(const TempDir& dir, std::vector<std::filesystem::path> inputs, InputFormat f = InputFormat::csv_long) {
  Comm comm = Comm::local();
  IngestOptions o;
  o.archive = dir / "archive";
  o.mission = "M";
  o.format = f;
  o.inputs = std::move(inputs);
  o.progress = false;
  return ingest(o, comm);
}
}  // namespace

TEST(Ingest, CsvLongAcrossDaysWithDuplicatesAndUnsortedRows) {
  TempDir dir;
  test::write_text(dir / "a.csv",
                   "time,param,value\n"
                   "2026-01-02T00:00:01Z,T1,2.5\n"
                   "2026-01-01T23:59:59.5Z,T1,1.5\n"
                   "2026-01-01T23:59:59.5Z,T1,1.75\n"  // duplicate time: the later line wins
                   "1767225600000000000,T2,nan\n");
  test::write_text(dir / "b.csv", "time,param,value\n2026-01-02T00:00:01Z,T1,3.5\n");  // later file wins
  const auto r = run(dir, {dir / "a.csv", dir / "b.csv"});
  EXPECT_EQ(r.files, 2);
  EXPECT_EQ(r.rows, 5);
  EXPECT_EQ(r.duplicates, 2);
  EXPECT_EQ(r.write.partitions_written, 2);
  const Archive a = Archive::open(dir / "archive");
  const Catalog c = a.catalog("M");
  const Series t1 = a.read(c, "T1");
  ASSERT_EQ(t1.size(), 2u);
  EXPECT_EQ(t1.time[0], parse_time("2026-01-01T23:59:59.5Z"));
  EXPECT_EQ(t1.value[0], 1.75);
  EXPECT_EQ(t1.value[1], 3.5);
  const Series t2 = a.read(c, "T2");
  ASSERT_EQ(t2.size(), 1u);
  EXPECT_TRUE(std::isnan(t2.value[0]));

  const auto again = run(dir, {dir / "a.csv", dir / "b.csv"});
  EXPECT_EQ(again.write.partitions_written, 0);
  EXPECT_EQ(again.write.partitions_unchanged, 2);
}

TEST(Ingest, AMalformedLineChangesNothing) {
  TempDir dir;
  test::write_text(dir / "good.csv", "time,param,value\n2026-01-01T00:00:00Z,T1,1\n");
  run(dir, {dir / "good.csv"});
  const auto before = test::read_text(dir / "archive/M/catalog.h5");
  test::write_text(dir / "bad.csv", "time,param,value\n2026-01-03T00:00:00Z,T1,1\n2026-01-03T00:00:01Z,T1,one\n");
  try {
    run(dir, {dir / "bad.csv"});
    FAIL() << "expected an error";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("bad.csv:3"), std::string::npos) << e.what();
  }
  EXPECT_EQ(test::read_text(dir / "archive/M/catalog.h5"), before);
  EXPECT_FALSE(std::filesystem::exists(dir / "archive/M/2026/01/M_2026-01-03.h5"));
}

TEST(Ingest, UsageErrors) {
  TempDir dir;
  EXPECT_THROW(parse_input_format("parquet"), UsageError);
  EXPECT_THROW(run(dir, {dir / "missing.csv"}), UsageError);
  EXPECT_THROW(run(dir, {}), UsageError);
}
