// `kind = dataset`: its keys, for the registry (help, validation, typed getters).
#include "jobs/dataset/export.hpp"
#include "jobs/engine/registry.hpp"

namespace telemine::jobs {

const KindSpec& dataset_kind() {
  static const KindSpec kind = {
      "dataset",
      "a benchmark dataset cut from the archive (ESA-ADB or telemanom layout)",
      {
          {"split", KeyType::text, "", {}, {}, {},
           "NAME:FROM..TO[,NAME:FROM..TO...], e.g. train:2026-01-01..2026-01-05,test:2026-01-05..2026-01-08"},
          {"grid", KeyType::duration, "30s", 1e6, 86400e9, {}, "time between rows"},
          {"format", KeyType::choice, "esa-adb", {}, {}, {"esa-adb", "telemanom"}, "the dataset's layout"},
          {"targets", KeyType::list, "", {}, {}, {}, "channels with an is_anomaly column (default: all)"},
          {"anonymise", KeyType::choice, "no", {}, {}, {"yes", "no"}, "publish the channels as channel_1, channel_2, ..."},
          {"drop-rare-nominal", KeyType::choice, "no", {}, {}, {"yes", "no"}, "leave rare nominal events out of the labels"},
          {"scale", KeyType::choice, "none", {}, {}, {"none", "minmax"}, "min-max scaling fitted on the train split, applied to every split (scaling.csv)"},
          {"restore-labelled", KeyType::choice, "yes", {}, {}, {"yes", "no"}, "keep labelled samples between grid times as ESA-ADB does"},
      },
      dataset::run_export_job,
  };
  return kind;
}

}  // namespace telemine::jobs
