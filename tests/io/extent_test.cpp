#include "io/extent.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "core/error.hpp"
#include "test_util.hpp"

using namespace telemine;
using namespace telemine::io;
using telemine::test::TempDir;

namespace {

std::map<std::string, Series, std::less<>> sample_data() {
  std::map<std::string, Series, std::less<>> data;
  Series& a = data["A"];
  for (int i = 0; i < 5000; ++i) a.time.push_back(1000 + 7 * i), a.value.push_back(i % 11 == 0 ? std::nan("") : 0.25 * i);
  data["EMPTY"] = Series{};
  return data;
}

void expect_same(const Series& a, const Series& b) {
  ASSERT_EQ(a.time, b.time);
  ASSERT_EQ(a.value.size(), b.value.size());
  for (std::size_t i = 0; i < a.value.size(); ++i)
    ASSERT_TRUE(a.value[i] == b.value[i] || (std::isnan(a.value[i]) && std::isnan(b.value[i]))) << i;
}

}  // namespace

// pread of the extent gives exactly what HDF5 reads, for any range, appended like read().
TEST(Extent, ReadsWhatPartitionReaderReads) {
  TempDir dir;
  write_partition_file(dir / "p.h5", sample_data());
  const auto e = sample_extent(dir / "p.h5", "A");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->count, 5000);
  const PartitionReader r = PartitionReader::open(dir / "p.h5");
  for (const auto& [from, to] : {std::pair{kTimeMin, kTimeMax}, std::pair<TimeNs, TimeNs>{1000, 1001},
                                 std::pair<TimeNs, TimeNs>{2000, 30000}, std::pair<TimeNs, TimeNs>{90000, 99000}}) {
    Series expected = sample_data()["A"], got = expected;  // both append to samples already there
    r.read("A", from, to, expected);
    read_extent(dir / "p.h5", *e, from, to, got);
    expect_same(got, expected);
  }
  const auto empty = sample_extent(dir / "p.h5", "EMPTY");
  ASSERT_TRUE(empty);
  Series s;
  read_extent(dir / "p.h5", *empty, kTimeMin, kTimeMax, s);
  EXPECT_TRUE(s.time.empty());
  EXPECT_FALSE(sample_extent(dir / "p.h5", "NOPE"));
}

// Chunked or compressed samples have no single extent: the caller reads them through HDF5.
TEST(Extent, OtherLayoutsHaveNone) {
  TempDir dir;
  write_partition_file(dir / "c.h5", sample_data(), SampleLayout{1024, 1, true});
  EXPECT_FALSE(sample_extent(dir / "c.h5", "A"));
}

TEST(Extent, ATruncatedFileIsAnErrorNamingIt) {
  TempDir dir;
  write_partition_file(dir / "p.h5", sample_data());
  const auto e = sample_extent(dir / "p.h5", "A");
  ASSERT_TRUE(e);
  std::filesystem::resize_file(dir / "p.h5", e->value_offset + 100);
  Series s;
  try {
    read_extent(dir / "p.h5", *e, kTimeMin, kTimeMax, s);
    FAIL() << "no error";
  } catch (const IoError& x) {
    EXPECT_NE(std::string(x.what()).find("p.h5"), std::string::npos) << x.what();
  }
}
