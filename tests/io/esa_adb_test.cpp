// ESA-ADB's layout (io/esa_adb.hpp): CSV records, telemine's export folder, ESA-ADB's published
// preprocessed CSVs, scaling.csv, and malformed files refused with their line.
#include "io/esa_adb.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.hpp"
#include "test_util.hpp"

using namespace telemine;
using telemine::test::TempDir;
using telemine::test::write_text;

namespace {

TimeNs at(const char* iso) { return parse_time(iso); }

// The value of a series at time `t` (the batch holds the files' rows in file order).
double value_at(const io::Series& x, const char* t) {
  for (std::size_t i = 0; i < x.size(); ++i)
    if (x.time[i] == at(t)) return x.value[i];
  ADD_FAILURE() << "no sample at " << t;
  return 0;
}

TEST(EsaAdbCsv, SplitsAndQuotesRecordsAsRfc4180) {
  EXPECT_EQ(io::split_csv("a,\"b,c\",\"d\"\"e\",\r"), (std::vector<std::string>{"a", "b,c", "d\"e", ""}));
  EXPECT_EQ(io::split_csv(""), (std::vector<std::string>{""}));
  EXPECT_EQ(io::csv_field("plain"), "plain");
  EXPECT_EQ(io::csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(io::csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(io::split_csv(io::csv_field("x,\"y\"\n")), (std::vector<std::string>{"x,\"y\"\n"}));
}

void telemine_folder(const TempDir& d) {
  write_text(d / "channels.csv",
             "Channel,Subsystem,Physical Unit,Group,Target,Categorical\nA,power,V,power,YES,NO\nM,aocs,,aocs,NO,YES\n");
  write_text(d / "labels.csv", "ID,Channel,StartTime,EndTime\nid_0,A,2026-01-01T00:00:30Z,2026-01-01T00:01:00Z\n"
                               "id_0,M,2026-01-01T00:00:30Z,2026-01-01T00:01:00Z\nid_1,A,2026-01-01T00:01:30Z,2026-01-01T00:01:30Z\n");
  write_text(d / "anomaly_types.csv", "ID,Class,Subclass,Category,Dimensionality,Locality,Length\n"
                                      "id_0,contextual,,Anomaly,Multivariate,Local,Subsequence\nid_1,,,Rare Event,Univariate,Global,Point\n");
  write_text(d / "events.csv", "ID,Event,StartTime,EndTime\nev_1,\"command: safe, mode\",2026-01-01T00:00:00Z,2026-01-01T00:00:00Z\n");
  write_text(d / "telecommands.csv", "Telecommand,Priority\n");
  write_text(d / "train.csv", "timestamp,A,M,is_anomaly_A\n2026-01-01T00:00:00Z,1.5,2,0\n2026-01-01T00:00:30Z,,3,1\n");
  write_text(d / "test.csv", "timestamp,A,M,is_anomaly_A\n2026-01-01T00:01:00Z,nan,3,1\n");
}

TEST(EsaAdbRead, TelemineExportFolder) {
  TempDir d;
  telemine_folder(d);
  const auto b = io::read_esa_adb(d.path());
  ASSERT_EQ(b.params.size(), 2u);
  EXPECT_EQ(b.params[0].unit, "V");
  EXPECT_EQ(b.params[0].subsystem, "power");
  EXPECT_EQ(b.params[1].kind, io::ParamKind::state);
  const auto& a = b.samples.at("A");
  ASSERT_EQ(a.size(), 2u);  // the empty cell is no sample; nan is an invalid sample
  EXPECT_EQ(value_at(a, "2026-01-01T00:00:00Z"), 1.5);
  EXPECT_TRUE(std::isnan(value_at(a, "2026-01-01T00:01:00Z")));
  EXPECT_EQ(b.samples.at("M").size(), 3u);
  EXPECT_EQ(b.rows, 3);
  ASSERT_EQ(b.events.size(), 4u);
  EXPECT_EQ(b.events[0].id, "id_0");
  EXPECT_EQ(b.events[0].kind, "anomaly");
  EXPECT_EQ(b.events[0].cls, "contextual");
  EXPECT_EQ(b.events[1].param, "M");
  EXPECT_EQ(b.events[1].dimensionality, "Multivariate");
  EXPECT_EQ(b.events[2].kind, "rare-nominal");
  EXPECT_EQ(b.events[2].start, b.events[2].end);
  EXPECT_EQ(b.events[3].kind, "command");
  EXPECT_EQ(b.events[3].text, "safe, mode");
}

TEST(EsaAdbRead, UndoesScalingCsv) {
  TempDir d;
  telemine_folder(d);
  write_text(d / "scaling.csv", "Channel,Min,Max\nA,10,20\nM,3,3\n");
  const auto b = io::read_esa_adb(d.path());
  EXPECT_EQ(value_at(b.samples.at("A"), "2026-01-01T00:00:00Z"), 25);  // 10 + 1.5 * 10
  EXPECT_EQ(value_at(b.samples.at("M"), "2026-01-01T00:00:00Z"), 5);   // a constant channel: 3 + v
  write_text(d / "scaling.csv", "Channel,Min,Max\nA,20,10\n");
  EXPECT_THROW(io::read_esa_adb(d.path()), IoError);
}

TEST(EsaAdbRead, MalformedFilesNameTheirLine) {
  TempDir d;
  telemine_folder(d);
  write_text(d / "labels.csv", "ID,Channel,StartTime,EndTime\nid_0,A,2026-01-01T00:01:00Z,2026-01-01T00:00:00Z\n");
  try {
    io::read_esa_adb(d.path());
    FAIL();
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("labels.csv:2: EndTime before StartTime"), std::string::npos) << e.what();
  }
  telemine_folder(d);
  write_text(d / "test.csv", "timestamp,A,M,is_anomaly_A\n2026-01-01T00:01:00Z,x1,3,1\n");
  try {
    io::read_esa_adb(d.path());
    FAIL();
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("test.csv:2: invalid number 'x1' for A"), std::string::npos) << e.what();
  }
  telemine_folder(d);
  write_text(d / "test.csv", "timestamp,A,B\n2026-01-01T00:01:00Z,1,2\n");
  EXPECT_THROW(io::read_esa_adb(d.path()), IoError);  // B is not in channels.csv
}

// As ESA-ADB's notebooks/data-prep scripts write them: pandas' floats, `%Y-%m-%d %H:%M:%S`,
// AnnotationLabel values; train files that overlap (3_months and 10_months start together).
TEST(EsaAdbRead, PublishedPreprocessedCsvs) {
  TempDir d;
  const std::string h = "timestamp,channel_1,telecommand_2,is_anomaly_channel_1,is_anomaly_telecommand_2\n";
  write_text(d / "3_months.train.csv", h + "2000-01-01 00:00:00,0.5,0.0,0,0\n2000-01-01 00:00:30,1.0,1.0,1,0\n"
                                           "2000-01-01 00:01:00,1.5,0.0,1,0\n2000-01-01 00:01:30,2.0,0.0,2,3\n");
  write_text(d / "10_months.train.csv", h + "2000-01-01 00:00:00,0.5,0.0,0,0\n2000-01-01 00:00:30,1.0,1.0,1,0\n"
                                            "2000-01-01 00:01:00,1.5,0.0,1,0\n2000-01-01 00:01:30,2.0,0.0,2,3\n"
                                            "2000-01-01 00:02:00,2.5,0.0,0,3\n");
  write_text(d / "datasets.csv", "collection_name,dataset_name\nESA-Mission1,3_months\n");  // TimeEval's index
  const auto b = io::read_esa_adb(d.path());
  ASSERT_EQ(b.params.size(), 2u);
  EXPECT_EQ(b.params[1].name, "telecommand_2");
  EXPECT_EQ(b.params[1].kind, io::ParamKind::state);
  EXPECT_EQ(b.samples.at("channel_1").time.front(), at("2000-01-01T00:00:00Z"));
  ASSERT_EQ(b.events.size(), 4u);  // the same runs in both files kept once, the longer gap too
  EXPECT_EQ(b.events[0].param, "channel_1");
  EXPECT_EQ(b.events[0].kind, "anomaly");
  EXPECT_EQ(b.events[0].category, "Anomaly");
  EXPECT_EQ(b.events[0].start, at("2000-01-01T00:00:30Z"));
  EXPECT_EQ(b.events[0].end, at("2000-01-01T00:01:00Z"));
  EXPECT_EQ(b.events[0].id, "id_0");
  EXPECT_EQ(b.events[1].kind, "rare-nominal");
  EXPECT_EQ(b.events[1].start, b.events[1].end);
  EXPECT_EQ(b.events[2].kind, "gap");
  EXPECT_EQ(b.events[2].param, "telecommand_2");
  EXPECT_EQ(b.events[2].end, at("2000-01-01T00:01:30Z"));  // 3_months ends the gap earlier
  EXPECT_EQ(b.events[3].end, at("2000-01-01T00:02:00Z"));
  EXPECT_EQ(b.events[3].id, "id_3");
  write_text(d / "bad.csv", h + "2000-01-01 00:00:00,0.5,0.0,0,0.5\n");
  try {
    io::read_esa_adb(d.path());
    FAIL();
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("bad.csv:2: is_anomaly_telecommand_2 must be 0 to 4"), std::string::npos) << e.what();
  }
  TempDir empty;
  EXPECT_THROW(io::read_esa_adb(empty.path()), IoError);
}

}  // namespace
