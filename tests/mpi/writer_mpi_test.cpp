#include <gtest/gtest.h>

#include <filesystem>

#include "core/comm.hpp"
#include "core/error.hpp"
#include "io/archive.hpp"

using namespace telemine;
using namespace telemine::io;

namespace {
const TimeNs kDay0 = 1767225600LL * kSecond;

// A folder shared by all ranks (named by rank 0, broadcast).
std::filesystem::path shared_dir(const Comm& comm) {
  std::string path;
  if (comm.is_root()) {
    char tmpl[] = "/tmp/telemine-mpi-XXXXXX";
    path = mkdtemp(tmpl);
  }
  comm.broadcast_bytes(path);
  return path;
}
}  // namespace

TEST(MissionWriterMpi, RanksWriteTheirOwnSlicesAndOneCatalogue) {
  Comm comm = Comm::world();
  const auto dir = shared_dir(comm);
  {
    MissionWriter w = MissionWriter::open(dir, "M", comm);
    w.declare({"X", "", "", "", ParamKind::numeric});
    // 5 days over the ranks; with 3+ ranks some rank gets fewer, and a rank may get none.
    for (int d = comm.rank(); d < 5; d += comm.size()) {
      std::map<std::string, Series, std::less<>> data;
      data["X"].time = {kDay0 + d * kDay, kDay0 + d * kDay + kHour};
      data["X"].value = {static_cast<double>(d), -static_cast<double>(d)};
      w.write_slice(kDay0 + d * kDay, data);
    }
    const auto r = w.commit();
    EXPECT_EQ(r.partitions_written, 5);
    EXPECT_EQ(r.samples, 10);
  }
  comm.barrier();
  const Catalog c = Archive::open(dir).catalog("M");
  ASSERT_EQ(c.partitions.size(), 5u);
  const Series s = Archive::open(dir).read(c, "X");
  ASSERT_EQ(s.size(), 10u);
  EXPECT_EQ(s.value[9], -4);
  comm.barrier();
  if (comm.is_root()) std::filesystem::remove_all(dir);
}

TEST(MissionWriterMpi, AFailureOnOneRankLeavesNothingBehind) {
  Comm comm = Comm::world();
  const auto dir = shared_dir(comm);
  bool threw = false;
  try {
    MissionWriter w = MissionWriter::open(dir, "M", comm);
    comm.run_phase([&] {
      std::map<std::string, Series, std::less<>> data;
      data["X"].time = {kDay0 + comm.rank() * kDay};
      data["X"].value = {1};
      w.write_slice(kDay0 + comm.rank() * kDay, data);
      if (comm.rank() == comm.size() - 1) throw IoError("input.csv:3: bad number");
    });
    w.commit();
  } catch (const Error&) {
    threw = true;
  }
  EXPECT_TRUE(threw);
  comm.barrier();
  if (comm.is_root()) {
    EXPECT_FALSE(std::filesystem::exists(dir / "M" / "catalog.h5"));
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
      EXPECT_FALSE(e.is_regular_file() && (e.path().extension() == ".h5" || e.path().string().find(".tmp-") != std::string::npos)) << e.path();
    std::filesystem::remove_all(dir);
  }
}
