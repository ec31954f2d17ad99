#pragma once
// The novelty job's settings, from its [novelty] section (the table is in settings.cpp).

#include <filesystem>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "kernels/thresholds.hpp"
#include "ml/autoencoder.hpp"
#include "ml/forecaster.hpp"

namespace telemine::jobs {
class Job;
}

namespace telemine::jobs::novelty {

/// features: mean, sd, min, max per period (autoencoder); window: raw grid windows (autoencoder);
/// forecast: the grid series, forecast by an LSTM (one row a grid step).
enum class ModelKind { features, window, forecast };
/// Window and forecast read the resampled grid; features read periods.
constexpr bool on_grid(ModelKind k) { return k != ModelKind::features; }
/// One model per parameter, per subsystem, one of every parameter, per explicit list, or per
/// channel (a name and its `NAME.*` parameters: telemanom's telemetry and command flags).
enum class GroupBy { parameter, subsystem, all, lists, channel };
using kernels::ThresholdMethod;
constexpr int kFeatures = 4;  // mean, standard deviation, min, max

struct Settings {
  ModelKind kind = ModelKind::features;
  std::filesystem::path load;    ///< a model folder to score with, instead of training
  DurationNs period = kHour;     ///< features
  DurationNs grid = kMinute;     ///< window
  int window = 30, stride = 30;  ///< window, in grid steps
  GroupBy group_by = GroupBy::subsystem;
  std::string group = "subsystem";              ///< as written, for product.json
  std::vector<std::vector<std::string>> lists;  ///< GroupBy::lists
  TimeNs train_from = kTimeMin, train_to = kTimeMax;
  std::vector<int> hidden;  ///< empty: from the inputs
  ml::TrainOptions train;
  ml::ForecastShape forecast;      ///< forecast: history, horizon, chunk, layers, dropout
  ml::ForecastOptions forecasting; ///< forecast: epochs, batch, validation, patience
  ThresholdMethod method = ThresholdMethod::pot;
  double method_value = 1e-3;
  DurationNs ndt_window = 0, ndt_smoothing = 0;  ///< ndt: 0 = one window, no smoothing
  std::filesystem::path model_dir;
  /// `model = FOLDER`: the reference period its models record (0, 0: not recorded).
  TimeNs saved_reference_from = 0, saved_reference_to = 0;
  int threads = 1;
};

/// The largest layer of a model (`hidden`): wider ones would not fit in memory.
constexpr int kMaxLayer = 4096;

/// Names as a job file writes them (`features`, `pot`), for model files and messages.
const char* name_of(ModelKind kind);
const char* name_of(ThresholdMethod method);

/// Throws JobError naming the file, line and key.
Settings read_settings(const Job& job);

}  // namespace telemine::jobs::novelty
