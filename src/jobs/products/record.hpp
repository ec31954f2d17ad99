#pragma once
/// \file A product as its folder records it: product.json read back and checked. The folder is
/// the truth; the catalogue (catalogue.hpp) is an index rebuilt from records like these.

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "core/time.hpp"

namespace telemine::jobs::products {

struct InputRecord {
  std::string mission;
  std::string file;  ///< relative to the mission folder
  std::string checksum;
  std::int64_t samples = 0;
};

struct OutputRecord {
  std::string file;  ///< relative to the product folder
  std::string checksum;
  std::int64_t bytes = 0;
};

struct ParamRecord {
  std::string mission, name, unit, description, subsystem;
};

struct ProductRecord {
  std::filesystem::path dir;  ///< absolute
  std::string id;             ///< 16 hex digits: the checksum of product.json itself
  std::string kind;           ///< stats, dependency, novelty, campaign, ...
  std::string version;        ///< the telemine that wrote it
  int format = 1;
  std::string created;  ///< ISO-8601 UTC
  TimeNs created_ns = 0;
  std::string job_file, job_text;
  std::vector<std::string> overrides;
  int ranks = 0;
  std::string archive;  ///< absolute when the product recorded it, else the job's archive key
  TimeNs from = kTimeMin, to = kTimeMax;  ///< what the inputs cover (or the job's range)
  std::vector<std::string> missions;      ///< sorted, unique
  std::vector<InputRecord> inputs;
  std::vector<OutputRecord> outputs;
  std::vector<ParamRecord> params;
  std::vector<std::pair<std::string, std::string>> keys;  ///< job keys (file, then command line)
  std::string json;                                       ///< product.json verbatim
};

/// True when `dir` holds a product.json.
bool is_product_dir(const std::filesystem::path& dir);

/// Reads DIR/product.json. Throws UsageError when DIR is not a product folder, IoError naming
/// the file when product.json is damaged (not JSON, a field missing or of the wrong type) or
/// written in a product format newer than this telemine reads.
ProductRecord read_product(const std::filesystem::path& dir);

/// The job keys of a job text and its command-line overrides, as (key, value) in the order
/// given; a command-line job's own keys get their kind's prefix (`--bucket` is `stats.bucket`).
std::vector<std::pair<std::string, std::string>> job_keys(const std::string& kind, const std::string& text,
                                                          const std::vector<std::string>& overrides);

}  // namespace telemine::jobs::products
