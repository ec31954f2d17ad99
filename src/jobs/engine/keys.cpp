#include "jobs/engine/keys.hpp"

#include <charconv>

#include "io/archive.hpp"
#include "jobs/job.hpp"
#include "jobs/plan.hpp"
#include "jobs/product.hpp"

namespace telemine::jobs {

ResultKey::ResultKey(std::string_view scheme) { add("scheme", scheme); }

ResultKey& ResultKey::add(std::string_view field, std::string_view value) {
  for (std::string_view part : {field, value}) {
    bytes_ += std::to_string(part.size());
    bytes_ += ':';
    bytes_ += part;
  }
  return *this;
}

ResultKey& ResultKey::add(std::string_view field, double value) {
  char text[32];
  const auto end = std::to_chars(text, text + sizeof text, value).ptr;
  return add(field, std::string_view(text, static_cast<std::size_t>(end - text)));
}

ResultKey& ResultKey::add_partitions(const Plan& plan) {
  add("partitions", static_cast<std::int64_t>(plan.partitions.size()));
  for (const auto& p : plan.partitions) add(p.info.file, p.info.checksum);
  return *this;
}

std::string ResultKey::checksum() const { return io::bytes_checksum(bytes_); }

std::string ResultKey::stage(std::string_view prefix) const {
  const std::string sum = checksum();
  return std::string(prefix) + "-" + sum.substr(sum.find(':') + 1);
}

ResultKey job_key(const Job& job, const Plan& plan, int ranks) {
  ResultKey key("job");
  key.add("version", version()).add("kind", job.common().kind).add("text", job.text());
  for (const auto& a : job.overrides())
    if (a != "--quiet" && a != "-q" && a != "--skip-complete" && a != "--dry-run") key.add("override", a);
  return key.add_partitions(plan).add("ranks", ranks);
}

}  // namespace telemine::jobs
