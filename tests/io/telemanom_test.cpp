#include "io/telemanom.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <limits>

#include "core/error.hpp"
#include "core/comm.hpp"
#include "io/archive.hpp"
#include "io/npy.hpp"
#include "test_util.hpp"

using namespace telemine;
using namespace telemine::io;
using telemine::test::TempDir;

namespace {

// A small telemanom folder: channel A-1 with 3 columns, 4 train and 6 test rows.
void make_folder(const std::filesystem::path& dir, const std::string& labels) {
  std::filesystem::create_directories(dir / "train");
  std::filesystem::create_directories(dir / "test");
  write_npy(dir / "train" / "A-1.npy", {4, 3}, {0.1, 0, 1, 0.2, 1, 0, 0.3, 0, 0, 0.4, 1, 1});
  write_npy(dir / "test" / "A-1.npy", {6, 3}, {-0.5, 0, 0, 0.5, 0, 1, 1e-9, 1, 0, 0.7, 0, 0, 0.8, 0, 0, 0.9, 1, 1});
  test::write_text(dir / "labeled_anomalies.csv", labels);
}

const char* kHeader = "chan_id,spacecraft,anomaly_sequences,class,num_values\n";

}  // namespace

TEST(Telemanom, ReadsAChannelWithItsLabels) {
  TempDir dir;
  make_folder(dir.path(), std::string(kHeader) + "A-1,SMAP,\"[[1, 2], [2, 3], [5, 5]]\",\"[point, contextual, point]\",6\n"
                                                  "B-9,MSL,\"[[0, 1]]\",[point],10\n");
  EXPECT_EQ(list_telemanom_channels(dir.path()), std::vector<std::string>{"A-1"});
  const auto labels = read_telemanom_labels(dir / "labeled_anomalies.csv");
  ASSERT_EQ(labels.size(), 3u);  // [1,2] and [2,3] of A-1 merged; B-9 kept for its own folder
  EXPECT_EQ(labels[0].first_row, 1);
  EXPECT_EQ(labels[0].last_row, 3);
  EXPECT_EQ(labels[0].cls, "contextual+point");

  const IngestBatch b = read_telemanom_channel(dir.path(), "A-1", kMinute, labels);
  EXPECT_EQ(b.rows, 10);
  ASSERT_EQ(b.params.size(), 3u);
  EXPECT_EQ(b.params[0].name, "A-1");
  EXPECT_EQ(b.params[0].kind, ParamKind::numeric);
  EXPECT_EQ(b.params[2].name, "A-1.cmd2");
  EXPECT_EQ(b.params[2].kind, ParamKind::state);
  EXPECT_EQ(b.params[2].subsystem, "A");
  const Series& s = b.samples.at("A-1");
  ASSERT_EQ(s.size(), 10u);
  EXPECT_EQ(s.time[0], kTelemanomTrainEpoch);
  EXPECT_EQ(s.time[3], kTelemanomTrainEpoch + 3 * kMinute);
  EXPECT_EQ(s.time[4], kTelemanomTestEpoch);
  EXPECT_EQ(s.value[3], 0.4);
  EXPECT_EQ(s.value[6], 1e-9);
  EXPECT_EQ(b.samples.at("A-1.cmd1").value[5], 0);
  ASSERT_EQ(b.events.size(), 2u);
  EXPECT_EQ(b.events[0].start, kTelemanomTestEpoch + kMinute);
  EXPECT_EQ(b.events[0].end, kTelemanomTestEpoch + 4 * kMinute);
  EXPECT_EQ(b.events[1].start, kTelemanomTestEpoch + 5 * kMinute);
  EXPECT_EQ(b.events[1].kind, "anomaly");
  EXPECT_EQ(b.events[1].param, "A-1");
}

TEST(Telemanom, RefusesInconsistentInput) {
  TempDir dir;
  make_folder(dir.path(), std::string(kHeader) + "A-1,SMAP,\"[[1, 2]]\",[point],7\n");
  const auto labels = read_telemanom_labels(dir / "labeled_anomalies.csv");
  EXPECT_THROW(read_telemanom_channel(dir.path(), "A-1", kMinute, labels), IoError);  // 6 test rows, not 7
  EXPECT_THROW(read_telemanom_channel(dir.path(), "A-1", 100 * kDay, {}), IoError);   // train runs into 2001
  test::write_text(dir / "labeled_anomalies.csv", std::string(kHeader) + "A-1,SMAP,\"[[1, 2]]\",\"[point, point]\",6\n");
  try {
    read_telemanom_labels(dir / "labeled_anomalies.csv");
    FAIL();
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("labeled_anomalies.csv:2: 1 sequences but 2 classes"), std::string::npos) << e.what();
  }
  test::write_text(dir / "labeled_anomalies.csv", std::string(kHeader) + "A-1,SMAP,\"[[4, 9]]\",[point],6\n");
  EXPECT_THROW(read_telemanom_labels(dir / "labeled_anomalies.csv"), IoError);
  // Found by fuzzing: a channel listed twice with two test lengths let a label pass the end.
  test::write_text(dir / "labeled_anomalies.csv", std::string(kHeader) + "A-1,SMAP,\"[[0, 8]]\",[point],9\n" +
                                                      "A-1,SMAP,\"[[1, 2]]\",[point],6\n");
  try {
    read_telemanom_labels(dir / "labeled_anomalies.csv");
    ADD_FAILURE() << "two test lengths of one channel accepted";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("labeled_anomalies.csv:3: channel A-1 has 6 test rows here but 9"),
              std::string::npos) << e.what();
  }
  std::filesystem::remove(dir / "labeled_anomalies.csv");
  EXPECT_THROW(list_telemanom_channels(dir.path()), IoError);
}

// The real NASA SMAP data: every value of every channel exactly as in the .npy files, as read
// and after a round trip through the archive.
TEST(Telemanom, SmapIsReadExactly) {
  const std::filesystem::path tarball = TELEMINE_SOURCE_DIR "/../shared/data/smap.tar.xz";
  if (!std::filesystem::exists(tarball)) GTEST_SKIP() << "no " << tarball << ": SMAP check skipped";
  TempDir dir;
  const std::string cmd = "tar xJf '" + tarball.string() + "' -C '" + dir.path().string() + "'";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  const auto root = dir / "smap";
  const auto channels = list_telemanom_channels(root);
  EXPECT_EQ(channels.size(), 54u);
  const auto labels = read_telemanom_labels(root / "labeled_anomalies.csv");
  std::size_t events = 0;
  for (const auto& chan : channels) {
    const IngestBatch b = read_telemanom_channel(root, chan, kMinute, labels);
    events += b.events.size();
    const NpyArray train = read_npy(root / "train" / (chan + ".npy"));
    const NpyArray test = read_npy(root / "test" / (chan + ".npy"));
    ASSERT_EQ(b.params.size(), static_cast<std::size_t>(test.cols()));
    for (std::int64_t k = 0; k < test.cols(); ++k) {
      const Series& s = b.samples.at(b.params[k].name);
      ASSERT_EQ(s.size(), static_cast<std::size_t>(train.rows() + test.rows()));
      for (std::int64_t i = 0; i < train.rows(); ++i) ASSERT_EQ(s.value[i], train.at(i, k)) << chan << " train " << i;
      for (std::int64_t i = 0; i < test.rows(); ++i) ASSERT_EQ(s.value[train.rows() + i], test.at(i, k)) << chan << " test " << i;
    }
  }
  // 69 labelled sequences; P-2 is listed twice with overlapping sequences, merged here.
  EXPECT_GE(events, 67u);
  EXPECT_LE(events, 69u);

  // Through the whole ingest into an archive, and back: every value of every channel exact.
  Comm comm = Comm::local();
  IngestOptions o;
  o.archive = dir / "archive";
  o.mission = "SMAP";
  o.format = InputFormat::telemanom;
  o.inputs = {root};
  o.progress = false;
  ingest(o, comm);
  const Archive archive = Archive::open(o.archive);
  const Catalog cat = archive.catalog("SMAP");
  EXPECT_EQ(cat.params.size(), 54u * 25u);
  EXPECT_EQ(cat.events.size(), events);
  for (const auto& chan : channels) {
    const NpyArray train = read_npy(root / "train" / (chan + ".npy"));
    const NpyArray test = read_npy(root / "test" / (chan + ".npy"));
    for (std::int64_t k = 0; k < test.cols(); ++k) {
      const Series s = archive.read(cat, k == 0 ? chan : chan + ".cmd" + std::to_string(k));
      ASSERT_EQ(s.size(), static_cast<std::size_t>(train.rows() + test.rows())) << chan << " column " << k;
      for (std::int64_t i = 0; i < train.rows(); ++i) ASSERT_EQ(s.value[i], train.at(i, k)) << chan << " train " << i;
      for (std::int64_t i = 0; i < test.rows(); ++i) ASSERT_EQ(s.value[train.rows() + i], test.at(i, k)) << chan << " test " << i;
    }
  }
}

// As CSV: infinity is not telemetry. It used to be ingested from .npy files.
TEST(Telemanom, RefusesInfinityInTheArrays) {
  TempDir dir;
  make_folder(dir.path(), kHeader);
  write_npy(dir / "test" / "A-1.npy", {2, 1}, {0.5, -std::numeric_limits<double>::infinity()});
  write_npy(dir / "train" / "A-1.npy", {1, 1}, {0.5});
  try {
    read_telemanom_channel(dir.path(), "A-1", kMinute, {});
    FAIL();
  } catch (const IoError& e) {
    EXPECT_EQ(std::string(e.what()), (dir / "test" / "A-1.npy").string() +
                                         ": row 1, column 0: infinite value not allowed (NaN marks an invalid sample)");
  }
  write_npy(dir / "test" / "A-1.npy", {2, 1}, {0.5, std::numeric_limits<double>::quiet_NaN()});
  EXPECT_NO_THROW(read_telemanom_channel(dir.path(), "A-1", kMinute, {}));
}

TEST(Telemanom, EveryChannelHasItsTrainAndTestFile) {
  TempDir dir;
  make_folder(dir.path(), kHeader);
  EXPECT_EQ(list_telemanom_channels(dir.path()), std::vector<std::string>{"A-1"});
  write_npy(dir / "test" / "B-1.npy", {1, 1}, {0.5});
  try {
    list_telemanom_channels(dir.path());
    FAIL();
  } catch (const IoError& e) {
    EXPECT_EQ(std::string(e.what()), (dir / "test" / "B-1.npy").string() + ": no train/B-1.npy beside it");
  }
  std::filesystem::rename(dir / "test" / "B-1.npy", dir / "train" / "B-1.npy");
  EXPECT_THROW(list_telemanom_channels(dir.path()), IoError);
  std::filesystem::remove_all(dir / "train");
  EXPECT_THROW(list_telemanom_channels(dir.path()), IoError);
}

TEST(Telemanom, LabelsOfUnknownChannelsAreRefusedAtTheirLine) {
  TempDir dir;
  make_folder(dir.path(), std::string(kHeader) + "A-1,SMAP,\"[[1, 2]]\",[point],6\nZ-9,SMAP,\"[[0, 1]]\",[point],5\n");
  const auto labels = read_telemanom_labels(dir / "labeled_anomalies.csv");
  try {
    check_label_channels(dir / "labeled_anomalies.csv", labels, list_telemanom_channels(dir.path()));
    FAIL();
  } catch (const IoError& e) {
    EXPECT_EQ(std::string(e.what()),
              (dir / "labeled_anomalies.csv").string() + ":3: labels for channel 'Z-9', which has no test/Z-9.npy");
  }
}

TEST(Telemanom, APeriodThatRunsPastTheRangeIsRefused) {
  TempDir dir;
  make_folder(dir.path(), kHeader);
  EXPECT_THROW(read_telemanom_channel(dir.path(), "A-1", 100000 * kDay, {}), IoError);
  std::filesystem::remove(dir / "train" / "A-1.npy");
  EXPECT_THROW(read_telemanom_channel(dir.path(), "A-1", 30000 * kDay, {}), IoError);
}
