// Compaction of a segment large enough to be parsed in pieces on several threads: the same
// samples, in the same order (a later duplicate in another piece still wins), and a bad line
// in a later piece named by its own line number.
#include "stream/compactor.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "core/error.hpp"
#include "io/archive.hpp"
#include "io/live.hpp"
#include "test_util.hpp"

namespace telemine::stream {
namespace {

namespace fs = std::filesystem;
constexpr TimeNs kT0 = 1767225600LL * kSecond;  // 2026-01-01
constexpr int kLines = 600000;                  // about 20 MB: three pieces of 8 MB

// kLines samples of A, B, C a second apart; the last line sends A's first sample again.
fs::path write_segment(const fs::path& archive, const std::string& bad_line = {}) {
  const fs::path live = io::live_dir(archive / "M");
  fs::create_directories(live);
  const fs::path file = live / io::segment_file_name(1);
  std::ofstream out(file, std::ios::binary);
  out << "time,param,value\n";
  for (int i = 0; i < kLines; ++i) {
    out << kT0 + (i / 3) * kSecond << ',' << "ABC"[i % 3] << ',' << i << '\n';
    if (!bad_line.empty() && i == kLines - 10) out << bad_line << '\n';
  }
  out << kT0 << ",A,-1\n";
  return file;
}

TEST(Compactor, ASegmentParsedInPiecesKeepsTheOrderOfItsLines) {
  test::TempDir dir;
  write_segment(dir / "arc");
  EXPECT_EQ(compact_segments(dir / "arc", "M", kDay, 2), 1u);
  const io::Archive a = io::Archive::open(dir / "arc");
  const io::Series s = a.read(a.catalog("M"), "A");
  ASSERT_EQ(s.size(), static_cast<std::size_t>(kLines / 3));
  EXPECT_EQ(s.value[0], -1);  // the later sample at that time, from the last piece
  EXPECT_EQ(s.value[1], 3);
  EXPECT_EQ(s.value.back(), kLines - 3);
  EXPECT_TRUE(io::list_segments(dir / "arc" / "M").empty());
}

TEST(Compactor, ABadLineInALaterPieceIsNamedByItsNumberAndTheSegmentStays) {
  test::TempDir dir;
  write_segment(dir / "arc", "oops");
  try {
    compact_segments(dir / "arc", "M", kDay, 2);
    FAIL() << "a bad line must stop the compaction";
  } catch (const IoError& e) {
    // Line 1 is the header; the bad one follows sample kLines - 10, i.e. line kLines - 10 + 2.
    EXPECT_NE(std::string(e.what()).find("segment-00000001.csv:" + std::to_string(kLines - 10 + 2 + 1) + ":"), std::string::npos)
        << e.what();
  }
  EXPECT_EQ(io::list_segments(dir / "arc" / "M").size(), 1u);
}

TEST(Compactor, ASegmentTheStreamHasParsedIsNotParsedAgain) {
  test::TempDir dir;
  write_segment(dir / "arc");
  // What the stream kept of segment 1 (here: deliberately not the file's lines, to see which
  // one the compaction used), and nothing of a segment 2 that is not there.
  ParsedSegments parsed;
  parsed[1]["A"] = io::Series{{kT0, kT0 + kSecond}, {7, 8}};
  parsed[2]["A"] = io::Series{{kT0 + 5 * kSecond}, {9}};
  EXPECT_EQ(compact_segments(dir / "arc", "M", kDay, 2, &parsed), 1u);
  const io::Archive a = io::Archive::open(dir / "arc");
  const io::Series s = a.read(a.catalog("M"), "A");
  EXPECT_EQ(s.value, std::vector<double>({7, 8}));
  EXPECT_EQ(a.catalog("M").find_param("B"), nullptr);
  EXPECT_EQ(parsed.count(1), 0u);  // used, moved out
  EXPECT_EQ(parsed.count(2), 1u);  // not this compaction's
}

}  // namespace
}  // namespace telemine::stream
