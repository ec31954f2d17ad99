#pragma once
// A synthetic product folder: product.json as Product::publish writes it (format 1), and its
// outputs, without running a job.
#include <string>

#include "io/archive.hpp"
#include "test_util.hpp"

namespace telemine::test {

inline void write_product(const std::filesystem::path& dir, const std::string& kind, const std::string& mission,
                          const std::string& param, const std::string& job_text, const std::string& created = "2026-03-01T00:00:00Z") {
  write_text(dir / "out.csv", "a,b\n1,2\n");
  const std::string sum = io::file_checksum(dir / "out.csv");
  write_text(dir / "product.json",
             "{\"product\": \"telemine " + kind + "\", \"telemine_version\": \"0.1.0\", \"created\": \"" + created +
                 "\", \"job_file\": \"job.ini\", \"job_text\": " + io::json_quote(job_text) +
                 ", \"overrides\": [\"--" + kind + ".bucket=1h\"], \"ranks\": 2, \"range\": {\"from\": \"start\", \"to\": \"end\"},"
                 " \"inputs\": [{\"mission\": \"" + mission + "\", \"file\": \"2026/01/x.h5\", \"samples\": 10, \"checksum\": "
                 "\"xxh3-64:0000000000000000\"}], \"outputs\": [{\"file\": \"out.csv\", \"bytes\": 8, \"checksum\": \"" + sum + "\"}],"
                 " \"product_format\": 1, \"archive\": \"/nowhere\", \"parameters\": [{\"mission\": \"" + mission +
                 "\", \"name\": \"" + param + "\", \"unit\": \"V\", \"description\": \"bus voltage of the " + mission +
                 " power unit\", \"subsystem\": \"POWER\"}], \"provenance\": {\"entity\": {\"tm:input/x\": {\"prov:type\": "
                 "\"tm:partition\", \"tm:start\": \"2026-01-01\", \"tm:end\": \"2026-01-02\"}}}}\n");
}

}  // namespace telemine::test
