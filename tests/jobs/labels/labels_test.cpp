// The labels CSV of `telemine labels import|export` (jobs/labels/labels.hpp): written and read
// back, ESA-ADB's categories, ids, and every bad row refused with its file and line.
#include "jobs/labels/labels.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

using namespace telemine;
namespace L = telemine::jobs::labels;

namespace {

io::Catalog catalog() {
  io::Catalog c;
  c.mission = "M";
  c.params = {{"A"}, {"B"}};
  return c;
}

const std::string H = std::string(L::kCsvHeader) + "\n";

// The message of the UsageError `text` raises.
std::string error_of(const std::string& text, const io::Catalog& c = catalog()) {
  try {
    L::parse_csv(text, "f.csv", c);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "";
}

TEST(LabelsCsv, WritesAndReadsBackEveryField) {
  io::Event e{parse_time("2026-01-01T00:00:00Z"), parse_time("2026-01-01T01:00:00Z"), "anomaly", "A", "point",
              "stuck, at \"zero\"", "id_4", "sub", "Anomaly", "Univariate", "Local", "Point"};
  const std::string csv = L::to_csv({e});
  EXPECT_EQ(csv.substr(0, H.size()), H);
  const auto back = L::parse_csv(csv, "f.csv", catalog());
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0], e);
}

TEST(LabelsCsv, FillsCategoryFromKindAndKindFromCategory) {
  const auto v = L::parse_csv(H + "id_0,A,2026-01-01,2026-01-02,rare-nominal,,,,,,,\n"
                                  "id_1,B,2026-01-01,2026-01-02,,,,Communication Gap,,,,\n",
                              "f.csv", catalog());
  EXPECT_EQ(v[0].category, "Rare Event");
  EXPECT_EQ(v[1].kind, "gap");
  EXPECT_EQ(L::category_of_kind("anomaly"), "Anomaly");
  EXPECT_EQ(L::kind_of_category("Rare Nominal Event"), "rare-nominal");
  EXPECT_EQ(L::category_of_kind("command"), "");
}

TEST(LabelsCsv, OneIdOnSeveralParametersAndMissingIdsNumbered) {
  io::Catalog c = catalog();
  c.events.push_back({0, 1, "anomaly", "A", "", "", "id_7"});
  const auto v = L::parse_csv(H + "id_9,A,2026-01-01,2026-01-02,anomaly,point,,,,,,\nid_9,B,2026-01-01,2026-01-02,anomaly,point,,,,,,\n"
                                  ",A,2026-01-03,2026-01-04,anomaly,,,,,,,\n,B,2026-01-03,2026-01-04,anomaly,,,,,,,\n",
                              "f.csv", c);
  ASSERT_EQ(v.size(), 4u);
  EXPECT_EQ(v[2].id, "id_10");  // above every id of the catalogue and of the earlier lines
  EXPECT_EQ(v[3].id, "id_11");
  EXPECT_EQ(L::next_id(c), "id_8");
}

TEST(LabelsCsv, BadRowsNameTheirLine) {
  EXPECT_NE(error_of("id,param\n").find("f.csv:1: expected the header"), std::string::npos);
  EXPECT_NE(error_of("").find("f.csv:1: empty file"), std::string::npos);
  EXPECT_NE(error_of(H + "id_0,A,2026-01-01\n").find("f.csv:2: expected 12 fields, found 3"), std::string::npos);
  EXPECT_NE(error_of(H + "\nid_0,A,yesterday,2026-01-02,anomaly,,,,,,,\n").find("f.csv:3: "), std::string::npos);
  EXPECT_NE(error_of(H + "id_0,A,2026-01-02,2026-01-01,anomaly,,,,,,,\n").find("f.csv:2: end 2026-01-01T00:00:00Z is before start"),
            std::string::npos);
  EXPECT_NE(error_of(H + "id_0,C,2026-01-01,2026-01-02,anomaly,,,,,,,\n").find("f.csv:2: unknown parameter 'C' in mission M"),
            std::string::npos);
  EXPECT_NE(error_of(H + "id_0,A,2026-01-01,2026-01-02,,,,,,,,\n").find("f.csv:2: an event needs a kind"), std::string::npos);
  EXPECT_NE(error_of(H + "id_0,A,2026-01-01,2026-01-02,anomaly,point,,,,,,\nid_0,B,2026-01-01,2026-01-02,anomaly,contextual,,,,,,\n")
                .find("f.csv:3: id id_0 was given the type anomaly/point/"),
            std::string::npos);
  io::Catalog c = catalog();
  c.events.push_back({0, 1, "anomaly", "A", "point", "", "id_0", "", "Anomaly"});
  EXPECT_NE(error_of(H + "id_0,B,2026-01-01,2026-01-02,anomaly,contextual,,,,,,\n", c).find("f.csv:2: id id_0 has the type"),
            std::string::npos);
  EXPECT_EQ(error_of(H + "id_0,B,2026-01-01,2026-01-02,anomaly,point,,Anomaly,,,,\n", c), "");  // the same type: fine
}

TEST(LabelsFilter, MatchesFieldsAndOverlap) {
  io::Event e{parse_time("2026-01-02"), parse_time("2026-01-03"), "anomaly", "A", "point"};
  L::Filter f;
  EXPECT_TRUE(f.matches(e));
  f.param = "B";
  EXPECT_FALSE(f.matches(e));
  f = {};
  f.cls = "point";
  f.from = parse_time("2026-01-03");  // [from, to) overlapping (start, end): touching is not
  EXPECT_FALSE(f.matches(e));
  f.from = parse_time("2026-01-02T12:00");
  EXPECT_TRUE(f.matches(e));
  f.to = parse_time("2026-01-02");
  EXPECT_FALSE(f.matches(e));
}

}  // namespace
