#include "derived/derived.hpp"

#include <algorithm>
#include <functional>
#include <limits>
#include <set>

#include "core/error.hpp"
#include "core/text.hpp"
#include "kernels/timefuncs.hpp"

namespace telemine::derived {

namespace {

constexpr TimeNs minus(TimeNs t, DurationNs d) noexcept { return t < kTimeMin + d ? kTimeMin : t - d; }

// How far before its first output a time-aware function looks.
DurationNs reach(const Reference& r, DurationNs hold) {
  switch (r.func) {
    case TimeFunc::none: return 0;
    case TimeFunc::lag: return r.arg + hold;
    case TimeFunc::mean: return r.arg;
    case TimeFunc::diff: case TimeFunc::rate: case TimeFunc::held: return hold;
  }
  return 0;
}

// The time span of the mission's samples: [first, last + 1).
std::pair<TimeNs, TimeNs> data_span(const io::Catalog& c) {
  if (c.partitions.empty()) return {0, 0};
  TimeNs first = kTimeMax, last = kTimeMin;
  for (const auto& p : c.partitions) {
    first = std::min(first, p.first_time);
    last = std::max(last, p.last_time);
  }
  return {first, last + 1};
}

io::Series apply(const Reference& r, io::Series x, DurationNs hold) {
  if (r.func == TimeFunc::none) return x;
  std::vector<double> out(x.size());
  switch (r.func) {
    case TimeFunc::lag: kernels::lag(x.time, x.value, r.arg, hold, out); break;
    case TimeFunc::diff: kernels::diff(x.time, x.value, hold, out); break;
    case TimeFunc::rate: kernels::rate(x.time, x.value, hold, out); break;
    case TimeFunc::mean: kernels::trailing_mean(x.time, x.value, r.arg, out); break;
    case TimeFunc::held: kernels::held(x.time, x.value, hold, out); break;
    case TimeFunc::none: break;
  }
  x.value = std::move(out);
  return x;
}

}  // namespace

struct Definitions::Entry {
  Definition definition;
  Expression expression;
  Program program;
  DurationNs margin = 0;
};

Definitions::Definitions() = default;
Definitions::Definitions(Definitions&&) noexcept = default;
Definitions& Definitions::operator=(Definitions&&) noexcept = default;
Definitions::~Definitions() = default;

Definition parse_definition(std::string_view text, std::string where) {
  const auto eq = text.find('=');
  // `A == B` alone is a comparison, not a definition.
  if (eq == std::string_view::npos || (eq + 1 < text.size() && text[eq + 1] == '='))
    throw UsageError(where + ": expected 'NAME = EXPRESSION', got '" + std::string(text) + "'");
  return Definition{std::string(trim(text.substr(0, eq))), std::string(trim(text.substr(eq + 1))), std::move(where)};
}

Definitions Definitions::make(const std::vector<Definition>& definitions, const io::Catalog& catalog, TimeNs from,
                              TimeNs to, Options options) {
  Definitions d;
  if (options.hold <= 0) options.hold = catalog.slice;
  d.options_ = options;
  auto fail = [](const Definition& def, const std::string& message) -> void {
    throw UsageError(def.where + ": derived parameter " + def.name + ": " + message);
  };
  for (const auto& def : definitions) {
    try {
      io::validate_name("derived parameter", def.name);
    } catch (const UsageError& e) {
      throw UsageError(def.where + ": " + e.what());
    }
    if (catalog.find_param(def.name))
      fail(def, "mission " + catalog.mission + " already has a stored parameter of this name: choose another");
    if (d.entries_.count(def.name)) fail(def, "defined twice");
    try {
      Expression x = parse(def.expression);
      Program p = Program::compile(x);
      d.entries_.emplace(def.name, std::make_unique<Entry>(Entry{def, std::move(x), std::move(p), 0}));
    } catch (const UsageError& e) {
      fail(def, e.what());
    }
  }
  const auto [first, end] = data_span(catalog);
  const DurationNs range = std::min(to, end) - std::max(from, first);
  for (const auto& [name, e] : d.entries_)
    for (std::size_t k = 0; k < e->expression.inputs.size(); ++k) {
      const Reference& r = e->expression.inputs[k];
      const std::string at = "column " + std::to_string(e->expression.columns[k] + 1) + ": ";
      if (!catalog.find_param(r.param) && !d.contains(r.param))
        fail(e->definition, at + "unknown parameter '" + r.param + "' (mission " + catalog.mission +
                                 " has no such parameter, and no derived parameter has this name)");
      if ((r.func == TimeFunc::lag || r.func == TimeFunc::mean) && range > 0 && r.arg >= range)
        fail(e->definition, at + to_string(r) + ": " + format_duration(r.arg) + " is not shorter than the range (" +
                                 format_duration(range) + ")");
    }
  // Cycles, by depth-first search; margins on the way back up.
  std::map<std::string, int, std::less<>> state;  // 1 = on the path, 2 = done
  std::vector<std::string> path;
  std::function<DurationNs(const std::string&)> visit = [&](const std::string& name) -> DurationNs {
    Entry& e = *d.entries_.at(name);
    if (state[name] == 2) return e.margin;
    if (state[name] == 1) {
      std::string cycle;
      for (auto it = std::find(path.begin(), path.end(), name); it != path.end(); ++it) cycle += *it + " -> ";
      fail(e.definition, "cycle: " + cycle + name);
    }
    state[name] = 1;
    path.push_back(name);
    DurationNs margin = 0;
    for (std::size_t k = 0; k < e.expression.inputs.size(); ++k) {
      const Reference& r = e.expression.inputs[k];
      const bool held = k > 0 || options.grid > 0;
      DurationNs m = reach(r, options.hold) + (held ? options.hold : 0);
      if (d.contains(r.param)) m += visit(r.param);
      margin = std::max(margin, m);
    }
    path.pop_back();
    state[name] = 2;
    return e.margin = margin;
  };
  for (const auto& [name, e] : d.entries_) visit(name);
  return d;
}

bool Definitions::contains(std::string_view name) const noexcept { return entries_.find(name) != entries_.end(); }

std::vector<std::string> Definitions::names() const {
  std::vector<std::string> out;
  for (const auto& [name, e] : entries_) out.push_back(name);
  return out;
}

const Definitions::Entry& Definitions::entry(std::string_view name) const {
  const auto it = entries_.find(name);
  if (it == entries_.end()) throw InternalError("no derived parameter '" + std::string(name) + "'");
  return *it->second;
}

const Definition& Definitions::definition(std::string_view name) const { return entry(name).definition; }
DurationNs Definitions::margin(std::string_view name) const { return contains(name) ? entry(name).margin : 0; }
DurationNs Definitions::hold() const noexcept { return options_.hold; }
DurationNs Definitions::grid() const noexcept { return options_.grid; }

std::vector<std::string> Definitions::stored_inputs(std::string_view name) const {
  std::set<std::string> out;
  std::function<void(std::string_view)> walk = [&](std::string_view n) {
    if (!contains(n)) {
      out.insert(std::string(n));
      return;
    }
    for (const auto& r : entry(n).expression.inputs) walk(r.param);
  };
  walk(name);
  return {out.begin(), out.end()};
}

io::Series Definitions::read(const io::Archive& archive, const io::Catalog& catalog, std::string_view name,
                             TimeNs from, TimeNs to) const {
  if (!contains(name)) return archive.read(catalog, name, from, to);
  const auto [first, end] = data_span(catalog);
  from = std::max(from, first);
  to = std::min(to, end);
  if (to <= from) return {};
  return read_derived(archive, catalog, entry(name), from, to);
}

io::Series Definitions::read_derived(const io::Archive& archive, const io::Catalog& catalog, const Entry& e,
                                     TimeNs from, TimeNs to) const {
  const DurationNs hold = options_.hold, grid = options_.grid;
  const auto& refs = e.expression.inputs;
  // Each input through its time-aware function, on its own samples, from early enough.
  std::vector<io::Series> src;
  for (std::size_t k = 0; k < refs.size(); ++k) {
    const bool held = k > 0 || grid > 0;
    const DurationNs need = reach(refs[k], hold) + (held ? hold : 0);
    src.push_back(apply(refs[k], read(archive, catalog, refs[k].param, minus(from, need), to), hold));
  }
  io::Series out;
  std::size_t lo = 0, hi = 0;
  if (grid > 0) {
    for (TimeNs t = bucket_start(minus(from, 1), grid) + grid; t < to; t += grid) out.time.push_back(t);
  } else {
    const auto& t0 = src[0].time;
    lo = static_cast<std::size_t>(std::lower_bound(t0.begin(), t0.end(), from) - t0.begin());
    hi = static_cast<std::size_t>(std::lower_bound(t0.begin(), t0.end(), to) - t0.begin());
    out.time.assign(t0.begin() + static_cast<std::ptrdiff_t>(lo), t0.begin() + static_cast<std::ptrdiff_t>(hi));
  }
  const std::size_t n = out.time.size();
  std::vector<std::vector<double>> aligned(refs.size());
  std::vector<std::span<const double>> columns;
  for (std::size_t k = 0; k < refs.size(); ++k) {
    if (k == 0 && grid == 0) {
      columns.emplace_back(src[0].value.data() + lo, n);
      continue;
    }
    aligned[k].resize(n);
    kernels::align_held(src[k].time, src[k].value, out.time, hold, aligned[k]);
    columns.emplace_back(aligned[k]);
  }
  out.value.resize(n);
  e.program.evaluate(columns, out.value);
  return out;
}

io::ParamInfo param_info(const Definition& d) {
  return io::ParamInfo{d.name, "", "= " + d.expression, "derived", io::ParamKind::numeric};
}

std::vector<MissionDefinitions> for_missions(const io::Archive& archive, const std::vector<std::string>& missions,
                                             const std::vector<Definition>& definitions, TimeNs from, TimeNs to,
                                             Options options) {
  std::vector<MissionDefinitions> out;
  for (const auto& m : missions) {
    MissionDefinitions md;
    if (!definitions.empty()) {
      md.catalog = archive.catalog(m);
      md.definitions = Definitions::make(definitions, md.catalog, from, to, options);
    }
    out.push_back(std::move(md));
  }
  return out;
}

}  // namespace telemine::derived
