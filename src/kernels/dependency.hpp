#pragma once
/// \file Kernels of the dependency finder, one header per concept (kept as one include for the
/// kinds that use several): resampling onto a common grid (resample.hpp), equal-frequency
/// binning (binning.hpp), joint counts of coded series at a lag (joint_counts.hpp), mutual
/// information (information.hpp), and a significance test that holds for autocorrelated series
/// (significance.hpp). Pure functions over spans.

#include "kernels/binning.hpp"
#include "kernels/information.hpp"
#include "kernels/joint_counts.hpp"
#include "kernels/resample.hpp"
#include "kernels/significance.hpp"
