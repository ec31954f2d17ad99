#pragma once
/// \file `telemine derive`: materialises a derived parameter into the archive, as a parameter of
/// its own, with its expression and inputs recorded in the catalogue.

#include <filesystem>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "io/archive.hpp"

namespace telemine {
class Comm;
}

namespace telemine::jobs {

struct DeriveOptions {
  std::filesystem::path archive;
  std::string mission;
  std::string define;                ///< `NAME = EXPR`: the parameter written
  std::vector<std::string> helpers;  ///< more `NAME = EXPR` it may use (not written)
  std::string unit;
  std::string description;           ///< default: `= EXPR`
  io::ParamKind kind = io::ParamKind::numeric;
  DurationNs grid = 0;
  DurationNs hold = 0;
};

struct DeriveReport {
  std::string name;
  std::int64_t samples = 0;
  io::WriteReport write;
};

/// Collective: each rank computes the slices it owns (contiguous runs of the mission's
/// partitions) and writes them through io::MissionWriter, so that partitions are renamed into
/// place and the catalogue is written last. Catalogue attributes `derived.NAME.expression` and
/// `derived.NAME.inputs` record where the values came from. Throws UsageError (nothing written)
/// for a bad definition or a name already stored.
DeriveReport derive(const DeriveOptions& options, const Comm& comm);

}  // namespace telemine::jobs
