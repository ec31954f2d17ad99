#pragma once
/// \file Reconstruction math of novelty detection (autoencoders): the normalisation of a
/// model's inputs fitted on its reference rows, each parameter's reconstruction error and share
/// of a row's error, the standardisation of those errors on the reference rows, and the row
/// scores. Pure functions over spans; the sums are separate from what is computed from them so
/// that a data-parallel model adds them over the ranks in between.
///
/// Layout: a model's rows are row-major (rows x inputs); a parameter owns `inputs / params`
/// consecutive inputs (its four features, or its window's steps); per-parameter results are
/// row-major too (rows x params).

#include <cstddef>
#include <span>
#include <vector>

namespace telemine::kernels {

/// Over the rows that `reference` marks: per input the sum and the sum of squares, then the
/// row count (2 x inputs + 1 values, to be added over ranks).
std::vector<double> normalisation_sums(std::span<const float> x, std::span<const char> reference, int inputs);

/// The smallest change a value of magnitude |level| can show once telemetry has passed through
/// single precision (2^-20 of it: float32 keeps 24 bits, and a few are lost on the way).
/// Differences below it are rounding, not behaviour.
double resolution(double level);

/// Per input mean and standard deviation (population) from `sums` (normalisation_sums, added
/// over ranks). Inputs in consecutive runs of `shared` pool their sums (a window's steps of one
/// parameter share its mean and spread; features have `shared` 1). A spread not above the
/// mean's resolution (a constant channel, or one that only rounds) gives sd 1. Returns false,
/// leaving the outputs alone, when no row was counted.
bool fit_normalisation(std::span<const double> sums, int inputs, int shared, std::vector<double>& mean,
                       std::vector<double>& sd);

/// x = (x - mean) / sd per input, in place.
void normalise(std::span<float> x, std::span<const double> mean, std::span<const double> sd);

/// Each parameter's error on each row (rows x params).
struct ParameterErrors {
  std::vector<double> mse;        ///< mean squared error over the parameter's inputs
  std::vector<float> share;       ///< its part of the row's squared error (0 when the row has none)
  std::vector<double> rms_units;  ///< with `units`: root mean square error in the parameter's own units
  std::vector<double> value;      ///< with `units`: the parameter's value at its input `mid`, in its units
};

/// From the normalised rows `x` and their squared reconstruction errors `err` (both rows x
/// inputs), for `params` parameters. With `units`, also each parameter's error and value in its
/// own units (de-normalised with `mean` and `sd`), the value taken at its `mid`-th input.
ParameterErrors parameter_errors(std::span<const float> x, std::span<const float> err, int inputs, std::size_t params,
                                 std::span<const double> mean, std::span<const double> sd, bool units, std::size_t mid);

/// Over the rows that `reference` marks, per parameter: the sum of `mse`, the sum of squares and
/// the row count (3 x params values, to be added over ranks).
std::vector<double> error_sums(std::span<const double> mse, std::span<const char> reference, std::size_t params);

/// Per parameter, the smallest squared error that can mean anything: each input's resolution in
/// normalised units (resolution(mean) / sd), at least 1e-3 of the reference spread, squared
/// and averaged over the parameter's inputs (mean, sd from fit_normalisation).
std::vector<double> error_floor(std::span<const double> mean, std::span<const double> sd, std::size_t params);

/// Per parameter mean and standard deviation (sample) of its reference errors from `sums`
/// (error_sums, added over ranks). Without spread, the sd is |mean| (at least 1e-12), so that
/// a standardised error stays finite; without rows, mean 0 and sd 1.
void fit_error_stats(std::span<const double> sums, std::size_t params, std::vector<double>& mean, std::vector<double>& sd);

/// Parameter q's standardised errors, (mse - mean) / sd, on the rows `reference` marks, in row order.
std::vector<double> standardised_errors(std::span<const double> mse, std::span<const char> reference, std::size_t params,
                                        std::size_t q, double mean, double sd);

/// Scores are capped here: a score of kScoreCap says "at least that many thresholds".
inline constexpr double kScoreCap = 1000;

/// Scores: each parameter's standardised error as a multiple of its own threshold (`score_q`,
/// rows x params), and per row the largest (`score`; above 1 is novel), so that one parameter's
/// anomaly is not diluted by the others of its model. Both are clamped to [0, kScoreCap]: an
/// error below the reference mean is 0, not a negative multiple.
void row_scores(std::span<const double> mse, std::size_t params, std::span<const double> mean, std::span<const double> sd,
                std::span<const double> threshold, std::vector<double>& score_q, std::vector<double>& score);

}  // namespace telemine::kernels
