#pragma once
// What the novelty job's phases share: the run's context (settings, plan, parameters, models
// and who holds them) and the rows, models and novel rows that pass from phase to phase.

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "io/archive.hpp"
#include "jobs/engine/params.hpp"
#include "jobs/novelty/settings.hpp"
#include "jobs/plan.hpp"
#include "kernels/events.hpp"
#include "ml/autoencoder.hpp"

namespace telemine {
class Comm;
}

namespace telemine::jobs::novelty {

struct Param {
  int mission = 0;
  std::string name, display, subsystem;
  io::ParamKind kind = io::ParamKind::numeric;
};

/// The parameters of one model.
struct Group {
  std::string name;
  std::vector<std::int32_t> params;
};

/// The rows of one model: one per period (features) or window, inputs flattened row-major.
struct Rows {
  std::vector<TimeNs> start, end;
  std::vector<float> x;
  std::size_t size() const noexcept { return start.size(); }
};

/// Labelled anomalies by parameter display name, kept out of the reference rows.
using Labels = std::map<std::string, std::vector<kernels::Interval>>;

/// Per parameter and day: the features of every period, or the grid values (window model).
using Blocks = std::map<std::pair<std::int32_t, std::int64_t>, std::vector<double>>;

/// A novel row, sent to rank 0 to be merged into intervals (`model` is the group).
using Novel = kernels::NovelRow;

/// What one model is and learned, and how it scored its rows.
struct Model {
  std::vector<double> mean, sd;              ///< per input
  std::vector<double> ref_mean_q, ref_sd_q;  ///< per parameter: its reference errors
  double threshold = 1.0;                    ///< on row scores: multiples of the parameters' thresholds
  std::vector<double> threshold_q;           ///< per parameter, on its standardised error
  std::vector<double> score;                 ///< standardised, per row
  std::vector<double> score_q;               ///< per row and parameter: its own, as a multiple of its threshold
  std::vector<float> share;                  ///< per row and parameter: its part of the error
  std::int64_t reference_rows = 0;
  ml::TrainReport report;
  std::string file;
  bool resumed = false;  ///< loaded from the model file of an earlier, unfinished run

  /// The numbers a model file keeps besides the weights.
  void take_numbers(std::map<std::string, std::vector<double>>& numbers);
};

/// What this rank's models made of their rows: per model (group) its rows and what it learned,
/// and its novel rows with each one's shares per parameter of its group.
struct Results {
  std::map<std::int32_t, Rows> rows;
  std::map<std::int32_t, Model> models;
  std::vector<Novel> novel;
  std::vector<float> novel_share;
};

/// Where the scored range and the reference period meet, both clipped to the data (for a
/// loaded model, the reference period its files record).
struct Overlap {
  bool scored_overlaps_reference = false;
  bool train_to_past_data = false;
  TimeNs data_from = 0, data_to = 0;  ///< the plan's first sample and just after its last
  TimeNs reference_from = 0, reference_to = 0;
};

/// The run's context, fixed once the groups are made.
struct Context {
  const Job& job;
  const Comm& comm;
  Settings set;
  Plan plan;
  ParamIndex index;
  std::vector<Param> params;
  std::vector<Group> groups;
  bool data_parallel = false;  ///< one model trained on every rank
  std::int64_t per_day = 0;    ///< grid steps or periods a day
  Labels labelled;

  Context(const Job& job, const Comm& comm, Settings settings, Plan plan);
  /// The rank that holds group g's rows of `day`: the model's rank, or data-parallel the day's.
  int owner(std::int32_t g, std::int64_t day) const;
  /// The communicator of a data-parallel model, or nullptr.
  const Comm* dp() const { return data_parallel ? &comm : nullptr; }
  /// The inputs of group g's model.
  int inputs_of(std::int32_t g) const;
  /// The parameters of group g, one display name a line (what a model file records).
  std::string names_of(std::int32_t g) const;
  /// The scored range against the reference period.
  Overlap overlap() const;
};

}  // namespace telemine::jobs::novelty
