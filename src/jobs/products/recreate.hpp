#pragma once
/// \file Recreating a product: its job runs again from what product.json recorded (the job text
/// and overrides, through the public entry points jobs::Job::parse and jobs::run_job) into a new
/// folder, and every output is compared with the recorded checksum.

#include <cstdio>
#include <filesystem>
#include <string>

namespace telemine {
class Comm;
}

namespace telemine::jobs::products {

struct RecreateOptions {
  std::filesystem::path product;  ///< the product folder
  std::filesystem::path output;   ///< must not exist
  std::filesystem::path archive;  ///< where the archive is now (default: where the product recorded it)
  bool quiet = false;
};

/// Collective. Returns 0 when every output is identical, 1 when any differs or is missing.
/// Throws UsageError when the output exists or the product is a campaign, IoError when an input
/// partition is gone (naming it).
int recreate(const RecreateOptions& o, const Comm& comm, std::FILE* out);

}  // namespace telemine::jobs::products
