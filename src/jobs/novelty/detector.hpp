#pragma once
// What a novelty model is to the job: a trained network that gives every row of its group an
// error per input. An autoencoder (features, window) reconstructs each row; a forecaster
// (forecast) predicts each grid step from the steps before it, and has no error for the first
// `history` steps of a run.

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "jobs/novelty/state.hpp"

namespace telemine::jobs::novelty {

class Detector {
 public:
  virtual ~Detector() = default;
  virtual int inputs() const = 0;
  /// Per row of `r` and input: its squared error (rows x inputs, `r` normalised); NaN on the
  /// rows the model gives no error.
  virtual std::vector<float> errors(const Context& c, const Rows& r) const = 0;
  virtual void save(const std::filesystem::path& file, const std::map<std::string, std::vector<double>>& numbers,
                    const std::map<std::string, std::string>& texts) const = 0;
};

/// The model of a file, of the kind its texts record (`model`); fills its numbers and texts.
std::unique_ptr<Detector> load_detector(const std::filesystem::path& file, std::map<std::string, std::vector<double>>& numbers,
                                        std::map<std::string, std::string>& texts);

/// A new model of group g trained on the reference rows of `r` (normalised); fills m.report.
std::unique_ptr<Detector> train_detector(const Context& c, std::int32_t g, const Rows& r, const std::vector<char>& reference,
                                         Model& m);

}  // namespace telemine::jobs::novelty
