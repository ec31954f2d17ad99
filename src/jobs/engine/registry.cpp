#include "jobs/engine/registry.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/time.hpp"

namespace telemine::jobs {

// Each kind's table lives in its folder (jobs/<kind>/settings.cpp).
const KindSpec& stats_kind();
const KindSpec& dependency_kind();
const KindSpec& novelty_kind();
const KindSpec& campaign_kind();
const KindSpec& dataset_kind();
const KindSpec& forest_kind();

const std::vector<const KindSpec*>& kinds() {
  static const std::vector<const KindSpec*> all = [] {
    // One line per kind.
    std::vector<const KindSpec*> k = {&stats_kind(), &dependency_kind(), &novelty_kind(), &campaign_kind(), &dataset_kind(), &forest_kind()};
    std::sort(k.begin(), k.end(), [](const KindSpec* a, const KindSpec* b) { return a->name < b->name; });
    return k;
  }();
  return all;
}

const KindSpec* find_kind(std::string_view name) {
  for (const KindSpec* k : kinds())
    if (k->name == name) return k;
  return nullptr;
}

std::string kind_names() {
  std::string out;
  for (const KindSpec* k : kinds()) out += (out.empty() ? "" : ", ") + k->name;
  return out;
}

const std::vector<KeySpec>& common_keys() {
  static const std::vector<KeySpec> keys = {
      {"kind", KeyType::text, "", {}, {}, {}, "job kind: " + kind_names()},
      {"archive", KeyType::path, "", {}, {}, {}, "archive folder"},
      {"mission", KeyType::list, "", {}, {}, {}, "mission, or a comma list of missions"},
      {"params", KeyType::list, "", {}, {}, {}, "comma list of parameter names and glob patterns (default: all)"},
      {"from", KeyType::time, "", {}, {}, {}, "start of the time range, ISO-8601 (default: the archive's start)"},
      {"to", KeyType::time, "", {}, {}, {}, "end of the time range, exclusive, ISO-8601 (default: the archive's end)"},
      {"output", KeyType::path, "", {}, {}, {}, "output folder (not the archive folder, nor inside it)"},
      {"on-error", KeyType::choice, "fail", {}, {}, {"fail", "skip"}, "what to do with a corrupt or missing partition"},
      {"verify", KeyType::choice, "checksum", {}, {}, {"checksum", "none"},
       "check each partition's checksum from the catalogue as it is read (a mismatch is a corrupt partition), or not, for speed"},
      {"around", KeyType::text, "", {}, {}, {},
       "instead of from/to: an event id (telemine labels list; event_N: the N-th event of telemine info --mission) or an ISO-8601 time; the range is it +- around-window"},
      {"around-window", KeyType::duration, "1h", 1e6, {}, {},
       "how far the range reaches either side of 'around' (on a command also --window; with novelty, whose window counts grid steps, --window given a duration)"},
      {"jobs", KeyType::list, "", {}, {}, {}, "campaign: comma list of job files (relative to the campaign file)"},
      {"missions", KeyType::list, "", {}, {}, {}, "campaign: run each job once per mission (comma list, or * for all of the archive)"},
  };
  return keys;
}

namespace {

const std::vector<KeySpec>& slurm_keys() {
  static const std::vector<KeySpec> keys = {
      {"nodes", KeyType::text, "", {}, {}, {}, "nodes"},
      {"ntasks-per-node", KeyType::text, "", {}, {}, {}, "MPI ranks per node"},
      {"cpus-per-task", KeyType::text, "", {}, {}, {}, "cores per rank"},
      {"time", KeyType::text, "", {}, {}, {}, "time limit (HH:MM:SS)"},
      {"partition", KeyType::text, "", {}, {}, {}, "Slurm partition"},
      {"account", KeyType::text, "", {}, {}, {}, "Slurm account"},
      {"mem", KeyType::text, "", {}, {}, {}, "memory per node"},
      {"extra", KeyType::text, "", {}, {}, {}, "any other sbatch options"},
  };
  return keys;
}

// [derived] holds NAME = EXPRESSION lines (taken out before the keys are read, job.cpp) and
// these two keys, valid with every kind.
const std::vector<KeySpec>& derived_keys() {
  static const std::vector<KeySpec> keys = {
      {"grid", KeyType::duration, "", 1e6, 86400e9, {},
       "align every input on this grid (default: on the first input's sample times); any other line is NAME = EXPRESSION"},
      {"hold", KeyType::duration, "", 1e6, {}, {}, "the longest a value is held when aligned (default: the mission's slice, 1d)"},
  };
  return keys;
}

std::string bound(const KeySpec& k, double v) {
  if (k.type == KeyType::duration) return format_duration(static_cast<DurationNs>(v));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return buf;
}

// "(default 16; 2 .. 64)" or "(fail, skip; default fail)": what the tables say beyond the help.
std::string detail(const KeySpec& k) {
  std::string out;
  if (k.type == KeyType::choice) {
    for (const auto& c : k.choices) out += (out.empty() ? "" : ", ") + c;
  }
  if (k.min || k.max) {
    out += out.empty() ? "" : "; ";
    out += (k.min ? bound(k, *k.min) : "") + " .. " + (k.max ? bound(k, *k.max) : "");
  }
  if (!k.fallback.empty()) out += (out.empty() ? "default " : "; default ") + k.fallback;
  return out.empty() ? "" : " (" + out + ")";
}

void help_line(std::string& out, const std::string& key, const KeySpec& k) {
  out += "  " + key + std::string(std::max<int>(2, 20 - static_cast<int>(key.size())), ' ') + k.help + detail(k) + "\n";
}

}  // namespace

const std::vector<KeySpec>* section_keys(std::string_view section) {
  if (section == "slurm") return &slurm_keys();
  if (section == "derived") return &derived_keys();
  const KindSpec* k = find_kind(section);
  return k && !k->keys.empty() ? &k->keys : nullptr;
}

std::vector<std::string> section_names() {
  std::vector<std::string> out;
  for (const KindSpec* k : kinds())
    if (!k->keys.empty()) out.push_back(k->name);
  out.push_back("derived");
  out.push_back("slurm");
  return out;
}

const KeySpec* find_key(std::string_view key) {
  const auto dot = key.find('.');
  const std::vector<KeySpec>* keys = dot == std::string_view::npos ? &common_keys() : section_keys(key.substr(0, dot));
  if (!keys) return nullptr;
  const std::string_view name = dot == std::string_view::npos ? key : key.substr(dot + 1);
  for (const auto& k : *keys)
    if (k.name == name) return &k;
  return nullptr;
}

std::string keys_help() {
  std::string out;
  for (const auto& k : common_keys()) help_line(out, k.name, k);
  for (const auto& section : section_names()) {
    out += " [" + section + "]\n";
    for (const auto& k : *section_keys(section)) help_line(out, section + "." + k.name, k);
  }
  return out;
}

std::string kind_help(const KindSpec& kind) {
  std::string out = "keys every job has (--KEY VALUE):\n";
  for (const auto& k : common_keys())
    if (k.name != "kind" && k.name != "jobs" && k.name != "missions") help_line(out, "--" + k.name, k);
  if (!kind.keys.empty()) {
    out += "[" + kind.name + "] keys (--KEY VALUE, or --" + kind.name + ".KEY VALUE as with telemine run):\n";
    for (const auto& k : kind.keys) help_line(out, "--" + k.name, k);
  }
  return out;
}

}  // namespace telemine::jobs
