#pragma once
/// \file Novelty detection's kernels, by concept: thresholds set without labels
/// (thresholds.hpp), the autoencoders' normalisation, errors and scores (reconstruction.hpp),
/// and intervals, detections and event-wise scores (events.hpp).

#include "kernels/events.hpp"
#include "kernels/reconstruction.hpp"
#include "kernels/thresholds.hpp"
