#pragma once
/// \file Novelty scoring of live samples with the models a novelty job saved (`telemine stream
/// --models DIR`). Each model's row is scored as soon as it is complete (the newest sample minus
/// the lateness has passed its end: no sample can enter it any more): a features model's period,
/// a window model's window (one every window, the job's default stride), a forecast model's grid
/// step (its forecast read from the rows since its chunk's history, ml/forecast_run.hpp). The
/// inputs, normalisation, network and threshold are the batch job's, so that an alert carries
/// the score the batch job gives that row with the same models. Models with a threshold fixed
/// at training (pot, sigma, quantile); dynamic thresholds, which judge the whole scored series,
/// are refused when the stream starts.

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.hpp"
#include "io/archive.hpp"

namespace telemine::stream {

/// One novel period of one model.
struct NoveltyAlert {
  std::string model, param;  ///< the model (its group) and its parameter with the largest error share
  TimeNs start = 0, end = 0;
  double score = 0;          ///< the row's score: above 1 is novel (novelty job's definition)
  std::string contributors;  ///< `A:0.71;B:0.20;(others):0.09`
};
/// One JSON line (with the line end): {"kind":"novelty","mission":...,"model":...,...}.
std::string novelty_json(std::string_view mission, const NoveltyAlert& a);
/// The archive's event: kind `alert`, [start, end), the model, score and contributors as text.
io::Event novelty_event(const NoveltyAlert& a);

class LiveNovelty {
 public:
  /// Loads every model file of `dir` (GROUP.pt); UsageError naming the file for one that cannot
  /// be scored online, or when there is none. `known`: the mission's parameters so far (a state
  /// one's grid holds its last value, as the novelty job resamples it; new ones are numeric).
  LiveNovelty(const std::filesystem::path& dir, const std::string& mission, DurationNs lateness,
              const std::vector<io::ParamInfo>& known);
  ~LiveNovelty();
  LiveNovelty(const LiveNovelty&) = delete;
  LiveNovelty& operator=(const LiveNovelty&) = delete;

  /// A sample taken into the stream (after the lateness check).
  void add(std::string_view param, TimeNs t, double v);
  /// Scores the periods complete once `newest` is the newest sample; appends the novel ones.
  void close_until(TimeNs newest, std::vector<NoveltyAlert>& out);
  /// Scores every period still open (the end of the stream).
  void close_all(std::vector<NoveltyAlert>& out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace telemine::stream
