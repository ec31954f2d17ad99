#pragma once
/// \file Time-aware kernels of derived parameters: lag, diff, rate, trailing mean, held, and the
/// last-value-held alignment of one series onto another's times. Pure functions over spans: no
/// MPI, HDF5 or Torch.
///
/// Every kernel looks back a bounded time only (its reach), so that a reader that reads its
/// inputs from `from - reach` gets the same values on [from, to) whatever `from` is: results do
/// not depend on how time is split over partitions and ranks. A held value is never older than
/// `hold`; NaN (an invalid sample) is a value like any other and propagates.

#include <span>

#include "core/time.hpp"

namespace telemine::kernels {

/// out[i] = the value of the last source sample at or before `at[i]`, when it is no older than
/// `hold`; NaN otherwise. `src_time` and `at` sorted ascending; `out` has the size of `at`.
void align_held(std::span<const TimeNs> src_time, std::span<const double> src_value, std::span<const TimeNs> at,
                DurationNs hold, std::span<double> out);

/// out[i] = the value at `time[i] - lag`, last value held (no older than `hold`).
void lag(std::span<const TimeNs> time, std::span<const double> value, DurationNs lag, DurationNs hold,
         std::span<double> out);

/// out[i] = value[i] - value[i-1] when the previous sample is no older than `hold`, NaN otherwise.
void diff(std::span<const TimeNs> time, std::span<const double> value, DurationNs hold, std::span<double> out);

/// diff per second: (value[i] - value[i-1]) / (time[i] - time[i-1]) in s.
void rate(std::span<const TimeNs> time, std::span<const double> value, DurationNs hold, std::span<double> out);

/// out[i] = the mean of the valid samples with time in (time[i] - window, time[i]]; NaN when
/// none. O(n): sums run forward from the start of each block of `window` aligned to the epoch
/// and backward from its end, and a window is the tail of one block plus the head of the next.
/// So every output is summed in an order fixed by the epoch, not by the first sample given:
/// bit-identical whatever the read's start, once it starts `window` before the first output.
void trailing_mean(std::span<const TimeNs> time, std::span<const double> value, DurationNs window,
                   std::span<double> out);

/// NaN samples replaced by the last valid value, when that is no older than `hold`.
void held(std::span<const TimeNs> time, std::span<const double> value, DurationNs hold, std::span<double> out);

}  // namespace telemine::kernels
