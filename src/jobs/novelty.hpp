#pragma once
/// \file `kind = novelty`: autoencoders learn what nominal looks like on a reference period, and
/// the periods they cannot reconstruct are reported, with the parameters responsible; and
/// `telemine evaluate`, which scores detections against the archive's anomaly labels.
///
/// Phases, each collective:
///  1. each rank reads its partitions and computes, per parameter and day, either the features
///     of every period (mean, standard deviation, min, max) or the grid values (window model);
///  2. the blocks go to the rank that owns each model (one model per group: many small models
///     spread over the ranks), or, for one model of every parameter (`group = all`), to the
///     rank that owns the day, and that model is trained data-parallel;
///  3. training on the reference rows (labelled anomalies excluded), scoring of every row,
///     threshold from the reference scores alone; rank 0 merges novel rows into intervals.

#include <cstdio>
#include <string>
#include <vector>

namespace telemine {
class Comm;
}

namespace telemine::jobs {

class Job;

/// Collective. Returns the exit status (0); errors are thrown on every rank.
int run_novelty(const Job& job, const Comm& comm);

struct EvaluateOptions {
  std::string archive;
  std::string mission;
  std::string detections;  ///< detections.csv of a novelty job (or any detector's, same columns)
  std::string from, to;    ///< ISO-8601; default: the mission's whole span
  std::string output;      ///< CSV; default: evaluation.csv beside the detections
};

/// Event-wise precision, recall and F0.5, and the ESA benchmark's corrected F0.5, per
/// parameter and for the mission: a table on `out`, and a CSV. Returns the exit status.
int evaluate(const EvaluateOptions& options, std::FILE* out);

}  // namespace telemine::jobs
