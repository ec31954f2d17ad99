#include "jobs/products/verify.hpp"

#include "core/error.hpp"
#include "io/archive.hpp"

namespace telemine::jobs::products {

namespace fs = std::filesystem;

std::string_view to_string(ProductState s) noexcept {
  switch (s) {
    case ProductState::ok: return "ok";
    case ProductState::stale: return "stale";
    case ProductState::damaged: return "damaged";
  }
  return "?";
}

fs::path input_path(const ProductRecord& r, const InputRecord& i, const fs::path& archive) {
  return (archive.empty() ? fs::path(r.archive) : archive) / i.mission / i.file;
}

ProductCheck check_product(const ProductRecord& r, const fs::path& archive) {
  ProductCheck c;
  auto note = [&](ProductState s, std::string state, std::string what, std::string detail) {
    c.state = std::max(c.state, s);
    c.findings.push_back({std::move(state), std::move(what), std::move(detail)});
  };
  for (const auto& o : r.outputs) {
    const fs::path file = r.dir / o.file;
    std::error_code ec;
    if (!fs::is_regular_file(file, ec)) {
      note(ProductState::damaged, "missing", "output " + o.file, "recorded " + o.checksum);
      continue;
    }
    const std::string now = io::file_checksum(file);
    if (now != o.checksum) note(ProductState::damaged, "damaged", "output " + o.file, "checksum " + now + ", recorded " + o.checksum);
  }
  for (const auto& i : r.inputs) {
    const fs::path file = input_path(r, i, archive);
    std::error_code ec;
    if (!fs::is_regular_file(file, ec)) {
      note(ProductState::stale, "gone", "input " + i.mission + " " + i.file, file.string() + " no longer exists");
      continue;
    }
    const std::string now = io::file_checksum(file);
    if (now != i.checksum)
      note(ProductState::stale, "stale", "input " + i.mission + " " + i.file,
           "the archive changed since: checksum " + now + ", recorded " + i.checksum);
  }
  return c;
}

void print_check(const ProductRecord& r, const ProductCheck& c, std::FILE* out) {
  std::fprintf(out, "%s %-7s %s (%zu outputs, %zu inputs)\n", r.id.c_str(), std::string(to_string(c.state)).c_str(),
               r.dir.c_str(), r.outputs.size(), r.inputs.size());
  for (const auto& f : c.findings)
    std::fprintf(out, "  %-7s %s: %s\n", f.state.c_str(), f.what.c_str(), f.detail.c_str());
}

}  // namespace telemine::jobs::products
