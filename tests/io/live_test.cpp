#include "io/live.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "core/error.hpp"
#include "test_util.hpp"

using namespace telemine;
using namespace telemine::io;
using telemine::test::TempDir;

namespace {

void append(const std::filesystem::path& file, const std::string& text) {
  std::ofstream(file, std::ios::app) << text;
}

std::vector<double> values_of(const LiveView& v, const std::string& param) {
  Series s;
  v.append(param, kTimeMin, kTimeMax, s);
  return s.value;
}

}  // namespace

TEST(LiveTail, ReadsOnlyWholeLinesAndOnlyWhatIsNew) {
  TempDir dir;
  const auto live = live_dir(dir.path());
  std::filesystem::create_directories(live);
  const auto seg = live / segment_file_name(1);
  append(seg, "time,param,value\n10,A,1\n20,B,2\n30,A,3");  // the last line not yet whole
  LiveTail tail(dir.path());
  EXPECT_TRUE(tail.refresh());
  const auto first = tail.view();
  EXPECT_EQ(first->samples(), 2);
  EXPECT_EQ(values_of(*first, "A"), std::vector<double>({1}));
  EXPECT_FALSE(tail.refresh());  // nothing new: the same view, the same version
  EXPECT_EQ(tail.view(), first);
  append(seg, "\n40,C,4\n");
  EXPECT_TRUE(tail.refresh());
  EXPECT_EQ(values_of(*tail.view(), "A"), std::vector<double>({1, 3}));
  EXPECT_EQ(tail.view()->params(), std::vector<std::string>({"A", "B", "C"}));
  EXPECT_EQ(first->samples(), 2);  // a view taken before does not move
  Series s;
  tail.view()->append("A", 15, 31, s);
  EXPECT_EQ(s.time, std::vector<TimeNs>({30}));
}

TEST(LiveTail, ForgetsCompactedSegmentsAndKeepsItsPlaceOnABadLine) {
  TempDir dir;
  const auto live = live_dir(dir.path());
  std::filesystem::create_directories(live);
  append(live / segment_file_name(1), "time,param,value\n10,A,1\n");
  append(live / segment_file_name(2), "time,param,value\n20,A,2\n");
  LiveTail tail(dir.path());
  tail.refresh();
  EXPECT_EQ(values_of(*tail.view(), "A"), std::vector<double>({1, 2}));
  std::filesystem::remove(live / segment_file_name(1));  // compacted
  EXPECT_TRUE(tail.refresh());
  EXPECT_EQ(values_of(*tail.view(), "A"), std::vector<double>({2}));
  const auto before = tail.version();
  append(live / segment_file_name(2), "30,A,3\nnot a line\n");
  try {
    tail.refresh();
    FAIL() << "a malformed line must throw";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("segment-00000002.csv:4:"), std::string::npos) << e.what();
  }
  EXPECT_EQ(tail.version(), before);
  EXPECT_EQ(values_of(*tail.view(), "A"), std::vector<double>({2}));
}

TEST(LiveTail, NoLiveFolderIsAnEmptyTail) {
  TempDir dir;
  LiveTail tail(dir.path());
  EXPECT_FALSE(tail.refresh());
  EXPECT_TRUE(tail.view()->empty());
}
