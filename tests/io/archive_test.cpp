#include "io/archive.hpp"

#include <gtest/gtest.h>
#include <hdf5.h>

#include <cmath>

#include "core/error.hpp"
#include "test_util.hpp"

using namespace telemine;
using namespace telemine::io;
using telemine::test::TempDir;

namespace {
Series make_series(TimeNs start, int n, DurationNs step) {
  Series s;
  for (int i = 0; i < n; ++i) {
    s.time.push_back(start + i * step);
    s.value.push_back(i == 3 ? std::nan("") : 0.1 * i - 1.0 / 3.0);
  }
  return s;
}
}  // namespace

TEST(Names, Validation) {
  EXPECT_NO_THROW(validate_name("parameter", "A-1.cmd3"));
  EXPECT_NO_THROW(validate_name("parameter", "POWER BUS (I)"));
  for (const char* bad : {"", ".", "..", "a/b", "tab\there"}) EXPECT_THROW(validate_name("parameter", bad), UsageError);
  EXPECT_THROW(validate_name("parameter", std::string(256, 'x')), UsageError);
}

TEST(Names, PartitionFileNames) {
  EXPECT_EQ(partition_file_name("SYN1", parse_time("2026-03-01"), kDay), "2026/03/SYN1_2026-03-01.h5");
  EXPECT_EQ(partition_file_name("HR", parse_time("2026-03-01T05:00:00Z"), kHour), "2026/03/HR_2026-03-01T050000.h5");
}

TEST(Partition, WritesAndReadsRangesExactly) {
  TempDir dir;
  const auto file = dir / "p.h5";
  std::map<std::string, Series, std::less<>> data;
  data["A"] = make_series(1000, 100000, 7);  // more than one chunk
  data["B.cmd1"] = make_series(0, 5, kSecond);
  data["EMPTY"] = Series{};
  write_partition_file(file, data);

  PartitionReader r = PartitionReader::open(file);
  EXPECT_EQ(r.params(), (std::vector<std::string>{"A", "B.cmd1", "EMPTY"}));
  EXPECT_TRUE(r.has("A"));
  EXPECT_FALSE(r.has("C"));
  EXPECT_EQ(r.count("A"), 100000);
  Series all;
  r.read("A", all);
  ASSERT_EQ(all.size(), 100000u);
  for (std::size_t i = 0; i < all.size(); ++i) {
    ASSERT_EQ(all.time[i], data["A"].time[i]);
    if (i == 3) ASSERT_TRUE(std::isnan(all.value[i]));
    else ASSERT_EQ(all.value[i], data["A"].value[i]);
  }
  Series part;
  r.read("A", 1000 + 7 * 10, 1000 + 7 * 20, part);  // [from, to): samples 10..19
  ASSERT_EQ(part.size(), 10u);
  EXPECT_EQ(part.time.front(), 1000 + 70);
  EXPECT_EQ(part.value.back(), data["A"].value[19]);
  Series none;
  r.read("A", 0, 1000, none);
  r.read("missing", none);
  EXPECT_EQ(none.size(), 0u);
}

TEST(Partition, SameContentGivesTheSameBytes) {
  TempDir dir;
  std::map<std::string, Series, std::less<>> data;
  data["X"] = make_series(0, 1000, kSecond);
  write_partition_file(dir / "a.h5", data);
  write_partition_file(dir / "b.h5", data);
  EXPECT_EQ(file_checksum(dir / "a.h5"), file_checksum(dir / "b.h5"));
  EXPECT_EQ(file_checksum(dir / "a.h5").rfind("xxh3-64:", 0), 0u);
}

TEST(Partition, CorruptAndForeignFilesAreRefusedWithTheirName) {
  TempDir dir;
  test::write_text(dir / "junk.h5", "this is not HDF5");
  try {
    PartitionReader::open(dir / "junk.h5");
    FAIL();
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("junk.h5"), std::string::npos) << e.what();
  }
  std::map<std::string, Series, std::less<>> data;
  data["X"] = make_series(0, 100000, kSecond);
  write_partition_file(dir / "t.h5", data);
  std::filesystem::resize_file(dir / "t.h5", std::filesystem::file_size(dir / "t.h5") / 2);
  EXPECT_THROW(
      {
        PartitionReader r = PartitionReader::open(dir / "t.h5");
        Series s;
        r.read("X", s);
      },
      IoError);
  EXPECT_THROW(PartitionReader::open(dir / "missing.h5"), IoError);
}

TEST(Catalog, RoundTrips) {
  TempDir dir;
  Catalog c;
  c.mission = "SMAP";
  c.slice = kDay;
  c.params = {{"A-1", "", "telemetry", "A", ParamKind::numeric}, {"A-1.cmd1", "", "flag", "A", ParamKind::state}};
  c.partitions = {{"2001/01/SMAP_2001-01-01.h5", 0, kDay, 5, 100, 42, 4096, "xxh3-64:0123456789abcdef"}};
  c.events = {{10, 20, "anomaly", "A-1", "point", "rows 1-2"}};
  c.attributes["time_note"] = "rows every 60 s";
  write_catalog(dir / "catalog.h5", c);
  const Catalog r = read_catalog(dir / "catalog.h5");
  EXPECT_EQ(r.mission, c.mission);
  EXPECT_EQ(r.slice, c.slice);
  EXPECT_EQ(r.params, c.params);
  EXPECT_EQ(r.partitions, c.partitions);
  EXPECT_EQ(r.events, c.events);
  EXPECT_EQ(r.attributes, c.attributes);
  EXPECT_NE(r.find_param("A-1.cmd1"), nullptr);
  EXPECT_EQ(r.find_param("nope"), nullptr);
  EXPECT_EQ(r.overlapping(kDay, 2 * kDay).size(), 0u);
  EXPECT_EQ(r.overlapping(kDay - 1, kDay).size(), 1u);
  // No temporary left behind.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 1);
}

TEST(Archive, RefusesWhatIsNotAnArchive) {
  TempDir dir;
  EXPECT_THROW(Archive::open(dir / "missing"), IoError);
  EXPECT_THROW(Archive::open(dir.path()), IoError);
  test::write_text(dir / "file", "x");
  EXPECT_THROW(Archive::open(dir / "file"), IoError);
}

TEST(SortAndDedupe, LastOneWinsAndOrderIsStable) {
  std::vector<TimeNs> t = {5, 1, 3, 1, 5, 2};
  std::vector<double> v = {50, 10, 30, 11, 51, 20};
  EXPECT_EQ(sort_and_dedupe(t, v), 2);
  EXPECT_EQ(t, (std::vector<TimeNs>{1, 2, 3, 5}));
  EXPECT_EQ(v, (std::vector<double>{11, 20, 30, 51}));
  std::vector<TimeNs> sorted = {1, 2};
  std::vector<double> sv = {1, 2};
  EXPECT_EQ(sort_and_dedupe(sorted, sv), 0);
}

TEST(Catalog, EsaAdbEventFieldsRoundTripAndOlderCataloguesReadThemEmpty) {
  TempDir dir;
  Catalog c;
  c.mission = "ESA";
  c.params = {{"channel_1", "", "", "subsystem_1", ParamKind::numeric}};
  Event e{10, 20, "anomaly", "channel_1", "Anomaly", "first"};
  e.id = "id_1";
  e.subclass = "Spike";
  e.category = "Anomaly";
  e.dimensionality = "Multivariate";
  e.locality = "Local";
  e.length = "Subsequence";
  c.events = {e};
  write_catalog(dir / "catalog.h5", c);
  EXPECT_EQ(read_catalog(dir / "catalog.h5").events, c.events);
  // A catalogue written before the fields existed: the columns are missing.
  {
    const hid_t f = H5Fopen((dir / "catalog.h5").c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    for (const char* name : {"id", "subclass", "category", "dimensionality", "locality", "length"})
      ASSERT_GE(H5Ldelete(f, (std::string("events/") + name).c_str(), H5P_DEFAULT), 0);
    H5Fclose(f);
  }
  const auto old = read_catalog(dir / "catalog.h5").events;
  ASSERT_EQ(old.size(), 1u);
  EXPECT_EQ(old[0].text, "first");
  EXPECT_TRUE(old[0].id.empty() && old[0].category.empty() && old[0].length.empty());
}
