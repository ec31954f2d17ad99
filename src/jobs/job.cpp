#include "jobs/job.hpp"

#include <fnmatch.h>

#include <boost/program_options.hpp>
#include <fstream>
#include <set>
#include <sstream>
#include <tuple>

#include "core/error.hpp"
#include "core/suggest.hpp"
#include "core/text.hpp"
#include "io/archive.hpp"
#include "jobs/engine/registry.hpp"

namespace telemine::jobs {

namespace po = boost::program_options;
namespace fs = std::filesystem;

bool glob_match(const std::string& pattern, const std::string& name) {
  return ::fnmatch(pattern.c_str(), name.c_str(), 0) == 0;
}

namespace {

// Every key of the registry, as Boost.Program_options options.
po::options_description all_options() {
  po::options_description desc;
  for (const auto& k : common_keys()) desc.add_options()(k.name.c_str(), po::value<std::string>(), k.help.c_str());
  for (const auto& section : section_names())
    for (const auto& k : *section_keys(section))
      desc.add_options()((section + "." + k.name).c_str(), po::value<std::string>(), k.help.c_str());
  return desc;
}

bool is_known(const std::string& key) { return find_key(key) != nullptr; }

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ','))
    if (auto t = trim(item); !t.empty()) out.emplace_back(t);
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
    const std::string line(trim(raw.substr(0, raw.find('#'))));
    if (line.empty() || line[0] == ';') continue;
    const std::string where = file.string() + ":" + std::to_string(n);
    if (line.front() == '[') {
      if (line.back() != ']') throw JobError(where + ": malformed section header '" + line + "'");
      section = std::string(trim(line.substr(1, line.size() - 2)));
      if (!section_keys(section))
        throw JobError(where + ": unknown section [" + section + "]");
      continue;
    }
    const auto eq = line.find('=');
    if (eq == std::string::npos) throw JobError(where + ": expected 'key = value', got '" + line + "'");
    const std::string key = (section.empty() ? "" : section + ".") + std::string(trim(line.substr(0, eq)));
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
    const std::string line(trim(std::string_view(raw).substr(0, raw.find('#'))));
    if (!line.empty() && line.front() == '[' && line.back() == ']')
      section = trim(std::string_view(line).substr(1, line.size() - 2));
    const auto eq = line.find('=');
    const std::string name(eq == std::string::npos ? std::string_view() : trim(std::string_view(line).substr(0, eq)));
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

namespace {

const KeySpec& spec_of(const std::string& key, KeyType type) {
  const KeySpec* k = find_key(key);
  if (!k || k->type != type) throw InternalError("job key '" + key + "' is not in the registry with this type");
  return *k;
}

std::string range_text(const KeySpec& k) {
  auto one = [&](double v) {
    if (k.type == KeyType::duration) return format_duration(static_cast<DurationNs>(v));
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.15g", v);
    return std::string(buf);
  };
  if (k.min && k.max) return "in " + one(*k.min) + " .. " + one(*k.max);
  return k.min ? "at least " + one(*k.min) : "at most " + one(*k.max);
}

// Checks `value` against the key's type and range; the message says what was expected.
std::optional<std::string> invalid(const KeySpec& k, const std::string& value) {
  auto out_of_range = [&](double x) { return (k.min && x < *k.min) || (k.max && x > *k.max); };
  switch (k.type) {
    case KeyType::integer: {
      const auto x = parse_number<std::int64_t>(value);
      if (!x || out_of_range(static_cast<double>(*x))) return "'" + value + "' is not an integer " + range_text(k);
      return std::nullopt;
    }
    case KeyType::real: {
      const auto x = parse_number<double>(value);
      if (!x || !std::isfinite(*x) || out_of_range(*x)) return "'" + value + "' is not a number " + range_text(k);
      return std::nullopt;
    }
    case KeyType::duration: {
      DurationNs d = 0;
      try {
        d = parse_duration(value, /*allow_zero=*/k.min && *k.min <= 0);
      } catch (const UsageError& e) {
        return std::string(e.what());
      }
      if (out_of_range(static_cast<double>(d))) return "'" + value + "' is not a duration " + range_text(k);
      return std::nullopt;
    }
    case KeyType::time: {
      TimeNs t = 0;
      if (!try_parse_time(value, t)) {
        try {
          parse_time(value);
        } catch (const UsageError& e) {
          return std::string(e.what());
        }
      }
      return std::nullopt;
    }
    case KeyType::choice: {
      if (std::find(k.choices.begin(), k.choices.end(), value) != k.choices.end()) return std::nullopt;
      std::string known;
      for (const auto& c : k.choices) known += (known.empty() ? "" : ", ") + c;
      return "'" + value + "' is not one of " + known;
    }
    default:
      return std::nullopt;
  }
}

// Outputs inside the archive would be taken for archive content (or overwrite it).
void reject_output_in_archive(const Job& job) {
  const JobCommon& c = job.common();
  if (c.archive.empty() || c.output.empty()) return;
  std::error_code ec;
  const fs::path archive = fs::weakly_canonical(fs::absolute(c.archive, ec), ec);
  const fs::path output = fs::weakly_canonical(fs::absolute(c.output, ec), ec);
  if (ec) return;
  auto a = archive.begin();
  auto o = output.begin();
  for (; a != archive.end() && o != output.end() && *a == *o; ++a, ++o) {
  }
  for (; a != archive.end() && a->empty(); ++a) {
  }
  if (a == archive.end())
    job.fail("output", "'" + c.output.string() + "' is the archive folder or inside it: choose a folder outside the archive");
}

// The kind whose section's keys may go without prefix: the command's, else the job file's or
// a --kind on the command line (`telemine run JOB.ini --bucket 1h`).
std::string unprefixed_section(const Job& job, const std::vector<std::string>& args, const std::string& kind_hint) {
  std::string section = kind_hint;
  if (section.empty())
    if (auto k = job.get("kind")) section = *k;
  for (const auto& a : args)
    if (kind_hint.empty() && a.rfind("--kind=", 0) == 0) section = a.substr(7);
  return section;
}

bool has_flag(const std::vector<std::string>& args, const std::string& flag) {
  for (const auto& a : args)
    if (a == flag || a.rfind(flag + "=", 0) == 0) return true;
  return false;
}

// `around` (an event id or a time) and `around-window` become the job's from/to.
void apply_around(const Job& job, JobCommon& c) {
  if (auto around = job.get("around"); around && !around->empty()) {
    if (job.has("from") || job.has("to")) job.fail("around", "give either 'around' or 'from'/'to', not both");
    const DurationNs window = *job.get_duration("around-window");
    try {
      std::tie(c.from, c.to) = around_range(c.archive, c.missions, *around, window);
    } catch (const Error& e) {
      job.fail("around", e.what());
    }
  } else if (job.has("around-window")) {
    job.fail("around-window", "needs 'around' (an event id or a time)");
  }
}

}  // namespace

std::int64_t Job::get_int(const std::string& key) const {
  const KeySpec& k = spec_of(key, KeyType::integer);
  const std::string v = get(key).value_or(k.fallback);
  if (v.empty()) throw InternalError("job key '" + key + "' has no default");
  if (const auto why = invalid(k, v)) fail(key, *why);
  return *parse_number<std::int64_t>(v);
}

double Job::get_double(const std::string& key) const {
  const KeySpec& k = spec_of(key, KeyType::real);
  const std::string v = get(key).value_or(k.fallback);
  if (v.empty()) throw InternalError("job key '" + key + "' has no default");
  if (const auto why = invalid(k, v)) fail(key, *why);
  return *parse_number<double>(v);
}

std::string Job::get_enum(const std::string& key) const {
  const KeySpec& k = spec_of(key, KeyType::choice);
  const std::string v = get(key).value_or(k.fallback);
  if (v.empty()) throw InternalError("job key '" + key + "' has no default");
  if (const auto why = invalid(k, v)) fail(key, *why);
  return v;
}

std::optional<DurationNs> Job::get_duration(const std::string& key) const {
  const KeySpec& k = spec_of(key, KeyType::duration);
  const std::string v = get(key).value_or(k.fallback);
  if (v.empty()) return std::nullopt;
  if (const auto why = invalid(k, v)) fail(key, *why);
  return parse_duration(v, /*allow_zero=*/true);
}

std::optional<TimeNs> Job::get_time(const std::string& key) const {
  const KeySpec& k = spec_of(key, KeyType::time);
  const std::string v = get(key).value_or(k.fallback);
  if (v.empty()) return std::nullopt;
  if (const auto why = invalid(k, v)) fail(key, *why);
  return parse_time(v);
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
  const std::string section = unprefixed_section(job, args, kind_hint);
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
    } else if (a.rfind("--", 0) == 0 && !section.empty()) {
      const auto eq = a.find('=');
      const std::string name = a.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
      const std::string prefixed = section + "." + name;
      // `--window 2h` is around-window, unless the kind has a window of its own that this value
      // can be (novelty's is a count of grid steps: `--window 2h` beside --around is still a duration).
      const std::size_t i = static_cast<std::size_t>(&a - args.data());
      const std::string value = eq != std::string::npos ? a.substr(eq + 1) : i + 1 < args.size() ? args[i + 1] : "";
      const bool beside_around = job.has("around") || has_flag(args, "--around");
      const bool around_window =
          name == "window" && (!is_known(prefixed) || (beside_around && value.find_first_of("hmsdn") != std::string::npos));
      const std::string full = around_window                             ? "around-window"
                               : !is_known(name) && is_known(prefixed) ? prefixed
                                                                        : name;
      rest.push_back("--" + full + a.substr(2 + name.size()));
    } else {
      rest.push_back(a);
    }
  }
  job.args_ = args;
  if (file.empty() && !kind_hint.empty()) job.command_ = kind_hint;
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
  if (!find_kind(c.kind)) job.fail("kind", "unknown job kind '" + c.kind + "' (known: " + kind_names() + ")");
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
  apply_around(job, c);
  if (c.to <= c.from) job.fail("to", "must be after 'from'");
  if (auto v = job.get("on-error"); v && *v != "fail" && *v != "skip")
    job.fail("on-error", "expected fail or skip, got '" + *v + "'");
  c.on_error = job.get_enum("on-error") == "skip" ? OnError::skip : OnError::fail;
  c.verify = job.get_enum("verify") == "checksum";
  // Every typed key given is checked now, before any rank does work.
  for (const auto& [key, value] : job.values_)
    if (const KeySpec* k = find_key(key))
      if (const auto why = invalid(*k, value)) job.fail(key, *why);
  reject_output_in_archive(job);
  return job;
}

std::string Job::help() {
  std::ostringstream out;
  out << "job file keys (in a file `key = value`, sections as [name]; on the command line --key=value, "
         "--section.key=value):\n";
  out << keys_help();
  out << "flags: --dry-run (print the plan and stop), --quiet (no progress), --summary (campaign: only the summary),\n"
         "       --skip-complete (nothing to do when OUTPUT already holds this job's outputs, verified by checksum)\n";
  return out.str();
}

std::vector<std::string> split_comma_list(const std::string& text) { return split_list(text); }

std::pair<TimeNs, TimeNs> around_range(const fs::path& archive_dir, const std::vector<std::string>& missions,
                                       const std::string& around, DurationNs window) {
  auto widened = [&](TimeNs start, TimeNs end) {
    const TimeNs from = start < kTimeMin + window ? kTimeMin : start - window;
    const TimeNs to = end > kTimeMax - window ? kTimeMax : end + window;
    return std::pair{from, std::max(to, from + 1)};
  };
  if (TimeNs t = 0; try_parse_time(around, t)) return widened(t, t + 1);
  const io::Archive archive = io::Archive::open(archive_dir);
  std::vector<std::string> names = missions;
  if (names.empty() || (names.size() == 1 && names[0] == "*")) names = archive.missions();
  std::vector<std::string> ids;
  TimeNs start = kTimeMax, end = kTimeMin;
  for (const auto& m : names) {
    if (!archive.has_mission(m)) continue;
    std::size_t n = 0;
    for (const auto& e : archive.catalog(m).events) {
      // An event without an id is event_N, N its place in the catalogue (as evaluate names it).
      const std::string id = e.id.empty() ? "event_" + std::to_string(++n) : (++n, e.id);
      ids.push_back(id);
      // One id may label several parameters: the range covers them all.
      if (id == around) start = std::min(start, e.start), end = std::max(end, e.end);
    }
  }
  if (start > end) {
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    throw UsageError("'" + excerpt(around) + "' is neither a time (ISO-8601) nor the id of an event of the missions" +
                     did_you_mean(around, ids) + (ids.empty() ? " (they have no events)" : ""));
  }
  return widened(start, end);
}

}  // namespace telemine::jobs
