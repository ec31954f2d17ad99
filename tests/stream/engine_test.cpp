// The stream engine without a network: refusals, acks per client, lateness, recovery of a torn
// segment, and live reads that neither lose nor double a sample across a compaction.
#include "stream/engine.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "io/archive.hpp"
#include "io/live.hpp"
#include "stream/segment.hpp"
#include "test_util.hpp"

namespace telemine::stream {
namespace {

namespace fs = std::filesystem;

StreamOptions options(const test::TempDir& dir) {
  StreamOptions o;
  o.archive = dir / "arc";
  o.mission = "M";
  o.lateness = kMinute;
  o.compact_every = kHour;
  return o;
}

io::Series read(const fs::path& archive, const std::string& param) {
  const io::Archive a = io::Archive::open(archive);
  return a.read(a.catalog("M"), param);
}

bool take(StreamEngine& e, int client, std::int64_t number, std::string_view text, std::string* why = nullptr) {
  std::string refusal;
  const bool ok = e.line(client, number, text, refusal);
  if (why) *why = refusal;
  return ok;
}

constexpr TimeNs kT0 = 1767225600LL * kSecond;  // 2026-01-01

TEST(StreamEngine, RefusesMalformedLinesByNumberAndAcksEachClientApart) {
  test::TempDir dir;
  StreamEngine e(options(dir));
  const int a = e.add_client(), b = e.add_client();
  std::string why;
  EXPECT_TRUE(take(e, a, 1, "time,param,value"));
  EXPECT_TRUE(take(e, a, 2, "2026-01-01T00:00:00Z,X,1.5"));
  EXPECT_FALSE(take(e, a, 3, "2026-01-01T00:00:01Z,X,abc", &why));
  EXPECT_EQ(why, "3: invalid value 'abc'");
  EXPECT_FALSE(take(e, b, 7, "2026-01-01T00:00:01Z,X", &why));
  EXPECT_EQ(why, "7: expected 3 fields (time,param,value), got 2");
  EXPECT_FALSE(take(e, b, 8, "2026-01-01T00:00:01Z,a/b,1", &why));
  EXPECT_NE(why.find("8: parameter name 'a/b' contains '/'"), std::string::npos) << why;
  EXPECT_TRUE(take(e, b, 9, "1767225601000000000,\"Y,Z\",2\r"));
  EXPECT_TRUE(take(e, b, 10, "   "));
  EXPECT_EQ(e.acked(a), 0);
  EXPECT_EQ(e.pending(a), 1);
  ASSERT_TRUE(e.flush());
  EXPECT_EQ(e.acked(a), 1);
  EXPECT_EQ(e.acked(b), 1);
  EXPECT_EQ(e.counters().malformed, 3);
  // Durable means readable: the live segment is in every read.
  EXPECT_EQ(read(dir / "arc", "Y,Z").size(), 1u);
  e.finish();
  EXPECT_EQ(read(dir / "arc", "X").value, std::vector<double>{1.5});
}

TEST(StreamEngine, PlacesOutOfOrderSamplesAndRefusesLateOnes) {
  test::TempDir dir;
  StreamEngine e(options(dir));
  const int c = e.add_client();
  std::string why;
  EXPECT_TRUE(take(e, c, 1, std::to_string(kT0 + 30 * kSecond) + ",X,3"));
  EXPECT_TRUE(take(e, c, 2, std::to_string(kT0) + ",X,1"));  // 30 s behind: within a minute
  EXPECT_TRUE(take(e, c, 3, std::to_string(kT0 + 90 * kSecond) + ",X,4"));
  EXPECT_FALSE(take(e, c, 4, std::to_string(kT0 + 10 * kSecond) + ",X,2", &why));
  EXPECT_EQ(why.rfind("4: late: 2026-01-01T00:00:10Z is more than 1min", 0), 0u) << why;
  EXPECT_TRUE(take(e, c, 5, std::to_string(kT0 + 30 * kSecond) + ",X,3.5"));  // a duplicate: the last wins
  e.finish();
  const io::Series s = read(dir / "arc", "X");
  EXPECT_EQ(s.time, (std::vector<TimeNs>{kT0, kT0 + 30 * kSecond, kT0 + 90 * kSecond}));
  EXPECT_EQ(s.value, (std::vector<double>{1, 3.5, 4}));
  EXPECT_EQ(e.counters().late, 1);
  EXPECT_EQ(e.counters().acked, 4);
}

TEST(StreamEngine, RestartCutsATornLineAndCompactsWhatWasLeft) {
  test::TempDir dir;
  const fs::path live = dir / "arc" / "M" / "live";
  test::write_text(live / io::segment_file_name(3), "time,param,value\n" + std::to_string(kT0) + ",X,1\n" +
                                                        std::to_string(kT0 + kSecond) + ",X,2\n" +
                                                        std::to_string(kT0 + 2 * kSecond) + ",X,3.");
  test::write_text(live / io::segment_file_name(4), "time,pa");  // not even a whole header
  {
    StreamEngine e(options(dir));
    EXPECT_EQ(e.counters().recovered, 2);
    e.compact_now();
  }
  EXPECT_EQ(read(dir / "arc", "X").value, (std::vector<double>{1, 2}));
  EXPECT_TRUE(io::LiveSegments::read(dir / "arc" / "M").empty());
  const auto left = io::list_segments(dir / "arc" / "M");
  ASSERT_EQ(left.size(), 1u);  // the new active segment, numbered after the old ones
  EXPECT_EQ(left[0].filename(), io::segment_file_name(5));
}

TEST(StreamEngine, LiveReadsSeeEverySampleOnceAcrossACompaction) {
  test::TempDir dir;
  StreamEngine e(options(dir));
  const int c = e.add_client();
  for (int i = 0; i < 100; ++i) take(e, c, i + 1, std::to_string(kT0 + i * kSecond) + ",X," + std::to_string(i));
  ASSERT_TRUE(e.flush());
  const io::Series before = read(dir / "arc", "X");
  ASSERT_EQ(before.size(), 100u);
  e.compact_now();
  const io::Series after = read(dir / "arc", "X");
  EXPECT_EQ(after.time, before.time);
  EXPECT_EQ(after.value, before.value);
  // A new value at a compacted time, still live: one sample at that time, the new value.
  take(e, c, 101, std::to_string(kT0 + 50 * kSecond) + ",X,-1");
  ASSERT_TRUE(e.flush());
  const io::Series mixed = read(dir / "arc", "X");
  ASSERT_EQ(mixed.size(), 100u);
  EXPECT_EQ(mixed.value[50], -1);
  e.finish();
  EXPECT_EQ(read(dir / "arc", "X").value, mixed.value);
}

TEST(StreamEngine, OneStreamPerMission) {
  test::TempDir dir;
  StreamEngine e(options(dir));
  EXPECT_THROW(StreamEngine{options(dir)}, IoError);
}

}  // namespace
}  // namespace telemine::stream
