#pragma once
// The novelty job's training phase: model files (the resume key of a trained model, resuming
// an unfinished run, loading saved models to score with and refusing settings they were not
// trained with, saving), the normalisation fitted on the reference rows, and training.

#include <memory>
#include <string>
#include <vector>

#include "jobs/engine/keys.hpp"
#include "jobs/novelty/detector.hpp"
#include "jobs/novelty/state.hpp"

namespace telemine::jobs::novelty {

/// A model's file name in a model folder: the group's name, made safe, `.pt`.
std::string file_name(std::string name);

/// What every trained model of this job depends on besides its parameters: every setting that
/// shapes it, the rank count when trained data-parallel, the input partitions and the labels
/// left out of the reference. A model file with the same key is a finished stage.
ResultKey resume_base(const Context& c);

/// The model file of an earlier run of this same job in model-dir, if there is one
/// (data-parallel: only if every rank found it, so that every rank trains or none does).
std::unique_ptr<Detector> resume(const Context& c, std::int32_t g, const std::string& resume_key, Model& m);

/// With `model = FOLDER`: the settings that shape a model (model kind, period, grid, window)
/// taken from the folder's model files. A setting the job gives that differs from what the
/// models were trained with is a JobError naming its key (exit 2). Call before planning.
Settings with_saved_model(const Job& job, Settings set);

/// Group g's trained model from `model = FOLDER`; its parameters must be the group's
/// (JobError naming `params` otherwise), and its kind, period, grid and window the job's.
/// Null when the training job skipped the group (GROUP.skipped): `skipped` gets its reason.
std::unique_ptr<Detector> load(const Context& c, std::int32_t g, Model& m, std::string& skipped);

/// A model that could not be trained (`reason`): GROUP.skipped beside the model files, so that
/// scoring with the folder skips the group with the reason instead of failing on it.
void save_skipped(const Context& c, std::int32_t g, const std::string& reason);

/// One loadable file per model: weights, normalisation, reference scores, threshold.
void save(const Context& c, std::int32_t g, const Detector& model, const std::string& resume_key, Model& m);

/// Normalisation on the reference rows: per input (features), per parameter (window).
/// Returns false if there is no reference row. Data-parallel, over every rank's rows.
bool fit_normalisation(const Context& c, std::int32_t g, const Rows& r, const std::vector<char>& reference, Model& m);

}  // namespace telemine::jobs::novelty
