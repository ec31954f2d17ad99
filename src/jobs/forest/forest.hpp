#pragma once
/// \file The forest job (`kind = forest`): Random Forests (XGBoost) that explain a target
/// parameter from the others and their lags on a reference period. Outputs: which features
/// (parameter, lag) explain each target (importances.csv: a second opinion to the dependency
/// finder), the fit on the held-out end of the reference period (fit.csv), the residual over the
/// job's range as a novelty score (scores.csv) with intervals like novelty's (detections.csv),
/// and the models. Targets are spread over the ranks; `model = DIR` scores with saved models.

namespace telemine {
class Comm;
}

namespace telemine::jobs {

class Job;

int run_forest(const Job& job, const Comm& comm);

}  // namespace telemine::jobs
