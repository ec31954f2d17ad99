#include "serve/products.hpp"

#include <algorithm>
#include <fstream>

#include "core/error.hpp"

namespace telemine::serve {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::optional<json> read_manifest(const fs::path& file) {
  std::ifstream in(file);
  if (!in) return std::nullopt;
  json j = json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  return j;
}

std::vector<std::string> output_names(const Product& p) {
  std::vector<std::string> names;
  if (const auto it = p.manifest.find("outputs"); it != p.manifest.end() && it->is_array())
    for (const auto& o : *it)
      if (o.is_object() && o.contains("file") && o["file"].is_string()) names.push_back(o["file"].get<std::string>());
  for (const char* extra : {"report.html", "campaign.csv"}) {
    std::error_code ec;
    if (std::find(names.begin(), names.end(), extra) == names.end() && fs::is_regular_file(p.dir / extra, ec))
      names.emplace_back(extra);
  }
  return names;
}

}  // namespace

Products::Products(fs::path root) : root_(std::move(root)) {
  std::error_code ec;
  if (!fs::is_directory(root_, ec)) throw IoError(root_.string() + ": --products is not a folder");
}

std::vector<Product> Products::scan() const {
  std::vector<Product> out;
  std::error_code ec;
  auto visit = [&](const fs::path& dir, const std::string& id) {
    if (auto m = read_manifest(dir / "product.json")) out.push_back(Product{id, dir, std::move(*m)});
  };
  visit(root_, "~");
  for (const auto& a : fs::directory_iterator(root_, ec)) {
    if (!a.is_directory(ec) || a.is_symlink(ec)) continue;
    const std::string name = a.path().filename().string();
    if (name.starts_with(".")) continue;
    visit(a.path(), name);
    for (const auto& b : fs::directory_iterator(a.path(), ec)) {
      if (!b.is_directory(ec) || b.is_symlink(ec) || b.path().filename().string().starts_with(".")) continue;
      visit(b.path(), name + "~" + b.path().filename().string());
    }
  }
  std::sort(out.begin(), out.end(), [](const Product& x, const Product& y) { return x.id < y.id; });
  return out;
}

json Products::list() const {
  json out = json::array();
  for (const Product& p : scan()) {
    json outputs = json::array();
    for (const auto& n : output_names(p)) outputs.push_back(n);
    out.push_back({{"id", p.id}, {"product", p.manifest.value("product", "")}, {"created", p.manifest.value("created", "")},
                   {"outputs", outputs}});
  }
  return out;
}

std::optional<Product> Products::find(const std::string& id) const {
  for (Product& p : scan())
    if (p.id == id) return std::move(p);
  return std::nullopt;
}

std::optional<fs::path> Products::file(const Product& product, const std::string& name) const {
  const auto names = output_names(product);
  if (std::find(names.begin(), names.end(), name) == names.end()) return std::nullopt;
  // Listed names are plain file names in the product's folder; anything else is refused.
  if (name.empty() || name.find('/') != std::string::npos || name == "." || name == "..") return std::nullopt;
  std::error_code ec;
  const fs::path path = product.dir / name;
  if (!fs::is_regular_file(path, ec) || fs::is_symlink(path, ec)) return std::nullopt;
  return path;
}

std::string content_type_of(const fs::path& file) {
  const std::string ext = file.extension().string();
  if (ext == ".csv") return "text/csv";
  if (ext == ".json") return "application/json";
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".dot") return "text/vnd.graphviz";
  return "application/octet-stream";
}

}  // namespace telemine::serve
