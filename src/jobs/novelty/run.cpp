#include "jobs/novelty/run.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <numeric>
#include <set>
#include <span>
#include <sstream>

#include "core/comm.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "core/progress.hpp"
#include "core/serialize.hpp"
#include "core/time.hpp"
#include "io/archive.hpp"
#include "io/csv.hpp"
#include "io/fs.hpp"
#include "io/json.hpp"
#include "io/table.hpp"
#include "jobs/engine/params.hpp"
#include "jobs/engine/scan.hpp"
#include "jobs/job.hpp"
#include "jobs/novelty/settings.hpp"
#include "jobs/plan.hpp"
#include "jobs/product.hpp"
#include "kernels/dependency.hpp"
#include "kernels/novelty.hpp"
#include "kernels/stats.hpp"
#include "ml/autoencoder.hpp"

namespace telemine::jobs {
namespace {

namespace fs = std::filesystem;
namespace k = kernels;
using novelty::kFeatures;
using novelty::ModelKind;
using novelty::Settings;

struct Param {
  int mission = 0;
  std::string name, display, subsystem;
  io::ParamKind kind = io::ParamKind::numeric;
};

struct Group {
  std::string name;
  std::vector<std::int32_t> params;
};

// The rows of one model: one per period (features) or window, inputs flattened row-major.
struct Rows {
  std::vector<TimeNs> start, end;
  std::vector<float> x;
  std::size_t size() const noexcept { return start.size(); }
};

std::string file_name(std::string name) {
  for (char& c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) c = '_';
  return name + ".pt";
}

// Thresholds on the reference scores (pot, sigma, quantile). ndt instead works on the scores of
// the rows after the reference period (see below); its reference threshold is their maximum.
double threshold_of(const Settings& s, std::span<const double> reference, std::size_t params) {
  if (s.method == "ndt" || s.method == "telemanom") return *std::max_element(reference.begin(), reference.end());
  if (s.method == "sigma") return k::sigma_threshold(reference, s.method_value);
  // RISK is the chance that a nominal row of the model is flagged; a row is flagged when any
  // of its parameters is, so each parameter gets RISK / n (Bonferroni).
  const double n = static_cast<double>(std::max<std::size_t>(1, params));
  if (s.method == "quantile") return k::quantile_threshold(reference, 1 - (1 - s.method_value) / n);
  return k::pot_threshold(reference, s.method_value / n);
}

// A novel row, sent to rank 0 to be merged into intervals.
struct Novel {
  std::int32_t group = 0;
  TimeNs start = 0, end = 0;
  double score = 0;
};

// Labelled anomalies by parameter display name, kept out of the reference rows.
using Labels = std::map<std::string, std::vector<k::Interval>>;

// Per parameter and day: the features of every period, or the grid values (window model).
using Blocks = std::map<std::pair<std::int32_t, std::int64_t>, std::vector<double>>;

// What one model is and learned, and how it scored its rows.
struct Model {
  std::vector<double> mean, sd;              // per input
  std::vector<double> ref_mean_q, ref_sd_q;  // per parameter: its reference errors
  double threshold = 1.0;                    // on row scores: multiples of the parameters' thresholds
  std::vector<double> threshold_q;           // per parameter, on its standardised error
  std::vector<double> score;                 // standardised, per row
  std::vector<double> score_q;               // per row and parameter: its own, as a multiple of its threshold
  std::vector<float> share;                  // per row and parameter: its part of the error
  std::int64_t reference_rows = 0;
  ml::TrainReport report;
  std::string file;
  bool resumed = false;  // loaded from the model file of an earlier, unfinished run

  // The numbers a model file keeps besides the weights.
  void take_numbers(std::map<std::string, std::vector<double>>& numbers) {
    mean = numbers["norm_mean"];
    sd = numbers["norm_sd"];
    ref_mean_q = numbers["ref_mean"];
    ref_sd_q = numbers["ref_sd"];
    threshold_q = numbers["threshold"];
  }
};

// Each parameter's error on each row of a model (row-major, rows x parameters).
struct Errors {
  std::vector<double> mse;               // mean squared error over the parameter's inputs
  std::vector<double> rms_units, value;  // telemanom: error in the parameter's own units, and its value
};

std::vector<Param> params_of(const ParamIndex& index) {
  std::vector<Param> params;
  for (std::size_t p = 0; p < index.size(); ++p) {
    const io::ParamInfo& info = index.info(p);
    params.push_back({index.mission(p), info.name, index.label(p), info.subsystem, info.kind});
  }
  return params;
}

std::vector<Group> make_groups(const Settings& set, const std::vector<Param>& params, const Plan& plan, const Job& job) {
  const auto n_params = static_cast<std::int32_t>(params.size());
  std::vector<Group> groups;
  if (set.group == "parameter") {
    for (std::int32_t p = 0; p < n_params; ++p) groups.push_back({params[p].display, {p}});
  } else if (set.group == "all") {
    std::vector<std::int32_t> all(static_cast<std::size_t>(n_params));
    std::iota(all.begin(), all.end(), 0);
    groups.push_back({"all", all});
  } else if (set.group == "subsystem") {
    std::map<std::pair<int, std::string>, std::vector<std::int32_t>> by;
    for (std::int32_t p = 0; p < n_params; ++p) by[{params[p].mission, params[p].subsystem}].push_back(p);
    for (const auto& [key, ps] : by) {
      const std::string sub = key.second.empty() ? "none" : key.second;
      groups.push_back({plan.missions.size() > 1 ? plan.missions[static_cast<std::size_t>(key.first)].name + "/" + sub : sub, ps});
    }
  } else {
    for (std::size_t g = 0; g < set.lists.size(); ++g) {
      Group grp{"group" + std::to_string(g + 1), {}};
      for (std::int32_t p = 0; p < n_params; ++p)
        for (const auto& pat : set.lists[g])
          if (glob_match(pat, params[p].display) || glob_match(pat, params[p].name)) {
            grp.params.push_back(p);
            break;
          }
      if (grp.params.empty()) job.fail("novelty.group", "'" + set.lists[g].front() + "...' matches no parameter");
      groups.push_back(grp);
    }
  }
  return groups;
}

Labels read_labels(const Job& job, const Plan& plan, const std::vector<Param>& params) {
  Labels labelled;
  const io::Archive archive = io::Archive::open(job.common().archive);
  for (std::size_t m = 0; m < plan.missions.size(); ++m)
    for (const auto& e : archive.catalog(plan.missions[m].name).events) {
      if (e.kind != "anomaly") continue;
      for (const auto& p : params)
        if (p.mission == static_cast<int>(m) && (e.param.empty() || e.param == p.name)) labelled[p.display].push_back({e.start, e.end});
    }
  return labelled;
}

// One parameter's day: the grid values (window; state parameters hold their last value) or
// mean, standard deviation, min and max of every period (features); NaN where nothing is.
void day_block(const Settings& set, io::ParamKind kind, const io::Series& series, TimeNs day_start, std::vector<double>& block,
               std::vector<k::BucketStats>& buckets) {
  std::fill(block.begin(), block.end(), NAN);
  if (set.kind == ModelKind::window) {
    if (kind == io::ParamKind::state) k::resample_last(series.time, series.value, day_start, set.grid, block, NAN);
    else k::resample_mean(series.time, series.value, day_start, set.grid, block);
    return;
  }
  buckets.clear();
  k::bucket_stats(series.time, series.value, set.period, buckets);
  for (const auto& bs : buckets) {
    if (bs.count == 0) continue;
    const auto at = static_cast<std::size_t>((bs.start - day_start) / set.period) * kFeatures;
    block[at] = bs.mean;
    block[at + 1] = bs.count > 1 ? std::sqrt(bs.m2 / static_cast<double>(bs.count - 1)) : 0.0;
    block[at + 2] = bs.min;
    block[at + 3] = bs.max;
  }
}

// Appends one parameter's part of a row; false if it is incomplete. A window holds a
// parameter's last value over gaps (one sampled less often than the grid), from the first
// present one, and needs at least half its steps present; features need all four.
bool append_inputs(ModelKind kind, std::span<const double> values, std::vector<float>& x) {
  if (kind == ModelKind::window) {
    std::size_t present = 0;
    double held = NAN;
    for (double v : values) {
      present += !std::isnan(v);
      if (std::isnan(held) && !std::isnan(v)) held = v;
    }
    if (2 * present < values.size()) return false;
    for (double v : values) {
      if (!std::isnan(v)) held = v;
      x.push_back(static_cast<float>(held));
    }
    return true;
  }
  for (double v : values) {
    if (std::isnan(v)) return false;
    x.push_back(static_cast<float>(v));
  }
  return true;
}

// The complete rows of one group's parameters inside the job's range, day by day.
Rows make_rows(const Settings& set, const Plan& plan, const std::vector<std::int32_t>& ps, const Blocks& blocks,
               const std::set<std::int64_t>& days, std::int64_t per_day) {
  Rows r;
  const bool window = set.kind == ModelKind::window;
  const std::int64_t width = window ? set.window : 1, step = window ? set.stride : 1;
  const DurationNs unit = window ? set.grid : set.period;
  const std::int64_t n = window ? width : kFeatures;  // values a parameter gives a row
  std::vector<const std::vector<double>*> bl(ps.size());
  for (auto day : days) {
    bool any = false;
    for (std::size_t i = 0; i < ps.size(); ++i) {
      const auto it = blocks.find({ps[i], day});
      bl[i] = it == blocks.end() ? nullptr : &it->second;
      any |= bl[i] != nullptr;
    }
    if (!any) continue;
    const TimeNs day_start = day * kDay;
    for (std::int64_t at = 0; at + width <= per_day; at += step) {
      const TimeNs start = day_start + at * unit, end = start + width * unit;
      if (start < plan.from || end > plan.to) continue;
      const std::size_t before = r.x.size();
      bool complete = true;
      for (std::size_t i = 0; i < ps.size() && complete; ++i) {
        const std::int64_t first = window ? at : at * kFeatures;
        complete = bl[i] && append_inputs(set.kind, std::span<const double>(*bl[i]).subspan(static_cast<std::size_t>(first), static_cast<std::size_t>(n)), r.x);
      }
      if (!complete) {
        r.x.resize(before);
        continue;
      }
      r.start.push_back(start);
      r.end.push_back(end);
    }
  }
  return r;
}

// Reference rows: inside the training period, touching no labelled anomaly of the group.
std::vector<char> reference_mask(const Settings& set, const Rows& r, const Group& group, const std::vector<Param>& params,
                                 const Labels& labelled) {
  std::vector<char> reference(r.size(), 0);
  for (std::size_t i = 0; i < r.size(); ++i) {
    if (r.start[i] < set.train_from || r.end[i] > set.train_to) continue;
    bool clean = true;
    for (auto p : group.params) {
      const auto it = labelled.find(params[p].display);
      if (it == labelled.end()) continue;
      for (const auto& l : it->second) clean &= !(l.start < r.end[i] && r.start[i] < l.end);
    }
    reference[i] = clean;
  }
  return reference;
}

// Normalisation on the reference rows: per input (features), per parameter (window). Returns
// false if there is no reference row. Data-parallel (`dp`), over every rank's rows.
bool fit_normalisation(const Settings& set, const Rows& r, const std::vector<char>& reference, int inputs, std::size_t np,
                       const Comm* dp, Model& m) {
  const int per_param = inputs / static_cast<int>(np);
  std::vector<double> sums(static_cast<std::size_t>(2 * inputs + 1), 0.0);
  for (std::size_t i = 0; i < r.size(); ++i) {
    if (!reference[i]) continue;
    for (int j = 0; j < inputs; ++j) {
      const double v = r.x[i * static_cast<std::size_t>(inputs) + static_cast<std::size_t>(j)];
      sums[static_cast<std::size_t>(j)] += v;
      sums[static_cast<std::size_t>(inputs + j)] += v * v;
    }
    sums[static_cast<std::size_t>(2 * inputs)] += 1;
  }
  if (dp) dp->allreduce(std::span<double>(sums), ReduceOp::sum);
  const double count = sums[static_cast<std::size_t>(2 * inputs)];
  if (count < 1) return false;
  m.mean.assign(static_cast<std::size_t>(inputs), 0.0);
  m.sd.assign(static_cast<std::size_t>(inputs), 1.0);
  for (int j = 0; j < inputs; ++j) {
    // Window inputs of one parameter share its mean and spread; features each have their own.
    const int lo = set.kind == ModelKind::window ? j / per_param * per_param : j;
    const int hi = set.kind == ModelKind::window ? lo + per_param : j + 1;
    double s = 0, sq = 0;
    for (int q = lo; q < hi; ++q) {
      s += sums[static_cast<std::size_t>(q)];
      sq += sums[static_cast<std::size_t>(inputs + q)];
    }
    const double c = count * (hi - lo);
    if (c < 1) continue;
    const double mean = s / c, var = std::max(0.0, sq / c - mean * mean);
    m.mean[static_cast<std::size_t>(j)] = mean;
    m.sd[static_cast<std::size_t>(j)] = var > 1e-24 ? std::sqrt(var) : 1.0;
  }
  return true;
}

// Each parameter's mean squared error per row, and its share of the row's error. telemanom
// also needs each parameter's error in its own units (root mean square over its inputs) and
// its value: the window's middle step, a sample of the values themselves as telemanom's
// guards see them (a window's mean would narrow their spread), or the period's mean.
Errors parameter_errors(const Settings& set, const Rows& r, std::span<const float> err, int inputs, std::size_t np, Model& m) {
  const std::size_t n = r.size();
  const int per_param = inputs / static_cast<int>(np);
  const bool units = set.method == "telemanom";
  Errors e;
  e.mse.resize(n * np);
  e.rms_units.resize(units ? n * np : 0);
  e.value.resize(units ? n * np : 0);
  m.share.assign(n * np, 0.0f);
  const std::size_t mid = set.kind == ModelKind::window ? static_cast<std::size_t>(per_param / 2) : 0;
  for (std::size_t i = 0; i < n; ++i) {
    double total = 0;
    for (std::size_t q = 0; q < np; ++q) {
      const std::size_t first = q * static_cast<std::size_t>(per_param);  // the parameter's first input
      const float* row = err.data() + i * static_cast<std::size_t>(inputs) + first;
      double sum = 0, sq = 0;
      for (int j = 0; j < per_param; ++j) {
        sum += row[j];
        if (units) sq += row[j] * m.sd[first + static_cast<std::size_t>(j)] * m.sd[first + static_cast<std::size_t>(j)];
      }
      e.mse[i * np + q] = sum / per_param;
      total += sum;
      if (!units) continue;
      e.rms_units[i * np + q] = std::sqrt(sq / per_param);
      e.value[i * np + q] = r.x[i * static_cast<std::size_t>(inputs) + first + mid] * m.sd[first + mid] + m.mean[first + mid];
    }
    for (std::size_t q = 0; q < np; ++q)
      m.share[i * np + q] = total > 0 ? static_cast<float>(e.mse[i * np + q] * per_param / total) : 0.0f;
  }
  return e;
}

// Per parameter: the mean and spread of its reference errors, and its threshold on the
// standardised error, set from the reference errors alone (never from labels), so that a
// parameter with a heavy-tailed error (a mode that switches) does not mask another's anomaly.
void fit_thresholds(const Settings& set, const std::vector<char>& reference, const Errors& e, std::size_t np,
                    const std::string& name, const Comm* dp, Model& m) {
  const std::size_t n = reference.size();
  std::vector<double> sums(3 * np, 0.0);
  for (std::size_t i = 0; i < n; ++i)
    if (reference[i])
      for (std::size_t q = 0; q < np; ++q) {
        sums[q] += e.mse[i * np + q];
        sums[np + q] += e.mse[i * np + q] * e.mse[i * np + q];
        sums[2 * np + q] += 1;
      }
  if (dp) dp->allreduce(std::span<double>(sums), ReduceOp::sum);
  m.ref_mean_q.assign(np, 0.0);
  m.ref_sd_q.assign(np, 1.0);
  for (std::size_t q = 0; q < np; ++q) {
    const double c = sums[2 * np + q];
    if (c < 1) continue;
    const double mean = sums[q] / c, var = c > 1 ? (sums[np + q] - c * mean * mean) / (c - 1) : 0.0;
    m.ref_mean_q[q] = mean;
    m.ref_sd_q[q] = var > 1e-30 ? std::sqrt(var) : std::max(1e-12, std::abs(mean));
  }
  m.threshold_q.assign(np, INFINITY);
  for (std::size_t q = 0; q < np; ++q) {
    std::vector<double> ref;
    for (std::size_t i = 0; i < n; ++i)
      if (reference[i]) ref.push_back((e.mse[i * np + q] - m.ref_mean_q[q]) / m.ref_sd_q[q]);
    if (dp) {
      ByteWriter w;
      w.put(ref);
      ref.clear();
      for (const auto& bytes : dp->allgather_bytes(w.take())) {
        ByteReader rd(bytes);
        const auto part = rd.get_vector<double>();
        ref.insert(ref.end(), part.begin(), part.end());
      }
    }
    if (q == 0) m.reference_rows = static_cast<std::int64_t>(ref.size());
    if (ref.empty()) throw JobError("novelty: model '" + name + "' has no reference row in [train-from, train-to)");
    m.threshold_q[q] = std::max(threshold_of(set, ref, np), 1e-6);
  }
}

// Hundman's dynamic threshold on the rows after the reference period (all rows when the
// reference period covers everything), in time order; labels are never read. ndt judges the
// model's score series, smoothed and windowed as configured; telemanom judges each parameter's
// error in its own units against its values, as the reference implementation does.
// Data-parallel, every rank holds some days of the model's rows: the whole series is gathered
// and put in time order, so that the result does not depend on the rank count. Returns, per
// row of `r`, whether it is novel.
std::vector<char> dynamic_flags(const Settings& set, const Rows& r, const Model& m, const Errors& e, std::size_t np,
                                const Comm* dp) {
  const std::size_t n = r.size();
  const bool tm = set.method == "telemanom";
  const std::size_t width = tm ? 2 * np : 1;  // per row: the score, or each parameter's error and value
  std::vector<TimeNs> times;
  std::vector<double> values;
  for (std::size_t i = 0; i < n; ++i) {
    if (!(r.start[i] >= set.train_to || set.train_to == kTimeMax)) continue;
    times.push_back(r.start[i]);
    if (!tm) values.push_back(m.score[i]);
    for (std::size_t q = 0; tm && q < np; ++q) values.push_back(e.rms_units[i * np + q]), values.push_back(e.value[i * np + q]);
  }
  if (dp) {
    ByteWriter w;
    w.put(times);
    w.put(values);
    times.clear();
    values.clear();
    for (const auto& bytes : dp->allgather_bytes(w.take())) {
      ByteReader rd(bytes);
      const auto t = rd.get_vector<TimeNs>();
      const auto v = rd.get_vector<double>();
      times.insert(times.end(), t.begin(), t.end());
      values.insert(values.end(), v.begin(), v.end());
    }
  }
  std::vector<std::size_t> order(times.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](auto a, auto b) { return times[a] < times[b]; });
  std::vector<TimeNs> sorted_times(times.size());
  for (std::size_t j = 0; j < order.size(); ++j) sorted_times[j] = times[order[j]];
  auto column = [&](std::size_t c) {
    std::vector<double> out(order.size());
    for (std::size_t j = 0; j < order.size(); ++j) out[j] = values[order[j] * width + c];
    return out;
  };
  // Lengths in rows: durations divided by the time between rows.
  const DurationNs step = set.kind == ModelKind::window ? set.grid : set.period;
  const double unit = static_cast<double>(set.kind == ModelKind::window ? set.grid * set.stride : set.period);
  auto rows_of = [&](double d) { return static_cast<std::size_t>(std::max(1.0, std::round(d / unit))); };
  std::vector<char> flags(order.size(), 0);
  if (!tm) {
    std::vector<double> sc = column(0);
    if (set.ndt_smoothing > 0) sc = k::ewma(sc, static_cast<double>(set.ndt_smoothing) / unit);
    const auto window = set.ndt_window > 0 ? rows_of(static_cast<double>(set.ndt_window)) : 0;
    flags = k::windowed_dynamic_threshold(sc, window, std::max<std::size_t>(1, window / 30), set.method_value);
  } else {
    // telemanom's settings, counted in the data's own steps (grid steps or periods): a history
    // of 30 batches of 70, runs buffered by 100, errors smoothed over a span of 105, and the
    // first 500 errors of a series of at least 2,500 (250 of one of at least 1,800) never
    // flagged; ndt-window and ndt-smoothing replace the history and the smoothing.
    const double history = set.ndt_window > 0 ? static_cast<double>(set.ndt_window) : 2100.0 * static_cast<double>(step);
    const double smoothing = set.ndt_smoothing > 0 ? static_cast<double>(set.ndt_smoothing) : 105.0 * static_cast<double>(step);
    const double steps = static_cast<double>(order.size()) * unit / static_cast<double>(step);
    k::TelemanomOptions o;
    o.batches = 30;
    o.batch = rows_of(history / 30);
    o.buffer = rows_of(100.0 * static_cast<double>(step));
    o.ignore = steps >= 2500 ? rows_of(500.0 * static_cast<double>(step)) : steps >= 1800 ? rows_of(250.0 * static_cast<double>(step)) : 0;
    o.prune = set.method_value;
    for (std::size_t q = 0; q < np; ++q) {
      const auto err = k::ewma(column(2 * q), smoothing / unit);
      const auto val = column(2 * q + 1);
      if (val.empty()) continue;
      // telemanom's absolute floor, 0.05 on values scaled to [-1, 1], scaled to this
      // parameter's own range.
      const auto [lo, hi] = std::minmax_element(val.begin(), val.end());
      o.floor = o.min_scale * (*hi - *lo) / 2;
      const auto f = k::telemanom_threshold(err, val, o);
      for (std::size_t j = 0; j < f.size(); ++j) flags[j] |= f[j];
    }
  }
  std::vector<char> is_novel(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    const auto it = std::lower_bound(sorted_times.begin(), sorted_times.end(), r.start[i]);
    is_novel[i] = it != sorted_times.end() && *it == r.start[i] && flags[static_cast<std::size_t>(it - sorted_times.begin())];
  }
  return is_novel;
}

// One novelty job: the phases of jobs/novelty.hpp, each a member, over the state they share.
class NoveltyRun {
 public:
  NoveltyRun(const Job& job, const Comm& comm)
      : job_(job), comm_(comm), set_(novelty::read_settings(job)), plan_(plan_collectively(job, comm)), index_(plan_),
        params_(params_of(index_)) {
    ml::set_threads(set_.threads);
    comm_.run_phase([&] { groups_ = make_groups(set_, params_, plan_, job_); });
    data_parallel_ = groups_.size() == 1 && comm_.size() > 1;
    per_day_ = set_.kind == ModelKind::window ? kDay / set_.grid : kDay / set_.period;
  }

  int run() {
    if (job_.dry_run()) {
      if (comm_.is_root()) {
        std::printf("novelty: %zu parameters in %zu models (%s), %s\n", params_.size(), groups_.size(), set_.group.c_str(),
                    data_parallel_ ? "one model trained data-parallel on every rank" : "models spread over the ranks");
        std::fputs(plan_.describe().c_str(), stdout);
      }
      return 0;
    }
    Product product(job_, plan_, comm_);
    product.phase("plan");
    comm_.run_phase([&] { labelled_ = read_labels(job_, plan_, params_); });
    read_blocks(product);
    product.phase("read");
    for (std::int32_t g = 0; g < static_cast<std::int32_t>(groups_.size()); ++g)
      if (data_parallel_ || owner(g, 0) == comm_.rank()) mine_.push_back(g);
    for (auto g : mine_) rows_[g] = make_rows(set_, plan_, groups_[g].params, blocks_, days_, per_day_);
    blocks_.clear();
    comm_.run_phase([&] { fit_and_score(); });
    product.phase(set_.load.empty() ? "train and score" : "score");
    write_scores(product);
    const std::int64_t detections = write_detections(product);
    product.phase("detect");
    summarise(product, detections);
    const auto published = product.publish({"detections.csv", "scores.h5"});
    if (comm_.is_root()) {
      std::printf("novelty: %zu parameters, %zu models, %lld detections\n", params_.size(), groups_.size(),
                  static_cast<long long>(detections));
      for (const auto& p : published) std::printf("  %s\n", p.c_str());
      if (set_.load.empty()) std::printf("  %s/ (one model file per group)\n", set_.model_dir.c_str());
    }
    return 0;
  }

 private:
  // The rank that holds group g's rows of `day`: the model's rank, or data-parallel the day's.
  int owner(std::int32_t g, std::int64_t day) const {
    const int ranks = comm_.size();
    return data_parallel_ ? static_cast<int>(((day % ranks) + ranks) % ranks) : static_cast<int>(g % ranks);
  }
  const Comm* dp() const { return data_parallel_ ? &comm_ : nullptr; }
  int inputs_of(std::int32_t g) const {
    return static_cast<int>(groups_[g].params.size()) * (set_.kind == ModelKind::window ? set_.window : kFeatures);
  }

  // Phase 1: each rank reads its partitions into day blocks and sends each to the ranks that
  // hold a model of its parameter.
  void read_blocks(Product& product) {
    const int ranks = comm_.size(), me = comm_.rank();
    const std::int64_t block_len = set_.kind == ModelKind::window ? per_day_ : per_day_ * kFeatures;
    std::vector<std::vector<std::int32_t>> groups_of(params_.size());
    for (std::int32_t g = 0; g < static_cast<std::int32_t>(groups_.size()); ++g)
      for (auto p : groups_[g].params) groups_of[p].push_back(g);
    std::vector<SkippedPartition> skipped;
    std::vector<std::string> send(static_cast<std::size_t>(ranks));
    comm_.run_phase([&] {
      std::vector<ByteWriter> out(static_cast<std::size_t>(ranks));
      io::Series series;
      std::vector<k::BucketStats> buckets;
      std::vector<double> block(static_cast<std::size_t>(block_len));
      std::vector<std::size_t> mark(static_cast<std::size_t>(ranks));  // where the partition's blocks begin
      PartitionVisitor visit;
      visit.read = [&](const PlannedPartition& part, const io::PartitionReader& reader) {
        const PlannedMission& mission = plan_.missions[static_cast<std::size_t>(part.mission)];
        const std::int64_t day = floor_div(part.info.start, kDay);
        const TimeNs day_start = day * kDay;
        const auto first = static_cast<std::int32_t>(index_.first(part.mission));
        for (int r = 0; r < ranks; ++r) mark[static_cast<std::size_t>(r)] = out[static_cast<std::size_t>(r)].buffer().size();
        for (std::size_t j = 0; j < mission.params.size(); ++j) {
          const std::int32_t p = first + static_cast<std::int32_t>(j);
          if (groups_of[p].empty()) continue;
          series.time.clear();
          series.value.clear();
          reader.read(mission.params[j].name, std::max(plan_.from, day_start), std::min(plan_.to, day_start + kDay), series);
          day_block(set_, params_[p].kind, series, day_start, block, buckets);
          std::set<int> to;
          for (auto g : groups_of[p]) to.insert(owner(g, day));
          for (int r : to) {
            out[static_cast<std::size_t>(r)].put<std::int32_t>(p);
            out[static_cast<std::size_t>(r)].put<std::int64_t>(day);
            out[static_cast<std::size_t>(r)].put(std::span<const double>(block));
          }
        }
      };
      visit.dropped = [&](const PlannedPartition&) {  // nothing of a skipped partition is sent
        for (int r = 0; r < ranks; ++r) out[static_cast<std::size_t>(r)].buffer().resize(mark[static_cast<std::size_t>(r)]);
      };
      skipped = for_each_partition(job_, plan_, partitions_of_rank(plan_, me), comm_, "read", visit).skipped;
      for (int r = 0; r < ranks; ++r) send[static_cast<std::size_t>(r)] = out[static_cast<std::size_t>(r)].take();
    });
    product.add_skipped(gather_skipped(comm_, skipped));  // every rank's, listed by rank 0
    comm_.run_phase([&] {
      for (const auto& bytes : comm_.alltoall_bytes(send)) {
        ByteReader rd(bytes);
        while (!rd.done()) {
          const auto p = rd.get<std::int32_t>();
          const auto day = rd.get<std::int64_t>();
          blocks_[{p, day}] = rd.get_vector<double>();
          days_.insert(day);
        }
      }
    });
  }

  // What a trained model depends on: every setting that shapes it, the rank count when it is
  // trained data-parallel, the input partitions and the labels left out of the reference. A
  // model file in model-dir with the same key is a finished stage: a job run again after being
  // killed loads it instead of training, and writes the same outputs.
  std::string resume_base() const {
    std::ostringstream key;
    key << "telemine " << version() << "\nmodel " << static_cast<int>(set_.kind) << " " << set_.period << " " << set_.grid
        << " " << set_.window << " " << set_.stride << " train " << set_.train_from << " " << set_.train_to << " hidden";
    for (int h : set_.hidden) key << " " << h;
    key << " epochs " << set_.train.epochs << " batch " << set_.train.batch << " lr " << set_.train.learning_rate << " seed "
        << set_.train.seed << " threshold " << set_.method << ":" << set_.method_value << " threads " << set_.threads
        << " data-parallel ranks " << (data_parallel_ ? comm_.size() : 0) << "\n";
    for (const auto& part : plan_.partitions) key << part.info.file << " " << part.info.checksum << "\n";
    for (const auto& [name, intervals] : labelled_)
      for (const auto& l : intervals) key << "label " << name << " " << l.start << " " << l.end << "\n";
    return key.str();
  }

  // The model file of an earlier run of this same job, if model-dir has one (data-parallel:
  // only if every rank found it, so that every rank trains or none does).
  std::unique_ptr<ml::Autoencoder> resume(std::int32_t g, const std::string& resume_key, Model& m) const {
    std::unique_ptr<ml::Autoencoder> ae;
    const fs::path file = set_.model_dir / file_name(groups_[g].name);
    std::error_code ec;
    if (fs::exists(file, ec)) {
      try {
        std::map<std::string, std::vector<double>> numbers;
        std::map<std::string, std::string> texts;
        auto loaded = ml::Autoencoder::load(file, numbers, texts);
        if (texts["resume_key"] == resume_key && loaded.inputs() == inputs_of(g)) {
          ae = std::make_unique<ml::Autoencoder>(std::move(loaded));
          m.take_numbers(numbers);
          if (numbers["run"].size() == 2) {
            m.reference_rows = static_cast<std::int64_t>(numbers["run"][0]);
            m.report.final_loss = numbers["run"][1];
          }
          m.file = file.string();
          m.resumed = true;
        }
      } catch (const std::exception&) {
        // Not a model of this job (or cut short): trained again, and overwritten.
      }
    }
    if (data_parallel_ && comm_.allreduce_value<std::int64_t>(m.resumed ? 1 : 0, ReduceOp::min) == 0) {
      m.resumed = false;
      ae.reset();
    }
    return ae;
  }

  // A trained model from `model = FOLDER`, to score with.
  std::unique_ptr<ml::Autoencoder> load(std::int32_t g, const std::string& names, Model& m) const {
    std::map<std::string, std::vector<double>> numbers;
    std::map<std::string, std::string> texts;
    const fs::path file = set_.load / file_name(groups_[g].name);
    if (!fs::exists(file)) throw IoError(file.string() + ": no model for group '" + groups_[g].name + "'");
    auto ae = std::make_unique<ml::Autoencoder>(ml::Autoencoder::load(file, numbers, texts));
    if (texts["params"] != names || ae->inputs() != inputs_of(g))
      throw JobError(file.string() + ": the model was trained on other parameters or another model kind");
    m.take_numbers(numbers);
    return ae;
  }

  // One loadable file per model: weights, normalisation, reference scores, threshold.
  void save(std::int32_t g, const ml::Autoencoder& ae, const std::string& resume_key, const std::string& names, Model& m) const {
    io::make_directories(set_.model_dir);
    const fs::path file = set_.model_dir / file_name(groups_[g].name);
    ae.save(file,
            {{"norm_mean", m.mean}, {"norm_sd", m.sd}, {"ref_mean", m.ref_mean_q}, {"ref_sd", m.ref_sd_q},
             {"threshold", m.threshold_q},
             {"run", {static_cast<double>(m.reference_rows), m.report.final_loss}}},
            {{"resume_key", resume_key},
             {"params", names},
             {"group", groups_[g].name},
             {"model", set_.kind == ModelKind::window ? "window" : "features"},
             {"unit", format_duration(set_.kind == ModelKind::window ? set_.grid : set_.period)},
             {"window", std::to_string(set_.window)},
             {"threshold_method", set_.method + ":" + std::to_string(set_.method_value)}});
    m.file = file.string();
  }

  // Phase 3, per model: normalisation and training on the reference rows (or a loaded model),
  // scores of every row, thresholds, and the novel rows for rank 0.
  void fit_and_score() {
    const std::string base = set_.load.empty() ? resume_base() : std::string();
    Progress progress(comm_, "models", static_cast<std::int64_t>(mine_.size()), "models", job_.progress() && !data_parallel_);
    for (std::size_t gi = 0; gi < mine_.size(); ++gi) {
      const std::int32_t g = mine_[gi];
      Rows& r = rows_[g];
      Model& m = models_[g];
      const int inputs = inputs_of(g);
      const std::size_t n = r.size(), np = groups_[g].params.size();
      const std::vector<char> reference = reference_mask(set_, r, groups_[g], params_, labelled_);
      std::string names;
      for (auto p : groups_[g].params) names += params_[p].display + "\n";
      const std::string resume_key = set_.load.empty() ? io::bytes_checksum(base + names) : std::string();
      std::unique_ptr<ml::Autoencoder> ae = set_.load.empty() ? resume(g, resume_key, m) : load(g, names, m);
      const bool trained_here = set_.load.empty() && !m.resumed;
      if (trained_here && !fit_normalisation(set_, r, reference, inputs, np, dp(), m)) {
        // Nothing to learn from (no complete row in the reference period): listed, not scored.
        log::warn("novelty: model '" + groups_[g].name + "' has no reference row in [train-from, train-to); skipped");
        models_.erase(g);
        rows_[g] = Rows{};
        progress.update(static_cast<std::int64_t>(gi + 1));
        continue;
      }
      for (std::size_t i = 0; i < n; ++i)
        for (int j = 0; j < inputs; ++j) {
          float& v = r.x[i * static_cast<std::size_t>(inputs) + static_cast<std::size_t>(j)];
          v = static_cast<float>((v - m.mean[static_cast<std::size_t>(j)]) / m.sd[static_cast<std::size_t>(j)]);
        }
      if (!ae) {
        std::vector<int> hidden = set_.hidden;
        // Default: a wide first layer and a code of about a third of the inputs (always fewer
        // than the inputs, so that the model cannot learn the identity).
        if (hidden.empty())
          hidden = {std::clamp(2 * inputs, 8, 256), std::min(inputs - 1, std::clamp((inputs + 1) / 3, 2, 32))};
        if (hidden.back() < 1) hidden.back() = 1;
        ae = std::make_unique<ml::Autoencoder>(inputs, hidden, set_.train.seed);
        std::vector<float> ref_x;
        for (std::size_t i = 0; i < n; ++i)
          if (reference[i])
            ref_x.insert(ref_x.end(), r.x.begin() + static_cast<std::ptrdiff_t>(i * inputs),
                         r.x.begin() + static_cast<std::ptrdiff_t>((i + 1) * inputs));
        m.report = ae->train(ref_x, set_.train, dp());
      }
      // Scores: each parameter's standardised error as a multiple of its own threshold; a row
      // scores its most novel parameter (above 1 is novel), so that one parameter's anomaly is
      // not diluted by the others of its model.
      std::vector<float> err(r.x.size());
      ae->errors(r.x, err);
      const Errors e = parameter_errors(set_, r, err, inputs, np, m);
      if (trained_here) fit_thresholds(set_, reference, e, np, groups_[g].name, dp(), m);
      m.score_q.resize(n * np);
      m.score.assign(n, 0.0);
      for (std::size_t i = 0; i < n; ++i) {
        double top = -INFINITY;
        for (std::size_t q = 0; q < np; ++q) {
          m.score_q[i * np + q] = (e.mse[i * np + q] - m.ref_mean_q[q]) / m.ref_sd_q[q] / m.threshold_q[q];
          top = std::max(top, m.score_q[i * np + q]);
        }
        m.score[i] = top;
      }
      m.threshold = 1.0;
      std::vector<char> is_novel(n, 0);
      if (set_.method == "ndt" || set_.method == "telemanom") is_novel = dynamic_flags(set_, r, m, e, np, dp());
      else
        for (std::size_t i = 0; i < n; ++i) is_novel[i] = m.score[i] > m.threshold;
      for (std::size_t i = 0; i < n; ++i) {
        if (!is_novel[i]) continue;
        novel_.push_back({g, r.start[i], r.end[i], m.score[i]});
        novel_share_.insert(novel_share_.end(), m.share.begin() + static_cast<std::ptrdiff_t>(i * np),
                            m.share.begin() + static_cast<std::ptrdiff_t>((i + 1) * np));
      }
      if (trained_here && (!data_parallel_ || comm_.is_root())) save(g, *ae, resume_key, names, m);
      progress.update(static_cast<std::int64_t>(gi + 1));
    }
    progress.finish();
  }

  // scores.h5: every row's standardised score, with each parameter's share of its error.
  void write_scores(Product& product) {
    const int ranks = comm_.size(), me = comm_.rank();
    std::vector<std::int64_t> c_param, c_start, c_end;
    std::vector<double> c_score, c_share;
    for (const auto& [g, m] : models_) {
      const Rows& r = rows_[g];
      const auto& ps = groups_[g].params;
      for (std::size_t i = 0; i < r.size(); ++i)
        for (std::size_t q = 0; q < ps.size(); ++q) {
          c_param.push_back(ps[q]);
          c_start.push_back(r.start[i]);
          c_end.push_back(r.end[i]);
          c_score.push_back(m.score_q[i * ps.size() + q]);
          c_share.push_back(m.share[i * ps.size() + q]);
        }
    }
    // Rows in model order whatever the rank count: each model's block at its own offset
    // (data-parallel: the model's rows in rank order, each rank's days in time order).
    std::vector<std::int64_t> counts(groups_.size() * static_cast<std::size_t>(ranks), 0);
    for (const auto& [g, m] : models_)
      counts[static_cast<std::size_t>(g) * static_cast<std::size_t>(ranks) + static_cast<std::size_t>(me)] =
          static_cast<std::int64_t>(rows_[g].size() * groups_[g].params.size());
    comm_.allreduce(std::span<std::int64_t>(counts), ReduceOp::sum);
    io::TableLayout layout;
    std::int64_t offset = 0;
    for (std::size_t i = 0; i < counts.size(); ++i) {
      if (static_cast<int>(i % static_cast<std::size_t>(ranks)) == me && counts[i] > 0) layout.runs.push_back({offset, counts[i]});
      offset += counts[i];
    }
    layout.total_rows = offset;
    std::vector<std::string> names;
    for (const auto& p : params_) names.push_back(p.display);
    using I = std::span<const std::int64_t>;
    using D = std::span<const double>;
    io::write_table(product.staging("scores.h5"), comm_, "scores", layout,
                    {{"param", I(c_param), "index into /params"},
                     {"start", I(c_start), "period or window start, int64 ns since 1970-01-01T00:00:00Z (UTC)"},
                     {"end", I(c_end), "end, exclusive"},
                     {"score", D(c_score), "this parameter's standardised reconstruction error, as a multiple of its threshold (> 1: novel); a period's score is the largest of its parameters'"},
                     {"share", D(c_share), "this parameter's share of the model's reconstruction error"}},
                    {{"params", names}}, {{"telemine_version", version()}});
  }

  // detections.csv, by rank 0: adjacent novel rows of a model merge into intervals, reported
  // for the parameter with the largest share of their error. Returns the count (rank 0).
  std::int64_t write_detections(Product& product) {
    ByteWriter w;
    w.put(std::span<const Novel>(novel_));
    w.put(novel_share_);
    const auto gathered = comm_.gather_bytes(w.take());
    std::int64_t n_detections = 0;
    comm_.run_phase([&] {
      if (!comm_.is_root()) return;
      std::vector<Novel> all;
      std::vector<std::vector<float>> shares;
      for (const auto& bytes : gathered) {
        ByteReader rd(bytes);
        const auto part = rd.get_vector<Novel>();
        const auto sh = rd.get_vector<float>();
        std::size_t off = 0;
        for (const auto& nv : part) {
          const std::size_t np = groups_[nv.group].params.size();
          shares.emplace_back(sh.begin() + static_cast<std::ptrdiff_t>(off), sh.begin() + static_cast<std::ptrdiff_t>(off + np));
          off += np;
          all.push_back(nv);
        }
      }
      std::vector<std::size_t> order(all.size());
      std::iota(order.begin(), order.end(), std::size_t{0});
      std::sort(order.begin(), order.end(), [&](auto a, auto b) {
        return std::tie(all[a].group, all[a].start, all[a].end) < std::tie(all[b].group, all[b].start, all[b].end);
      });
      struct Detection {
        std::string mission, param;
        TimeNs start, end;
        double score;
        std::string contributors;
      };
      std::vector<Detection> detections;
      for (std::size_t i = 0; i < order.size();) {
        const Novel& first = all[order[i]];
        const auto& ps = groups_[first.group].params;
        Novel iv = first;
        std::vector<double> weight(ps.size(), 0.0);
        std::size_t j = i;
        for (; j < order.size() && all[order[j]].group == first.group && all[order[j]].start <= iv.end; ++j) {
          iv.end = std::max(iv.end, all[order[j]].end);
          iv.score = std::max(iv.score, all[order[j]].score);
          for (std::size_t q = 0; q < ps.size(); ++q) weight[q] += shares[order[j]][q];
        }
        i = j;
        const double total = std::accumulate(weight.begin(), weight.end(), 0.0);
        std::vector<std::size_t> rank(ps.size());
        std::iota(rank.begin(), rank.end(), std::size_t{0});
        std::stable_sort(rank.begin(), rank.end(), [&](auto a, auto b) { return weight[a] > weight[b]; });
        std::string contributors;
        for (std::size_t q = 0; q < std::min<std::size_t>(3, rank.size()); ++q) {
          const double sh = total > 0 ? weight[rank[q]] / total : 0;
          if (q > 0 && sh < 0.05) break;
          char buf[32];
          std::snprintf(buf, sizeof buf, ":%.2f", sh);
          contributors += (q ? ";" : "") + params_[ps[rank[q]]].display + buf;
        }
        const Param& top = params_[ps[rank[0]]];
        detections.push_back({plan_.missions[static_cast<std::size_t>(top.mission)].name, top.name, iv.start, iv.end, iv.score, contributors});
      }
      std::sort(detections.begin(), detections.end(), [](const Detection& a, const Detection& b) {
        return std::tie(a.mission, a.param, a.start) < std::tie(b.mission, b.param, b.start);
      });
      std::string csv = "mission,param,start,end,score,contributors\n";
      for (const auto& d : detections) {
        csv += d.mission + "," + d.param + "," + format_time(d.start) + "," + format_time(d.end) + ",";
        io::append_number(csv, d.score);
        csv += "," + d.contributors + "\n";
      }
      n_detections = static_cast<std::int64_t>(detections.size());
      io::write_file(product.staging("detections.csv"), csv);
    });
    return n_detections;
  }

  // What each model learned, for product.json (rank 0 gathers every rank's models).
  void summarise(Product& product, std::int64_t n_detections) {
    ByteWriter mw;
    for (const auto& [g, m] : models_) {
      if (data_parallel_ && !comm_.is_root()) break;
      mw.put<std::int32_t>(g);
      mw.put<std::int64_t>(static_cast<std::int64_t>(rows_[g].size()));
      mw.put<std::int64_t>(m.reference_rows);
      mw.put<double>(m.report.final_loss);
      mw.put<double>(m.report.seconds);
      mw.put<double>(m.threshold);
      mw.put(m.file);
      mw.put<std::int8_t>(m.resumed ? 1 : 0);
    }
    auto model_info = comm_.gather_bytes(mw.take());
    product.set_summary([this, n_detections, model_info = std::move(model_info)](io::JsonWriter& j) {
      j.field("model", set_.load.empty() ? std::string(set_.kind == ModelKind::window ? "window" : "features")
                                         : "loaded from " + set_.load.string());
      j.field("group", set_.group);
      j.field("training", data_parallel_ ? std::string("one model, data-parallel over every rank") : std::string("models spread over the ranks"));
      j.field("detections", n_detections);
      j.key("models").begin_array();
      for (const auto& bytes : model_info) {
        ByteReader rd(bytes);
        while (!rd.done()) {
          const auto g = rd.get<std::int32_t>();
          j.begin_object();
          j.field("name", groups_[g].name);
          j.field("parameters", static_cast<std::int64_t>(groups_[g].params.size()));
          j.field("rows", rd.get<std::int64_t>());
          j.field("reference_rows", rd.get<std::int64_t>());
          j.field("final_loss", rd.get<double>());
          j.field("train_seconds", rd.get<double>());
          j.field("threshold", rd.get<double>());
          j.field("file", rd.get_string());
          j.field("resumed", rd.get<std::int8_t>() != 0);  // loaded from an earlier run's model file
          j.end_object();
        }
      }
      j.end_array();
    });
  }

  const Job& job_;
  const Comm& comm_;
  const Settings set_;
  const Plan plan_;
  const ParamIndex index_;
  const std::vector<Param> params_;
  std::vector<Group> groups_;
  bool data_parallel_ = false;
  std::int64_t per_day_ = 0;  // grid steps or periods a day
  Labels labelled_;
  Blocks blocks_;                   // phase 1: (parameter, day) -> block, for the models held here
  std::set<std::int64_t> days_;
  std::vector<std::int32_t> mine_;  // the models this rank holds (data-parallel: the one model)
  std::map<std::int32_t, Rows> rows_;
  std::map<std::int32_t, Model> models_;
  std::vector<Novel> novel_;
  std::vector<float> novel_share_;  // per novel row, per parameter of its group
};

}  // namespace

int run_novelty(const Job& job, const Comm& comm) { return NoveltyRun(job, comm).run(); }

}  // namespace telemine::jobs
