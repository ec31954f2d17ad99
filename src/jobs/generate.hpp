#pragma once
/// \file `telemine generate`: a synthetic multi-mission archive with realistic telemetry,
/// planted dependencies and planted labelled anomalies, and its ground truth in
/// ARCHIVE/truth.json. Deterministic for a seed, whatever the number of ranks.

#include <cstdint>
#include <filesystem>

#include "core/time.hpp"

namespace telemine {
class Comm;
}

namespace telemine::jobs {

struct GenerateOptions {
  std::filesystem::path archive;
  int missions = 2;          ///< SYN1 .. SYN<missions>
  int params = 40;           ///< parameters per mission (at least the planted set, ~16)
  int days = 3;
  DurationNs rate = kSecond; ///< time between samples of the base rate (`--rate 1s`; `--rate 1Hz` also accepted by the CLI)
  std::uint64_t seed = 1;
  TimeNs start = 1767225600LL * kSecond;  ///< 2026-01-01T00:00:00Z
  bool progress = true;
  bool replace = false;      ///< regenerate missions that exist (refused otherwise)
};

struct GenerateReport {
  std::int64_t missions = 0;
  std::int64_t params = 0;
  std::int64_t partitions = 0;
  std::int64_t samples = 0;
  std::int64_t anomalies = 0;
  std::int64_t dependencies = 0;
};

/// Collective over comm: ranks generate different days in parallel.
GenerateReport generate(const GenerateOptions& options, const Comm& comm);

}  // namespace telemine::jobs
