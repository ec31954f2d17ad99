#include "io/mission_writer.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/comm.hpp"
#include "core/error.hpp"
#include "io/archive.hpp"
#include "test_util.hpp"

using namespace telemine;
using namespace telemine::io;
using telemine::test::TempDir;

namespace {

const TimeNs kDay0 = 1767225600LL * kSecond;  // 2026-01-01

std::map<std::string, Series, std::less<>> day_data(TimeNs day, double offset) {
  std::map<std::string, Series, std::less<>> d;
  for (const char* name : {"P1", "P2"}) {
    Series& s = d[name];
    for (int i = 0; i < 100; ++i) {
      s.time.push_back(day + i * kMinute);
      s.value.push_back(offset + i);
    }
  }
  return d;
}

WriteReport write_days(const std::filesystem::path& archive, int days, double offset) {
  Comm comm = Comm::local();
  MissionWriter w = MissionWriter::open(archive, "M", comm);
  w.declare({"P1", "V", "bus voltage", "POWER", ParamKind::numeric});
  w.declare({"P2", "", "", "", ParamKind::state});
  w.add_event({kDay0 + kHour, kDay0 + 2 * kHour, "anomaly", "P1", "point", "spike"});
  for (int d = 0; d < days; ++d) w.write_slice(kDay0 + d * kDay, day_data(kDay0 + d * kDay, offset));
  return w.commit();
}

std::string no_temporaries(const std::filesystem::path& root) {
  for (const auto& e : std::filesystem::recursive_directory_iterator(root))
    if (e.path().filename().string().find(".tmp-") != std::string::npos) return e.path().string();
  return "";
}

}  // namespace

TEST(MissionWriter, WritesPartitionsThenTheCatalogue) {
  TempDir dir;
  const auto r = write_days(dir.path(), 3, 0);
  EXPECT_EQ(r.partitions_written, 3);
  EXPECT_EQ(r.samples, 600);
  const Archive a = Archive::open(dir.path());
  EXPECT_EQ(a.missions(), std::vector<std::string>{"M"});
  const Catalog c = a.catalog("M");
  ASSERT_EQ(c.partitions.size(), 3u);
  EXPECT_EQ(c.partitions[1].file, "2026/01/M_2026-01-02.h5");
  EXPECT_EQ(c.partitions[1].samples, 200);
  EXPECT_EQ(c.partitions[1].checksum, file_checksum(a.partition_path("M", c.partitions[1])));
  ASSERT_EQ(c.params.size(), 2u);
  EXPECT_EQ(c.params[0].unit, "V");
  EXPECT_EQ(c.params[1].kind, ParamKind::state);
  ASSERT_EQ(c.events.size(), 1u);
  const Series s = a.read(c, "P1", kDay0 + 99 * kMinute, kDay0 + kDay + 2 * kMinute);
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s.value[0], 99);
  EXPECT_EQ(s.value[1], 0);
  EXPECT_EQ(no_temporaries(dir.path()), "");
}

TEST(MissionWriter, RewritingTheSameContentChangesNothing) {
  TempDir dir;
  write_days(dir.path(), 2, 0);
  const auto cat = dir.path() / "M" / "catalog.h5";
  const auto part = dir.path() / "M" / "2026/01/M_2026-01-01.h5";
  struct stat before_cat {}, before_part {}, after_cat {}, after_part {};
  stat(cat.c_str(), &before_cat);
  stat(part.c_str(), &before_part);
  const auto r = write_days(dir.path(), 2, 0);
  EXPECT_EQ(r.partitions_written, 0);
  EXPECT_EQ(r.partitions_unchanged, 2);
  stat(cat.c_str(), &after_cat);
  stat(part.c_str(), &after_part);
  EXPECT_EQ(before_cat.st_ino, after_cat.st_ino);  // not even replaced by an identical copy
  EXPECT_EQ(before_part.st_ino, after_part.st_ino);
  EXPECT_EQ(Archive::open(dir.path()).catalog("M").events.size(), 1u);
}

TEST(MissionWriter, NewSamplesMergeAndReplaceAtEqualTimes) {
  TempDir dir;
  write_days(dir.path(), 1, 0);
  {
    Comm comm = Comm::local();
    MissionWriter w = MissionWriter::open(dir.path(), "M", comm);
    std::map<std::string, Series, std::less<>> d;
    d["P1"].time = {kDay0 + 30 * kSecond, kDay0 + kMinute};  // one new time, one replaced
    d["P1"].value = {-1, -2};
    d["P3"].time = {kDay0};
    d["P3"].value = {7};
    w.write_slice(kDay0, d);
    const auto r = w.commit();
    EXPECT_EQ(r.duplicates_replaced, 1);
  }
  const Archive a = Archive::open(dir.path());
  const Catalog c = a.catalog("M");
  const Series p1 = a.read(c, "P1");
  ASSERT_EQ(p1.size(), 101u);
  EXPECT_EQ(p1.value[1], -1);
  EXPECT_EQ(p1.value[2], -2);
  EXPECT_EQ(a.read(c, "P2").size(), 100u);  // untouched parameter kept
  EXPECT_EQ(a.read(c, "P3").size(), 1u);
  EXPECT_NE(c.find_param("P1"), nullptr);
  EXPECT_EQ(c.find_param("P1")->unit, "V");
}

TEST(MissionWriter, AFailureBeforeCommitLeavesTheArchiveAsItWas) {
  TempDir dir;
  write_days(dir.path(), 1, 0);
  const auto before = test::read_text(dir.path() / "M" / "catalog.h5");
  {
    Comm comm = Comm::local();
    MissionWriter w = MissionWriter::open(dir.path(), "M", comm);
    w.write_slice(kDay0 + kDay, day_data(kDay0 + kDay, 5));
    // Dropped without commit: as when a later slice fails.
  }
  EXPECT_EQ(no_temporaries(dir.path()), "");
  EXPECT_EQ(test::read_text(dir.path() / "M" / "catalog.h5"), before);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "M" / "2026/01/M_2026-01-02.h5"));
}

TEST(MissionWriter, RefusesSamplesOutsideTheSliceAndBadNames) {
  TempDir dir;
  Comm comm = Comm::local();
  MissionWriter w = MissionWriter::open(dir.path(), "M", comm);
  EXPECT_THROW(w.write_slice(kDay0, day_data(kDay0 + kDay, 0)), InternalError);
  ParamInfo bad;
  bad.name = "a/b";
  EXPECT_THROW(w.declare(bad), UsageError);
  EXPECT_THROW(MissionWriter::open(dir.path(), "bad/name", comm), UsageError);
}

TEST(MissionWriter, OneWriterPerMissionAtATime) {
  TempDir dir;
  Comm comm = Comm::local();
  MissionWriter first = MissionWriter::open(dir.path(), "M", comm);
  EXPECT_THROW(MissionWriter::open(dir.path(), "M", comm), IoError);
}

TEST(MissionWriter, SliceMustDivideADay) {
  TempDir dir;
  Comm comm = Comm::local();
  EXPECT_THROW(MissionWriter::open(dir.path(), "M", comm, {7 * kHour}), UsageError);
  MissionWriter w = MissionWriter::open(dir.path(), "H", comm, {kHour});
  EXPECT_EQ(w.slice(), kHour);
}

// A writer killed with kill -9 leaves its temporaries; the next writer of the mission removes
// those whose process is gone, and only those.
TEST(MissionWriter, RemovesTemporariesOfDeadWriters) {
  TempDir dir;
  write_days(dir.path(), 1, 0);
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  int status = 0;
  ::waitpid(child, &status, 0);
  const auto stale = dir.path() / "M" / "2026" / "01" / (".M_2026-01-02.h5.tmp-" + std::to_string(child) + "-0");
  const auto live = dir.path() / "M" / (".catalog.h5.tmp-" + std::to_string(::getppid()) + "-0");
  test::write_text(stale, std::string(1 << 20, 'x'));
  test::write_text(live, "x");
  write_days(dir.path(), 2, 0);
  EXPECT_FALSE(std::filesystem::exists(stale));
  EXPECT_TRUE(std::filesystem::exists(live));
}

// 929 failed ingests into a new mission used to leave its folder and lock behind.
TEST(MissionWriter, AFailedFirstIngestLeavesNoMission) {
  TempDir dir;
  {
    Comm comm = Comm::local();
    MissionWriter w = MissionWriter::open(dir.path(), "NEW", comm);
    w.write_slice(kDay0, day_data(kDay0, 0));
    w.write_slice(kDay0 + kDay, day_data(kDay0 + kDay, 0));
    // Dropped without commit, as when a later input fails.
  }
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "NEW"));
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 0);
  // A folder holding something that is not the writer's is kept, with that thing.
  test::write_text(dir.path() / "KEEP" / "notes.txt", "mine");
  {
    Comm comm = Comm::local();
    MissionWriter w = MissionWriter::open(dir.path(), "KEEP", comm);
  }
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "KEEP" / "notes.txt"));
}
