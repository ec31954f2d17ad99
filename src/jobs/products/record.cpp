#include "jobs/products/record.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "core/error.hpp"
#include "core/text.hpp"
#include "io/archive.hpp"
#include "jobs/products/provenance.hpp"

namespace telemine::jobs::products {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

bool is_common_key(const std::string& key) {
  static const std::set<std::string> common = {"kind", "archive", "mission", "missions", "params", "from",
                                               "to",   "output",  "on-error", "jobs"};
  return common.count(key) > 0;
}

// INI lines as job files write them: `key = value`, `[section]`, `#` comments.
void ini_keys(const std::string& text, std::vector<std::pair<std::string, std::string>>& out) {
  std::istringstream in(text);
  std::string line, section;
  while (std::getline(in, line)) {
    line = std::string(trim(line.substr(0, line.find_first_of("#;"))));
    if (line.empty()) continue;
    if (line.front() == '[' && line.back() == ']') {
      section = std::string(trim(line.substr(1, line.size() - 2)));
      continue;
    }
    const auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    out.emplace_back((section.empty() ? "" : section + ".") + std::string(trim(line.substr(0, eq))),
                     std::string(trim(line.substr(eq + 1))));
  }
}

TimeNs time_or(const json& j, const char* key, TimeNs fallback) {
  TimeNs t = fallback;
  if (j.contains(key) && j[key].is_string() && try_parse_time(j[key].get<std::string>(), t)) return t;
  return fallback;
}

// The time slices the inputs cover, from the provenance entities (format 1 products record them).
void input_range(const json& doc, ProductRecord& r) {
  TimeNs lo = kTimeMax, hi = kTimeMin;
  if (doc.contains("provenance") && doc["provenance"].contains("entity"))
    for (const auto& [id, e] : doc["provenance"]["entity"].items()) {
      if (e.value("prov:type", "") != "tm:partition") continue;
      lo = std::min(lo, time_or(e, "tm:start", lo));
      hi = std::max(hi, time_or(e, "tm:end", hi));
    }
  if (lo < hi) {
    r.from = lo, r.to = hi;
  } else if (doc.contains("range")) {
    r.from = time_or(doc["range"], "from", kTimeMin);
    r.to = time_or(doc["range"], "to", kTimeMax);
  }
}

void read_lists(const json& doc, ProductRecord& r) {
  std::set<std::string> missions;
  for (const auto& i : doc.value("inputs", json::array())) {
    r.inputs.push_back({i.at("mission").get<std::string>(), i.at("file").get<std::string>(),
                        i.at("checksum").get<std::string>(), i.value("samples", std::int64_t{0})});
    missions.insert(r.inputs.back().mission);
  }
  for (const auto& o : doc.value("outputs", json::array()))
    r.outputs.push_back({o.at("file").get<std::string>(), o.at("checksum").get<std::string>(), o.value("bytes", std::int64_t{0})});
  for (const auto& p : doc.value("parameters", json::array())) {
    r.params.push_back({p.value("mission", ""), p.at("name").get<std::string>(), p.value("unit", ""),
                        p.value("description", ""), p.value("subsystem", "")});
    missions.insert(r.params.back().mission);
  }
  for (const auto& t : doc.value("tasks", json::array()))  // a campaign's tasks
    if (t.contains("mission") && t["mission"].is_string()) missions.insert(t["mission"].get<std::string>());
  missions.erase("");
  r.missions.assign(missions.begin(), missions.end());
}

void parse_record(const json& doc, ProductRecord& r) {
  const std::string product = doc.at("product").get<std::string>();
  if (product.rfind("telemine ", 0) != 0) throw json::other_error::create(501, "'product' is not a telemine product", &doc);
  r.kind = product.substr(9);
  r.version = doc.at("telemine_version").get<std::string>();
  r.format = doc.value("product_format", 1);
  r.created = doc.value("created", "");
  r.created_ns = time_or(doc, "created", 0);
  r.job_file = doc.value("job_file", doc.value("campaign_file", ""));
  r.job_text = doc.value("job_text", doc.value("campaign_text", ""));
  r.overrides = doc.value("overrides", std::vector<std::string>{});
  r.ranks = doc.value("ranks", 0);
  r.archive = doc.value("archive", "");
  read_lists(doc, r);
  input_range(doc, r);
  r.keys = job_keys(r.kind, r.job_text, r.overrides);
  if (r.archive.empty())
    for (const auto& [k, v] : r.keys)
      if (k == "archive") r.archive = v;
}

}  // namespace

bool is_product_dir(const fs::path& dir) {
  std::error_code ec;
  return fs::is_regular_file(dir / "product.json", ec);
}

std::vector<std::pair<std::string, std::string>> job_keys(const std::string& kind, const std::string& text,
                                                          const std::vector<std::string>& overrides) {
  std::vector<std::pair<std::string, std::string>> keys;
  ini_keys(text, keys);
  for (std::size_t i = 0; i < overrides.size(); ++i) {
    const std::string& a = overrides[i];
    if (a.rfind("--", 0) != 0) continue;
    const auto eq = a.find('=');
    std::string key = a.substr(2, eq == std::string::npos ? std::string::npos : eq - 2), value;
    if (eq != std::string::npos) value = a.substr(eq + 1);
    else if (i + 1 < overrides.size() && overrides[i + 1].rfind("--", 0) != 0) value = overrides[++i];
    else continue;  // a flag (--quiet, --dry-run)
    if (text.empty() && key.find('.') == std::string::npos && !is_common_key(key)) key = kind + "." + key;
    keys.emplace_back(key, value);
  }
  if (std::none_of(keys.begin(), keys.end(), [](const auto& k) { return k.first == "kind"; }))
    keys.emplace_back("kind", kind);
  return keys;
}

ProductRecord read_product(const fs::path& dir) {
  const fs::path file = dir / "product.json";
  if (!is_product_dir(dir)) throw UsageError(dir.string() + ": not a product folder (no product.json)");
  ProductRecord r;
  std::error_code ec;
  r.dir = fs::absolute(dir, ec).lexically_normal();
  if (r.dir.has_filename() == false) r.dir = r.dir.parent_path();
  std::ifstream in(file, std::ios::binary);
  if (!in) throw IoError(file.string() + ": cannot read");
  r.json.assign(std::istreambuf_iterator<char>(in), {});
  r.id = io::bytes_checksum(r.json).substr(8);  // drop "xxh3-64:"
  try {
    const json doc = json::parse(r.json);
    parse_record(doc, r);
  } catch (const json::exception& e) {
    throw IoError(file.string() + ": damaged product.json (" + e.what() + "); restore it from a copy or re-run the job");
  }
  if (r.format > kProductFormat)
    throw IoError(file.string() + ": product format " + std::to_string(r.format) + " (written by telemine " + r.version +
                  "); this telemine reads format " + std::to_string(kProductFormat) + " and older: use a newer telemine");
  return r;
}

}  // namespace telemine::jobs::products
