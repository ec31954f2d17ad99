#pragma once
/// \file `kind = novelty`: autoencoders learn what nominal looks like on a reference period, and
/// the periods they cannot reconstruct are reported, with the parameters responsible.
///
/// Phases, each collective:
///  1. each rank reads its partitions and computes, per parameter and day, either the features
///     of every period (mean, standard deviation, min, max) or the grid values (window model);
///  2. the blocks go to the rank that owns each model (one model per group: many small models
///     spread over the ranks), or, for one model of every parameter (`group = all`), to the
///     rank that owns the day, and that model is trained data-parallel;
///  3. training on the reference rows (labelled anomalies excluded), scoring of every row,
///     threshold from the reference scores alone; rank 0 merges novel rows into intervals.
///
/// Files: settings.cpp (keys), features.cpp (groups, labels, read, rows), train.cpp (model
/// files, normalisation, training), score.cpp (errors, thresholds, novel rows), outputs.cpp
/// (scores.h5, detections.csv, product.json), run.cpp (the flow); the math is in
/// kernels/thresholds.hpp, reconstruction.hpp and events.hpp.


namespace telemine {
class Comm;
}

namespace telemine::jobs {

class Job;

/// Collective. Returns the exit status (0); errors are thrown on every rank.
int run_novelty(const Job& job, const Comm& comm);

}  // namespace telemine::jobs
