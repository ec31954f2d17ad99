#include "jobs/job.hpp"

#include <fnmatch.h>

#include <boost/program_options.hpp>
#include <fstream>
#include <set>
#include <sstream>

#include "core/error.hpp"

namespace telemine::jobs {

namespace po = boost::program_options;
namespace fs = std::filesystem;

bool glob_match(const std::string& pattern, const std::string& name) {
  return ::fnmatch(pattern.c_str(), name.c_str(), 0) == 0;
}

namespace {

// Every key a job may set, by section ("" = common). A kind's own section is only valid for that
// kind; [slurm] is valid for every kind (used by `telemine submit`).
struct KeySpec {
  const char* key;
  const char* help;
};
const std::vector<KeySpec>& common_keys() {
  static const std::vector<KeySpec> keys = {
      {"kind", "job kind: stats, dependency, novelty, campaign"},
      {"archive", "archive folder"},
      {"mission", "mission, or a comma list of missions"},
      {"params", "comma list of parameter names and glob patterns (default: all)"},
      {"from", "start of the time range, ISO-8601 (default: the archive's start)"},
      {"to", "end of the time range, exclusive, ISO-8601 (default: the archive's end)"},
      {"output", "output folder"},
      {"on-error", "fail (default) or skip: what to do with a corrupt or missing partition"},
      {"jobs", "campaign: comma list of job files (relative to the campaign file)"},
      {"missions", "campaign: run each job once per mission (comma list, or * for all of the archive)"},
  };
  return keys;
}
const std::map<std::string, std::vector<KeySpec>>& section_keys() {
  static const std::map<std::string, std::vector<KeySpec>> keys = {
      {"stats", {{"bucket", "bucket width, aligned to the Unix epoch (1min ... 1d)"}}},
      {"dependency",
       {{"grid", "resampling grid (a duration that divides 1d, e.g. 1min)"},
        {"bins", "equal-frequency bins per parameter, 2 .. 64 (default 16)"},
        {"max-lag", "largest lag tested, a duration (default 0)"},
        {"lag-step", "step between lags tested (default: the grid)"},
        {"mode", "all (every pair), one (target against the others) or sets (set-a against set-b)"},
        {"target", "mode one: the parameter"},
        {"set-a", "mode sets: names and glob patterns"},
        {"set-b", "mode sets: names and glob patterns"},
        {"alpha", "false discovery rate over all pairs and lags tested (default 0.01)"},
        {"top", "partners per parameter in top.csv (default 10)"}}},
      {"novelty",
       {{"model", "features (mean, std, min, max per period), window (raw grid windows), or a folder of trained models to score with"},
        {"period", "features: the period of one feature vector (default 1h; divides 1d)"},
        {"grid", "window: the resampling grid (default 1min; divides 1d)"},
        {"window", "window: grid steps per window (default 30)"},
        {"stride", "window: grid steps between windows (default: the window)"},
        {"group", "one model per: parameter, subsystem (default), all (one model, data-parallel), or lists 'A*, B; C*'"},
        {"train-from", "start of the reference period (default: the job's start)"},
        {"train-to", "end of the reference period (default: the job's end); labelled anomalies in it are excluded"},
        {"hidden", "layer sizes down to the code, e.g. 64, 16 (default: 2 x inputs, inputs / 3)"},
        {"epochs", "training epochs (default 300)"},
        {"batch", "global batch (default 64)"},
        {"learning-rate", "Adam learning rate (default 0.003)"},
        {"seed", "seed of the initial weights and the shuffles (default 1)"},
        {"threshold", "pot:RISK (extreme values of the reference scores; RISK: the chance that a nominal period of a model is flagged, default pot:0.001), sigma:K, quantile:Q, ndt:PRUNE (Hundman et al.'s dynamic threshold on the scored errors), or telemanom:PRUNE (the same as their reference code runs it, with its guards)"},
        {"ndt-window", "ndt, telemanom: each window of this length gets its own threshold, 30 steps per window (default: one window; telemanom 2100 steps)"},
        {"ndt-smoothing", "ndt, telemanom: span of the exponentially weighted average of the errors before thresholding (default: none; telemanom 105 steps)"},
        {"model-dir", "where the trained models go (default OUTPUT/models)"},
        {"threads", "Torch threads per rank (default 1)"}}},
      {"forest",
       {{"target", "the parameters to explain: names and glob patterns (each gets its own forest)"},
        {"lags", "lags of every feature, comma list of durations (default 0), multiples of the grid"},
        {"grid", "resampling grid, last value held (default 1min)"},
        {"train-from", "start of the reference period (default: the job's start)"},
        {"train-to", "end of the reference period (default: the job's end); its last `holdout` share is held out"},
        {"holdout", "share of the reference period held out for the fit and the threshold (default 0.25)"},
        {"sigma", "novel where |residual| > mean + sigma x std of the held-out |residual| (default 5)"},
        {"trees", "trees per forest (default 100)"},
        {"depth", "maximum tree depth (default 8)"},
        {"subsample", "share of the rows per tree (default 0.632)"},
        {"colsample", "share of the features tried at each split (default 0.333)"},
        {"seed", "random seed (default 1)"},
        {"threads", "XGBoost threads per rank (default 1)"},
        {"model", "a folder of trained models (a forest job's models/) to score with instead of training"},
        {"model-dir", "where the trained models go (default OUTPUT/models)"}}},
      {"derived",
       {{"grid", "align every input on this grid (default: on the first input's sample times); any other line is NAME = EXPRESSION"},
        {"hold", "the longest a value is held when aligned (default: the mission's slice, 1d)"}}},
      {"slurm",
       {{"nodes", "nodes"},
        {"ntasks-per-node", "MPI ranks per node"},
        {"cpus-per-task", "cores per rank"},
        {"time", "time limit (HH:MM:SS)"},
        {"partition", "Slurm partition"},
        {"account", "Slurm account"},
        {"mem", "memory per node"},
        {"extra", "any other sbatch options"}}},
  };
  return keys;
}
const std::set<std::string>& known_kinds() {
  static const std::set<std::string> kinds = {"stats", "dependency", "novelty", "campaign", "forest"};
  return kinds;
}

po::options_description all_options() {
  po::options_description desc;
  for (const auto& k : common_keys()) desc.add_options()(k.key, po::value<std::string>(), k.help);
  for (const auto& [section, keys] : section_keys())
    for (const auto& k : keys) desc.add_options()((section + "." + k.key).c_str(), po::value<std::string>(), k.help);
  return desc;
}

bool is_known(const std::string& key) {
  for (const auto& k : common_keys())
    if (key == k.key) return true;
  const auto dot = key.find('.');
  if (dot == std::string::npos) return false;
  const auto it = section_keys().find(key.substr(0, dot));
  if (it == section_keys().end()) return false;
  for (const auto& k : it->second)
    if (key.substr(dot + 1) == k.key) return true;
  return false;
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ','))
    if (auto t = trim(item); !t.empty()) out.push_back(t);
  return out;
}

// The job file's lines, for line numbers in messages: Boost.Program_options reads the values but
// does not say where they were.
std::map<std::string, int> key_lines(const fs::path& file, const std::string& text) {
  std::map<std::string, int> lines;
  std::istringstream in(text);
  std::string raw, section;
  int n = 0;
  while (std::getline(in, raw)) {
    ++n;
    const std::string line = trim(raw.substr(0, raw.find('#')));
    if (line.empty() || line[0] == ';') continue;
    const std::string where = file.string() + ":" + std::to_string(n);
    if (line.front() == '[') {
      if (line.back() != ']') throw JobError(where + ": malformed section header '" + line + "'");
      section = trim(line.substr(1, line.size() - 2));
      if (section_keys().find(section) == section_keys().end())
        throw JobError(where + ": unknown section [" + section + "]");
      continue;
    }
    const auto eq = line.find('=');
    if (eq == std::string::npos) throw JobError(where + ": expected 'key = value', got '" + line + "'");
    const std::string key = (section.empty() ? "" : section + ".") + trim(line.substr(0, eq));
    if (!is_known(key)) throw JobError(where + ": unknown key '" + key + "'");
    if (!lines.emplace(key, n).second)
      throw JobError(where + ": key '" + key + "' given twice (first at line " + std::to_string(lines[key]) + ")");
  }
  return lines;
}

// The [derived] section's definitions (any name is allowed there), taken out of `text`: their
// lines are blanked, so that line numbers stay, and Boost.Program_options sees only known keys.
std::vector<derived::Definition> take_derived(const fs::path& file, std::string& text) {
  std::vector<derived::Definition> out;
  std::string kept, raw, section;
  std::istringstream in(text);
  int n = 0;
  while (std::getline(in, raw)) {
    ++n;
    const std::string line = trim(raw.substr(0, raw.find('#')));
    if (!line.empty() && line.front() == '[' && line.back() == ']') section = trim(line.substr(1, line.size() - 2));
    const auto eq = line.find('=');
    const std::string name = eq == std::string::npos ? "" : trim(line.substr(0, eq));
    if (section == "derived" && !line.empty() && line.front() != '[' && line[0] != ';' && name != "grid" && name != "hold") {
      try {
        out.push_back(derived::parse_definition(line, file.string() + ":" + std::to_string(n)));
      } catch (const UsageError& e) {
        throw JobError(e.what());
      }
      raw.clear();
    }
    kept += raw + "\n";
  }
  text = kept;
  return out;
}

}  // namespace

derived::Options Job::derived_options() const {
  return {get_duration("derived.hold").value_or(0), get_duration("derived.grid").value_or(0)};
}

std::optional<std::string> Job::get(const std::string& key) const {
  auto it = values_.find(key);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

std::string Job::where(const std::string& key) const {
  auto it = origin_.find(key);
  return it == origin_.end() ? (file_.empty() ? "command line" : file_.string()) : it->second;
}

void Job::fail(const std::string& key, const std::string& message) const {
  throw JobError(where(key) + ": key '" + key + "': " + message);
}

std::optional<DurationNs> Job::get_duration(const std::string& key) const {
  const auto v = get(key);
  if (!v) return std::nullopt;
  try {
    return parse_duration(*v);
  } catch (const UsageError& e) {
    fail(key, e.what());
  }
}

Job Job::parse(const fs::path& file, const std::vector<std::string>& args, const std::string& kind_hint) {
  Job job;
  job.file_ = file;
  const po::options_description desc = all_options();

  if (!file.empty()) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw JobError(file.string() + ": cannot read job file");
    job.text_.assign(std::istreambuf_iterator<char>(in), {});
    std::string known = job.text_;
    job.derived_ = take_derived(file, known);
    const auto lines = key_lines(file, known);
    std::istringstream text(known);
    po::parsed_options parsed(&desc);
    try {
      parsed = po::parse_config_file(text, desc, false);
    } catch (const po::error& e) {
      throw JobError(file.string() + ": " + e.what());
    }
    for (const auto& opt : parsed.options) {
      job.values_[opt.string_key] = opt.value.empty() ? "" : trim(opt.value.front());
      job.origin_[opt.string_key] = file.string() + ":" + std::to_string(lines.at(opt.string_key));
    }
  }

  // The command line: `--key=value` or `--key value`; a kind's keys without their section prefix
  // when the job was started as that kind's command. Flags: --dry-run, --quiet.
  std::vector<std::string> rest;
  for (const auto& a : args) {
    if (a == "--dry-run") {
      job.dry_run_ = true;
    } else if (a == "--quiet" || a == "-q") {
      job.progress_ = false;
    } else if (a == "--summary") {
      job.summary_only_ = true;
    } else if (a == "--skip-complete") {
      job.skip_complete_ = true;
    } else if (a.rfind("--derived.", 0) == 0 && a.find('=') != std::string::npos &&
               !is_known(a.substr(2, a.find('=') - 2))) {
      job.derived_.push_back(derived::parse_definition(a.substr(10), "command line"));
    } else if (a.rfind("--", 0) == 0 && !kind_hint.empty()) {
      const auto eq = a.find('=');
      const std::string name = a.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
      const std::string prefixed = kind_hint + "." + name;
      rest.push_back(!is_known(name) && is_known(prefixed) ? "--" + prefixed + a.substr(2 + name.size()) : a);
    } else {
      rest.push_back(a);
    }
  }
  job.args_ = args;
  try {
    const auto parsed = po::command_line_parser(rest).options(desc).style(po::command_line_style::unix_style).run();
    for (const auto& opt : parsed.options) {
      if (opt.string_key.empty() || opt.value.empty())
        throw JobError("command line: unexpected argument '" + (opt.original_tokens.empty() ? std::string() : opt.original_tokens.front()) + "'");
      job.values_[opt.string_key] = opt.value.back();
      job.origin_[opt.string_key] = "command line";
    }
  } catch (const po::error& e) {
    throw JobError(std::string("command line: ") + e.what());
  }

  // Common keys, typed.
  JobCommon& c = job.common_;
  auto required = [&](const std::string& key) {
    auto v = job.get(key);
    if (!v || v->empty())
      throw JobError((file.empty() ? std::string("command line") : file.string()) + ": missing key '" + key + "'" +
                     (file.empty() ? " (--" + key + ")" : ""));
    return *v;
  };
  c.kind = kind_hint.empty() ? required("kind") : job.get("kind").value_or(kind_hint);
  if (!kind_hint.empty() && c.kind != kind_hint) job.fail("kind", "is '" + c.kind + "' but the command is '" + kind_hint + "'");
  if (!known_kinds().count(c.kind)) job.fail("kind", "unknown job kind '" + c.kind + "' (known: campaign, dependency, forest, novelty, stats)");
  const bool campaign = c.kind == "campaign";
  for (const char* key : {"jobs", "missions"})
    if (!campaign && job.get(key)) job.fail(key, "only a campaign has this key");
  if (campaign && job.get("mission")) job.fail("mission", "a campaign takes 'missions' (each job runs once per mission)");
  for (const auto& [key, value] : job.values_) {
    const auto dot = key.find('.');
    if (dot != std::string::npos && key.substr(0, dot) != c.kind && key.substr(0, dot) != "slurm" &&
        key.substr(0, dot) != "derived")
      job.fail(key, "belongs to kind '" + key.substr(0, dot) + "', not '" + c.kind + "'");
  }
  if (campaign) {
    c.jobs = split_list(required("jobs"));
    if (auto v = job.get("archive")) c.archive = *v;
    if (auto v = job.get("missions")) c.missions = split_list(*v);
  } else {
    c.archive = required("archive");
    c.missions = split_list(required("mission"));
  }
  if (auto p = job.get("params")) c.params = split_list(*p);
  c.output = required("output");
  for (auto [key, target] : {std::pair{"from", &c.from}, {"to", &c.to}}) {
    if (auto v = job.get(key); v && !v->empty()) {
      try {
        *target = parse_time(*v);
      } catch (const UsageError& e) {
        job.fail(key, e.what());
      }
    }
  }
  if (c.to <= c.from) job.fail("to", "must be after 'from'");
  if (auto v = job.get("on-error")) {
    if (*v == "fail") c.on_error = OnError::fail;
    else if (*v == "skip") c.on_error = OnError::skip;
    else job.fail("on-error", "expected fail or skip, got '" + *v + "'");
  }
  return job;
}

std::string Job::help() {
  std::ostringstream out;
  out << "job file keys (in a file `key = value`, sections as [name]; on the command line --key=value, "
         "--section.key=value):\n";
  for (const auto& k : common_keys()) out << "  " << k.key << std::string(20 - std::string(k.key).size(), ' ') << k.help << "\n";
  for (const auto& [section, keys] : section_keys()) {
    out << " [" << section << "]\n";
    for (const auto& k : keys)
      out << "  " << section << "." << k.key << std::string(std::max<int>(2, 18 - static_cast<int>(section.size() + std::string(k.key).size())), ' ')
          << k.help << "\n";
  }
  out << "flags: --dry-run (print the plan and stop), --quiet (no progress), --summary (campaign: only the summary),\n"
         "       --skip-complete (nothing to do when OUTPUT already holds this job's outputs, verified by checksum)\n";
  return out.str();
}

std::vector<std::string> split_comma_list(const std::string& text) { return split_list(text); }

}  // namespace telemine::jobs
