#pragma once
/// \file Equal-frequency binning: a resampled series becomes byte codes, one bin a code, so that
/// joint counts are byte histograms.

#include <cstdint>
#include <span>
#include <vector>

namespace telemine::kernels {

/// Code of a grid point without data.
inline constexpr std::uint8_t kMissing = 255;
/// At most this many bins per parameter (codes are bytes; 255 is kMissing).
inline constexpr int kMaxBins = 64;

/// Equal-frequency bin edges of `sorted` (ascending, no NaN): the values at ranks n*k/bins for
/// k = 1 .. bins-1, duplicates removed (so ties give fewer, fuller bins). A value x falls in
/// bin upper_bound(edges, x): edges are inclusive lower bounds of the next bin.
std::vector<double> equal_frequency_edges(std::span<const double> sorted, int bins);

/// Codes of `values`: the bin of each value, kMissing for NaN.
void encode(std::span<const double> values, std::span<const double> edges, std::span<std::uint8_t> codes);

}  // namespace telemine::kernels
