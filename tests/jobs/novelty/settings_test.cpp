#include "jobs/novelty/settings.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "jobs/job.hpp"

using namespace telemine;
using namespace telemine::jobs;
using namespace telemine::jobs::novelty;

namespace {

Settings settings_of(std::vector<std::string> extra) {
  std::vector<std::string> args = {"--archive", "a", "--mission", "M", "--output", "o"};
  args.insert(args.end(), extra.begin(), extra.end());
  return read_settings(Job::parse({}, args, "novelty"));
}

std::string error_of(std::vector<std::string> extra) {
  try {
    settings_of(std::move(extra));
  } catch (const JobError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(NoveltySettings, GroupsAndThresholdMethodsAreEnums) {
  const Settings d = settings_of({});
  EXPECT_EQ(d.kind, ModelKind::features);
  EXPECT_EQ(d.group_by, GroupBy::subsystem);
  EXPECT_EQ(d.method, ThresholdMethod::pot);
  EXPECT_DOUBLE_EQ(d.method_value, 0.001);
  EXPECT_EQ(d.stride, d.window);  // the stride defaults to the window
  EXPECT_EQ(settings_of({"--group", "all"}).group_by, GroupBy::all);
  EXPECT_EQ(settings_of({"--group", "parameter"}).group_by, GroupBy::parameter);
  const Settings lists = settings_of({"--group", "A*, B; C*"});
  EXPECT_EQ(lists.group_by, GroupBy::lists);
  EXPECT_EQ(lists.lists, (std::vector<std::vector<std::string>>{{"A*", "B"}, {"C*"}}));
  EXPECT_EQ(lists.group, "A*, B; C*");  // as written, for product.json
  for (const auto& [text, method] : {std::pair{"sigma:4", ThresholdMethod::sigma}, std::pair{"quantile:0.99", ThresholdMethod::quantile},
                                     std::pair{"ndt:0", ThresholdMethod::ndt}, std::pair{"telemanom:0.13", ThresholdMethod::telemanom}}) {
    const Settings s = settings_of({"--threshold", text});
    EXPECT_EQ(s.method, method) << text;
    EXPECT_EQ(std::string(name_of(s.method)) + ":", std::string(text).substr(0, std::string(text).find(':') + 1));
  }
  EXPECT_EQ(settings_of({"--model", "window", "--window", "12"}).kind, ModelKind::window);
  EXPECT_STREQ(name_of(ModelKind::window), "window");
}

TEST(NoveltySettings, BadValuesNameTheKey) {
  for (const char* bad : {"pot:7", "pot", "sigma:0", "quantile:1", "ndt:-0.1", "Pot:0.1", "spot:0.1", "telemanom:x"})
    EXPECT_NE(error_of({"--threshold", bad}).find("key 'novelty.threshold'"), std::string::npos) << bad;
  EXPECT_NE(error_of({"--model", "windows"}).find("key 'novelty.model': 'windows' is not features, window, forecast or an existing folder"),
            std::string::npos);
  EXPECT_NE(error_of({"--group", " ; "}).find("key 'novelty.group'"), std::string::npos);
  EXPECT_NE(error_of({"--period", "7min"}).find("key 'novelty.period': must divide one day"), std::string::npos);
  EXPECT_NE(error_of({"--hidden", "64, 0"}).find("key 'novelty.hidden'"), std::string::npos);
}
