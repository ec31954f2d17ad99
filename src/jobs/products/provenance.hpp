#pragma once
/// \file Preservation metadata of a product, written into product.json by Product::publish:
/// the product format version, the archive's absolute path, the semantic context of the
/// parameters used (unit, description, subsystem) and the product's provenance as a W3C
/// PROV-JSON document (https://www.w3.org/submissions/prov-json/): the run is a prov:activity
/// associated with telemine as a prov:SoftwareAgent; it used each input partition (entities
/// with their checksums and time slices) and generated each output (entities with theirs),
/// and every output wasDerivedFrom each mission's slice of the archive.

#include <cstdint>
#include <string>
#include <vector>

#include "core/time.hpp"

namespace telemine::io {
class JsonWriter;
}

namespace telemine::jobs {
class Job;
struct Plan;
}  // namespace telemine::jobs

namespace telemine::jobs::products {

/// The product.json layout this telemine writes and reads (`product_format`). Products written
/// before the field existed are format 1 as well.
inline constexpr int kProductFormat = 1;

struct GeneratedOutput {
  std::string file;
  std::string checksum;
  std::int64_t bytes = 0;
};

/// Writes the keys `product_format`, `archive`, `parameters` and `provenance` into the open
/// product.json object. `started`/`ended`: the run's wall-clock interval.
void write_preservation(io::JsonWriter& w, const Job& job, const Plan& plan, int ranks, TimeNs started,
                        TimeNs ended, const std::vector<GeneratedOutput>& outputs);

}  // namespace telemine::jobs::products
