#pragma once
/// \file Thresholds of novelty detection, set without labels: on a model's reference scores
/// (peaks over threshold, sigma, quantile) or on its scored series in time order (Hundman et
/// al.'s dynamic threshold, as their paper and their telemanom code run it). Pure functions
/// over spans.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace telemine::kernels {

/// Peaks over threshold (extreme-value theory, as in SPOT, Siffer et al. 2017): a generalised
/// Pareto distribution fitted by moments to the excesses of `reference` over its `level`
/// quantile, and the value exceeded with probability `risk`. With fewer than 10 excesses,
/// the largest reference value.
double pot_threshold(std::span<const double> reference, double risk, double level = 0.98);

/// Mean plus k standard deviations of `reference`.
double sigma_threshold(std::span<const double> reference, double k);

/// The q-quantile of `reference` (nearest rank).
double quantile_threshold(std::span<const double> reference, double q);

/// The nonparametric dynamic threshold of Hundman et al. (KDD 2018), on a series of scores in
/// time order: of the thresholds mean + z std (z = 2.5, 3, ... 12), the one whose removal of
/// the scores above it lowers their mean and spread the most for the fewest points and runs
/// above it; then runs whose peak is not `prune` (0.13) above the next lower peak, down to
/// the largest score left below, are pruned back to nominal. Returns which points are novel.
/// Uses no label: only the scores.
std::vector<char> dynamic_threshold(std::span<const double> scores, double prune = 0.13);

/// The same over sliding windows of `window` scores moving by `step`, as telemanom runs it on
/// long series: each window gets its own threshold, and a point is novel when a window that
/// holds it flags it. `window` 0: one window over everything.
std::vector<char> windowed_dynamic_threshold(std::span<const double> scores, std::size_t window, std::size_t step,
                                             double prune = 0.13);

/// Hundman et al.'s thresholding as their reference implementation (telemanom, the code behind
/// the paper's figures) runs it over a long series of prediction errors, with its guards:
/// - windows of `batches` x `batch` errors move by one batch, and each judges only its newest
///   batch (the first window judges all of itself but its first `ignore` points);
/// - a window's threshold is mean + z std of its errors, z in 2.5, 3, ... 11.5, the one that
///   lowers their mean and spread most per point and run removed, where every exceedance draws
///   `buffer` - 1 points either side into its run; at most 5 runs and under half the window;
/// - points above that threshold are flagged with `buffer` points either side;
/// - a window whose errors are small against its values (std under `min_scale` x the values'
///   std and peak under `min_scale` x their 5-95% range, or peak under `floor`) flags nothing,
///   nor does an error under `min_scale` x that range;
/// - runs are pruned as in `dynamic_threshold`, against the largest error left below;
/// - errors falling far below their usual level (mirrored about the window's mean) are judged
///   the same way: a series that stops moving is as novel as one that jumps; the guards above
///   look at the errors themselves in both passes;
/// - the first window flags nothing among its first `ignore` points (telemanom's
///   num_to_ignore: errors need some history before they are judged).
/// `errors` (in the units of `values`, smoothed by the caller if wanted) and `values` are in time
/// order, one per point. Returns which points are novel. Uses no label.
struct TelemanomOptions {
  std::size_t batch = 70;    ///< points a window judges
  std::size_t batches = 30;  ///< a window's history, in batches
  std::size_t buffer = 100;  ///< points either side of an exceedance flagged with it
  double prune = 0.13;
  double min_scale = 0.05;
  double floor = 0;          ///< smallest peak error worth a look, in value units
  std::size_t ignore = 0;    ///< leading points the first window never flags
};
std::vector<char> telemanom_threshold(std::span<const double> errors, std::span<const double> values,
                                      const TelemanomOptions& options);

/// Exponentially weighted moving average with pandas' `ewm(span=span, adjust=True)` weights
/// (Hundman et al. smooth the errors so before thresholding). `span` <= 1: a copy.
std::vector<double> ewma(std::span<const double> x, double span);

/// How a novelty model's threshold is set (`threshold = METHOD:VALUE` of a novelty job).
enum class ThresholdMethod { pot, sigma, quantile, ndt, telemanom };

/// True for the methods that judge the scored series in time order (ndt, telemanom).
constexpr bool is_dynamic(ThresholdMethod m) noexcept {
  return m == ThresholdMethod::ndt || m == ThresholdMethod::telemanom;
}

/// One parameter's threshold on its standardised reference errors, for a model of `params`
/// parameters: pot:RISK and quantile:Q share the risk that a nominal row is flagged among the
/// parameters (Bonferroni, RISK / params); sigma:K is mean + K sd; the dynamic methods return
/// the largest reference value (they flag rows on their own). `reference` is not empty.
double reference_threshold(ThresholdMethod method, double value, std::span<const double> reference, std::size_t params);

}  // namespace telemine::kernels
