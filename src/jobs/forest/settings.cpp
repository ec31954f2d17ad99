// `kind = forest`: its keys, for the registry (help and the list of known keys); the runner
// checks their values and ranges as it reads them (forest.cpp, read_settings).
#include "jobs/engine/registry.hpp"
#include "jobs/forest/forest.hpp"

namespace telemine::jobs {

const KindSpec& forest_kind() {
  static const KindSpec kind = {
      "forest",
      "random forests (XGBoost) that explain parameters from the others and their lags",
      {
          {"target", KeyType::list, "", {}, {}, {}, "the parameters to explain: names and glob patterns (each gets its own forest)"},
          {"lags", KeyType::list, "", {}, {}, {}, "lags of every feature, comma list of durations (default 0), multiples of the grid"},
          {"grid", KeyType::duration, "1min", 1e6, 86400e9, {}, "resampling grid, last value held"},
          {"train-from", KeyType::text, "", {}, {}, {}, "start of the reference period (default: the job's start)"},
          {"train-to", KeyType::text, "", {}, {}, {}, "end of the reference period (default: the job's end); its last `holdout` share is held out"},
          {"holdout", KeyType::text, "", {}, {}, {}, "share of the reference period held out for the fit and the threshold (default 0.25)"},
          {"sigma", KeyType::text, "", {}, {}, {}, "novel where |residual| > mean + sigma x std of the held-out |residual| (default 5)"},
          {"trees", KeyType::text, "", {}, {}, {}, "trees per forest (default 100)"},
          {"depth", KeyType::text, "", {}, {}, {}, "maximum tree depth (default 8)"},
          {"subsample", KeyType::text, "", {}, {}, {}, "share of the rows per tree (default 0.632)"},
          {"colsample", KeyType::text, "", {}, {}, {}, "share of the features tried at each split (default 0.333)"},
          {"seed", KeyType::text, "", {}, {}, {}, "random seed (default 1)"},
          {"threads", KeyType::text, "", {}, {}, {}, "XGBoost threads per rank (default 1)"},
          {"model", KeyType::path, "", {}, {}, {}, "a folder of trained models (a forest job's models/) to score with instead of training"},
          {"model-dir", KeyType::path, "", {}, {}, {}, "where the trained models go (default OUTPUT/models)"},
      },
      run_forest,
  };
  return kind;
}

}  // namespace telemine::jobs
