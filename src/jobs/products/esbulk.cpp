#include "jobs/products/esbulk.hpp"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "core/error.hpp"
#include "core/log.hpp"
#include "io/archive.hpp"
#include "io/fs.hpp"
#include "io/json.hpp"
#include "jobs/products/catalogue.hpp"
#include "jobs/products/record.hpp"

namespace telemine::jobs::products {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

json product_doc(const ProductRecord& r) {
  json d = {{"id", r.id}, {"kind", r.kind}, {"telemine_version", r.version}, {"product_format", r.format},
            {"created", r.created}, {"folder", r.dir.string()}, {"archive", r.archive}, {"missions", r.missions},
            {"job_file", r.job_file}, {"job_text", r.job_text}, {"overrides", r.overrides}, {"ranks", r.ranks}};
  if (r.from != kTimeMin) d["inputs_from"] = format_time(r.from);
  if (r.to != kTimeMax) d["inputs_to"] = format_time(r.to);
  for (const auto& i : r.inputs)
    d["inputs"].push_back({{"mission", i.mission}, {"file", i.file}, {"checksum", i.checksum}, {"samples", i.samples}});
  for (const auto& o : r.outputs) d["outputs"].push_back({{"file", o.file}, {"checksum", o.checksum}, {"bytes", o.bytes}});
  for (const auto& p : r.params) d["parameters"].push_back(p.mission + "/" + p.name);
  for (const auto& [k, v] : r.keys) d["job_keys"].push_back({{"key", k}, {"value", v}});
  return d;
}

struct Bulk {
  std::string text;
  void add(const char* index, const std::string& id, const json& doc) {
    text += json{{"index", {{"_index", index}, {"_id", id}}}}.dump() + "\n" + doc.dump() + "\n";
  }
};

void archive_docs(const fs::path& root, Bulk& bulk, EsBulkReport& r) {
  const auto archive = io::Archive::open(root);
  for (const auto& m : archive.missions()) {
    const auto c = archive.catalog(m);
    const std::string base = root.string() + "#" + m;
    json md = {{"mission", m}, {"archive", root.string()}, {"slice_seconds", c.slice / kSecond},
               {"partitions", c.partitions.size()}, {"samples", c.total_samples()}, {"parameters", c.params.size()},
               {"events", c.events.size()}};
    if (!c.partitions.empty()) {
      md["from"] = format_time(c.partitions.front().start);
      md["to"] = format_time(c.partitions.back().end);
    }
    bulk.add("telemine-missions", base, md);
    ++r.missions;
    for (const auto& p : c.params) {
      bulk.add("telemine-parameters", base + "/" + p.name,
               {{"mission", m}, {"archive", root.string()}, {"name", p.name}, {"unit", p.unit},
                {"description", p.description}, {"subsystem", p.subsystem}, {"kind", std::string(io::to_string(p.kind))}});
      ++r.params;
    }
    std::int64_t n = 0;
    for (const auto& e : c.events) {
      bulk.add("telemine-events", base + "/event/" + std::to_string(n++),
               {{"mission", m}, {"archive", root.string()}, {"start", format_time(e.start)}, {"end", format_time(e.end)},
                {"kind", e.kind}, {"param", e.param}, {"class", e.cls}, {"text", e.text}});
      ++r.events;
    }
  }
}

json mappings() {
  const json keyword = {{"type", "keyword"}}, text = {{"type", "text"}}, date = {{"type", "date"}},
             integer = {{"type", "long"}};
  auto index = [](json properties) { return json{{"mappings", {{"dynamic", false}, {"properties", std::move(properties)}}}}; };
  return {
      {"telemine-products",
       index({{"id", keyword}, {"kind", keyword}, {"telemine_version", keyword}, {"product_format", integer},
              {"created", date}, {"folder", keyword}, {"archive", keyword}, {"missions", keyword}, {"job_file", keyword},
              {"job_text", text}, {"ranks", integer}, {"inputs_from", date}, {"inputs_to", date},
              {"parameters", keyword},
              {"inputs", {{"type", "nested"}, {"properties", {{"mission", keyword}, {"file", keyword}, {"checksum", keyword},
                                                              {"samples", integer}}}}},
              {"outputs", {{"type", "nested"}, {"properties", {{"file", keyword}, {"checksum", keyword}, {"bytes", integer}}}}},
              {"job_keys", {{"type", "nested"}, {"properties", {{"key", keyword}, {"value", keyword}}}}}})},
      {"telemine-collections",
       index({{"collection", keyword}, {"description", text}, {"created", date}, {"products", keyword}})},
      {"telemine-missions",
       index({{"mission", keyword}, {"archive", keyword}, {"slice_seconds", integer}, {"partitions", integer},
              {"samples", integer}, {"parameters", integer}, {"events", integer}, {"from", date}, {"to", date}})},
      {"telemine-parameters",
       index({{"mission", keyword}, {"archive", keyword}, {"name", keyword}, {"unit", keyword}, {"description", text},
              {"subsystem", keyword}, {"kind", keyword}})},
      {"telemine-events",
       index({{"mission", keyword}, {"archive", keyword}, {"start", date}, {"end", date}, {"kind", keyword},
              {"param", keyword}, {"class", keyword}, {"text", text}})},
  };
}

void collection_docs(const fs::path& dir, Bulk& bulk, EsBulkReport& r) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir))
    if (fs::is_regular_file(e.path() / "collection.json")) files.push_back(e.path() / "collection.json");
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    std::ifstream in(f);
    json c;
    try {
      c = json::parse(in);
    } catch (const json::exception& e) {
      throw IoError(f.string() + ": damaged collection.json (" + e.what() + ")");
    }
    json products = json::array();
    for (const auto& p : c.value("products", json::array())) products.push_back(p.value("id", ""));
    bulk.add("telemine-collections", c.value("collection", ""),
             {{"collection", c.value("collection", "")}, {"description", c.value("description", "")},
              {"created", c.value("created", "")}, {"products", products}, {"slices", c.value("slices", json::array())}});
    ++r.collections;
  }
}

}  // namespace

EsBulkReport export_es_bulk(Catalogue& catalogue, std::vector<fs::path> archives, const fs::path& collections,
                            const fs::path& output) {
  EsBulkReport report;
  Bulk bulk;
  for (const auto& dir : catalogue.all()) {
    const auto r = read_product(dir);
    bulk.add("telemine-products", r.id, product_doc(r));
    ++report.products;
    if (!r.archive.empty()) archives.emplace_back(r.archive);
  }
  collection_docs(collections, bulk, report);
  std::set<std::string> seen;
  for (const auto& a : archives) {
    std::error_code ec;
    const std::string key = fs::weakly_canonical(a, ec).string();
    if (!seen.insert(key).second) continue;
    if (!fs::is_directory(a, ec)) {
      log::warn(a.string() + ": archive not found, its missions are left out (give --archive where it is now)");
      continue;
    }
    archive_docs(key, bulk, report);
  }
  io::make_directories(output);
  io::write_file_atomically(output / "bulk.ndjson", bulk.text);
  io::write_file_atomically(output / "mappings.json", mappings().dump(2) + "\n");
  return report;
}

}  // namespace telemine::jobs::products
