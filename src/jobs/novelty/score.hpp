#pragma once
// The novelty job's scoring phase: each parameter's reconstruction error on every row of its
// model, the thresholds set from the reference rows alone (never from labels), the row scores,
// and which rows are novel (above 1, or Hundman's dynamic threshold on the scored series).

#include <vector>

#include "jobs/novelty/state.hpp"
#include "kernels/reconstruction.hpp"

namespace telemine::jobs::novelty {

/// Per parameter: the mean and spread of its reference errors, and its threshold on the
/// standardised error, so that a parameter with a heavy-tailed error (a mode that switches)
/// does not mask another's anomaly. Data-parallel, over every rank's rows.
void fit_thresholds(const Context& c, std::int32_t g, const std::vector<char>& reference, const kernels::ParameterErrors& e,
                    Model& m);

/// Hundman's dynamic threshold (ndt, telemanom) on the rows after the reference period (all
/// rows when it covers everything), in time order whatever the rank count. Per row of `r`:
/// whether it is novel.
std::vector<char> dynamic_flags(const Context& c, const Rows& r, const Model& m, const kernels::ParameterErrors& e,
                                std::size_t np);

/// Scores the normalised rows `r` of group g with their reconstruction errors `err`: fills
/// m.score, m.score_q, m.share (and the thresholds when `fit`), and returns the novel rows.
std::vector<char> score_rows(const Context& c, std::int32_t g, const Rows& r, const std::vector<float>& err,
                             const std::vector<char>& reference, bool fit, Model& m);

}  // namespace telemine::jobs::novelty
