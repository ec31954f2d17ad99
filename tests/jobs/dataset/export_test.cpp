// `dataset export --split` (jobs/dataset/export.hpp): the splits parsed, and bad ones refused
// naming the option or job key they came from.
#include "jobs/dataset/export.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

using namespace telemine;
namespace D = telemine::jobs::dataset;

namespace {

std::string error_of(const std::string& text, const std::string& name = "--split") {
  try {
    D::parse_splits(text, name);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "";
}

TEST(DatasetSplits, ParsesNamesAndSpans) {
  const auto s = D::parse_splits("train:2026-01-01..2026-01-02,test:2026-01-02..2026-01-02T23:00");
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].name, "train");
  EXPECT_EQ(s[0].from, parse_time("2026-01-01"));
  EXPECT_EQ(s[1].to, parse_time("2026-01-02T23:00"));
}

TEST(DatasetSplits, BadSplitsNameTheOptionOrKey) {
  EXPECT_EQ(error_of("train"), "--split: train: expected NAME:FROM..TO, e.g. train:2026-01-01..2026-01-02");
  EXPECT_EQ(error_of("train:2026-01-02..2026-01-01"), "--split: train:2026-01-02..2026-01-01: a name and FROM before TO");
  EXPECT_EQ(error_of(":2026-01-01..2026-01-02"), "--split: :2026-01-01..2026-01-02: a name and FROM before TO");
  EXPECT_NE(error_of("train:2026-01-01..soon").find("--split: train:2026-01-01..soon: "), std::string::npos);
  EXPECT_EQ(error_of("a:2026-01-01..2026-01-02,a:2026-01-02..2026-01-03"), "--split: the split a is given twice");
  EXPECT_NE(error_of("a/b:2026-01-01..2026-01-02").find("a split's name is a file name"), std::string::npos);
  EXPECT_EQ(error_of("train", "job.ini:9: key 'dataset.split'"),
            "job.ini:9: key 'dataset.split': train: expected NAME:FROM..TO, e.g. train:2026-01-01..2026-01-02");
}

}  // namespace
