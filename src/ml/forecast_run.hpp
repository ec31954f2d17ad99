#pragma once
/// \file A forecaster's one-step errors of rows that arrive one at a time (`telemine stream`
/// scoring a forecast model as each grid step completes), equal to what Forecaster::errors
/// gives for the whole run at once. A row's forecast reads from the start of its chunk, i.e.
/// `history` rows before the chunk's first row (Forecaster::errors plans chunks of `chunk`
/// forecasts from `history` rows into each run), so the rows since the current chunk's history
/// are kept, at most history + chunk of them.

#include <cstdint>
#include <span>
#include <vector>

#include "ml/forecaster.hpp"

namespace telemine::ml {

class ForecastRun {
 public:
  /// `step`: the time between consecutive rows of a run (the grid step).
  ForecastRun(const Forecaster& forecaster, std::int64_t step);

  /// A row at time t (its inputs as the forecaster reads them, normalised). A row that does not
  /// follow the previous one by `step` starts a new run.
  void add(std::int64_t t, std::span<const float> x);

  /// The rows added so far that have a forecast (at least `history` rows of their run before
  /// them) and were not taken before, in order: times, inputs (rows x inputs) and squared
  /// errors (rows x targets).
  struct Scored {
    std::vector<std::int64_t> time;
    std::vector<float> x, error;
  };
  Scored take();

 private:
  void score_pending();

  const Forecaster& f_;
  std::int64_t step_;
  std::size_t inputs_, history_, chunk_;
  std::vector<std::int64_t> times_;  // the kept rows of the current run
  std::vector<float> x_;
  std::size_t first_ = 0;   // run index of times_[0]
  std::size_t length_ = 0;  // rows of the current run so far
  std::size_t scored_ = 0;  // run index of the first row not yet scored
  Scored out_;
};

}  // namespace telemine::ml
