#include "jobs/products/collection.hpp"

#include <algorithm>
#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "io/archive.hpp"
#include "io/fs.hpp"
#include "io/json.hpp"
#include "jobs/product.hpp"
#include "jobs/products/bagit.hpp"
#include "jobs/products/catalogue.hpp"
#include "jobs/products/record.hpp"

namespace telemine::jobs::products {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

fs::path collection_file(const fs::path& dir, const std::string& name) { return dir / name / "collection.json"; }

json read_collection(const fs::path& dir, const std::string& name) {
  const fs::path file = collection_file(dir, name);
  std::ifstream in(file);
  if (!in) throw UsageError("no collection '" + name + "' in " + dir.string() + " (telemine collection list)");
  try {
    return json::parse(in);
  } catch (const json::exception& e) {
    throw IoError(file.string() + ": damaged collection.json (" + e.what() + ")");
  }
}

// collection.json and manifest-xxh3.txt, each written atomically.
void write_collection(const fs::path& dir, const json& c) {
  const std::string name = c.at("collection").get<std::string>();
  io::make_directories(dir / name);
  std::string manifest;
  for (const auto& p : c.at("products"))
    for (const auto& f : p.at("files"))
      manifest += f.at("checksum").get<std::string>() + "  products/" + p.at("id").get<std::string>() + "/" +
                  f.at("file").get<std::string>() + "\n";
  for (const auto& s : c.at("slices"))
    for (const auto& f : s.at("partitions"))
      manifest += f.at("checksum").get<std::string>() + "  archive/" + s.at("mission").get<std::string>() + "/" +
                  f.at("file").get<std::string>() + "\n";
  io::write_file_atomically(dir / name / "collection.json", c.dump(2) + "\n");
  io::write_file_atomically(dir / name / "manifest-xxh3.txt", manifest);
}

json product_entry(const ProductRecord& r) {
  json files = json::array();
  for (const auto& o : r.outputs) files.push_back({{"file", o.file}, {"checksum", o.checksum}, {"bytes", o.bytes}});
  files.push_back({{"file", "product.json"}, {"checksum", io::bytes_checksum(r.json)},
                   {"bytes", static_cast<std::int64_t>(r.json.size())}});
  return {{"id", r.id}, {"kind", r.kind}, {"folder", r.dir.string()}, {"missions", r.missions}, {"files", files}};
}

json slice_entry(const fs::path& archive_root, const SliceSpec& s) {
  if (archive_root.empty()) throw UsageError("collection: --missions needs --archive (where the slices come from)");
  const auto archive = io::Archive::open(archive_root);
  if (!archive.has_mission(s.mission)) throw UsageError(archive_root.string() + ": no mission '" + s.mission + "'");
  const auto catalog = archive.catalog(s.mission);
  json parts = json::array();
  for (const auto* p : catalog.overlapping(s.from, s.to))
    parts.push_back({{"file", p->file}, {"checksum", p->checksum}, {"bytes", p->bytes}, {"samples", p->samples}});
  std::error_code ec;
  return {{"archive", fs::absolute(archive_root, ec).lexically_normal().string()}, {"mission", s.mission},
          {"from", s.from == kTimeMin ? "start" : format_time(s.from)}, {"to", s.to == kTimeMax ? "end" : format_time(s.to)},
          {"partitions", parts}};
}

void add_items(json& c, const CollectionChange& change, Catalogue& catalogue) {
  for (const auto& id : change.products) {
    const auto r = read_product(catalogue.find(id));
    auto& list = c["products"];
    if (std::none_of(list.begin(), list.end(), [&](const json& p) { return p.at("id") == r.id; }))
      list.push_back(product_entry(r));
  }
  for (const auto& text : change.slices) c["slices"].push_back(slice_entry(change.archive, parse_slice(text)));
}

}  // namespace

SliceSpec parse_slice(const std::string& text) {
  SliceSpec s;
  const auto colon = text.find(':');
  s.mission = text.substr(0, colon);
  io::validate_name("mission", s.mission);
  if (colon == std::string::npos) return s;
  const std::string range = text.substr(colon + 1);
  const auto slash = range.find('/');
  if (slash == std::string::npos) throw UsageError("slice '" + text + "': expected MISSION:FROM/TO");
  if (slash > 0) s.from = parse_time(range.substr(0, slash));
  if (slash + 1 < range.size()) s.to = parse_time(range.substr(slash + 1));
  if (s.from >= s.to) throw UsageError("slice '" + text + "': FROM must be before TO");
  return s;
}

void create_collection(const CollectionChange& change, Catalogue& catalogue) {
  io::validate_name("collection", change.name);
  std::error_code ec;
  if (fs::exists(collection_file(change.dir, change.name), ec))
    throw UsageError("collection '" + change.name + "' already exists in " + change.dir.string() + " (use collection add)");
  if (change.description.empty()) throw UsageError("collection create: --description is required (what the set is for)");
  json c = {{"collection", change.name}, {"description", change.description},
            {"created", format_time(static_cast<TimeNs>(std::time(nullptr)) * kSecond)}, {"telemine_version", version()},
            {"products", json::array()}, {"slices", json::array()}};
  add_items(c, change, catalogue);
  write_collection(change.dir, c);
}

void add_to_collection(const CollectionChange& change, Catalogue& catalogue) {
  json c = read_collection(change.dir, change.name);
  if (!change.description.empty()) c["description"] = c.value("description", "") + "\n" + change.description;
  add_items(c, change, catalogue);
  write_collection(change.dir, c);
}

void list_collections(const fs::path& dir, std::FILE* out) {
  std::vector<std::string> names;
  std::error_code ec;
  if (fs::is_directory(dir, ec))
    for (const auto& e : fs::directory_iterator(dir))
      if (fs::is_regular_file(e.path() / "collection.json")) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  std::fprintf(out, "%-20s %8s %6s  %s\n", "collection", "products", "slices", "description");
  for (const auto& n : names) {
    const json c = read_collection(dir, n);
    const std::string d = c.value("description", "");
    std::fprintf(out, "%-20s %8zu %6zu  %s\n", n.c_str(), c.at("products").size(), c.at("slices").size(),
                 d.substr(0, d.find('\n')).c_str());
  }
}

void show_collection(const fs::path& dir, const std::string& name, std::FILE* out) {
  const json c = read_collection(dir, name);
  std::fprintf(out, "collection %s (created %s by telemine %s)\n%s\n\nproducts (%zu):\n", name.c_str(),
               c.value("created", "").c_str(), c.value("telemine_version", "").c_str(), c.value("description", "").c_str(),
               c.at("products").size());
  for (const auto& p : c.at("products"))
    std::fprintf(out, "  %s %-10s %s (%zu files)\n", p.at("id").get<std::string>().c_str(),
                 p.at("kind").get<std::string>().c_str(), p.at("folder").get<std::string>().c_str(), p.at("files").size());
  std::fprintf(out, "slices (%zu):\n", c.at("slices").size());
  for (const auto& s : c.at("slices"))
    std::fprintf(out, "  %s %s .. %s from %s (%zu partitions)\n", s.at("mission").get<std::string>().c_str(),
                 s.at("from").get<std::string>().c_str(), s.at("to").get<std::string>().c_str(),
                 s.at("archive").get<std::string>().c_str(), s.at("partitions").size());
}

namespace {

void copy_checked(const fs::path& from, const fs::path& bag, const std::string& rel, const std::string& checksum,
                  std::vector<BagFile>& payload) {
  const std::string got = add_to_bag(from, bag, rel, payload);
  if (got != checksum)
    throw IoError(from.string() + ": damaged (checksum " + got + ", the collection recorded " + checksum + "): not exported");
}

}  // namespace

void export_collection(const fs::path& dir, const std::string& name, const fs::path& output, std::FILE* out) {
  const json c = read_collection(dir, name);
  std::error_code ec;
  if (fs::exists(output, ec)) throw UsageError(output.string() + " already exists: export writes a new folder");
  const fs::path tmp = io::temporary_name(output);
  struct Cleanup {
    fs::path dir;
    ~Cleanup() {
      std::error_code ec;
      if (!dir.empty()) fs::remove_all(dir, ec);
    }
  } cleanup{tmp};
  std::vector<BagFile> payload;
  add_to_bag(collection_file(dir, name), tmp, "data/collection.json", payload);
  add_to_bag(dir / name / "manifest-xxh3.txt", tmp, "data/manifest-xxh3.txt", payload);
  for (const auto& p : c.at("products"))
    for (const auto& f : p.at("files"))
      copy_checked(fs::path(p.at("folder").get<std::string>()) / f.at("file").get<std::string>(), tmp,
                   "data/products/" + p.at("id").get<std::string>() + "/" + f.at("file").get<std::string>(),
                   f.at("checksum").get<std::string>(), payload);
  for (const auto& s : c.at("slices")) {
    const fs::path mission_dir = fs::path(s.at("archive").get<std::string>()) / s.at("mission").get<std::string>();
    const std::string base = "data/archive/" + s.at("mission").get<std::string>() + "/";
    if (!fs::exists(tmp / (base + "catalog.h5"))) add_to_bag(mission_dir / "catalog.h5", tmp, base + "catalog.h5", payload);
    for (const auto& f : s.at("partitions"))
      if (!fs::exists(tmp / (base + f.at("file").get<std::string>())))
        copy_checked(mission_dir / f.at("file").get<std::string>(), tmp, base + f.at("file").get<std::string>(),
                     f.at("checksum").get<std::string>(), payload);
  }
  std::sort(payload.begin(), payload.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
  std::string one_line = c.value("description", "");
  std::replace(one_line.begin(), one_line.end(), '\n', ' ');  // a bag-info.txt value is one line
  write_bag_tags(tmp, payload,
                 {{"External-Identifier", name}, {"External-Description", one_line},
                  {"Bagging-Date", format_time(static_cast<TimeNs>(std::time(nullptr)) * kSecond).substr(0, 10)},
                  {"Bag-Software-Agent", std::string("telemine ") + version()}});
  io::rename_durably(tmp, output);
  cleanup.dir.clear();
  std::fprintf(out, "exported collection %s as a BagIt bag: %zu files in %s\n", name.c_str(), payload.size(), output.c_str());
}

}  // namespace telemine::jobs::products
