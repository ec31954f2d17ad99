#include "jobs/novelty/score.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/comm.hpp"
#include "core/error.hpp"
#include "core/serialize.hpp"
#include "kernels/thresholds.hpp"

namespace telemine::jobs::novelty {

namespace k = kernels;

void fit_thresholds(const Context& c, std::int32_t g, const std::vector<char>& reference, const k::ParameterErrors& e,
                    Model& m) {
  const std::size_t np = c.groups[g].params.size();
  const Comm* dp = c.dp();
  std::vector<double> sums = k::error_sums(e.mse, reference, np);
  if (dp) dp->allreduce(std::span<double>(sums), ReduceOp::sum);
  k::fit_error_stats(sums, np, m.ref_mean_q, m.ref_sd_q);
  // No threshold below an error at the parameter's resolution: a nearly constant channel's
  // reference errors are all but zero, and a threshold fitted to them would make any rounding
  // a score of 1e16.
  const std::vector<double> floor = k::error_floor(m.mean, m.sd, np);
  m.threshold_q.assign(np, INFINITY);
  for (std::size_t q = 0; q < np; ++q) {
    std::vector<double> ref = k::standardised_errors(e.mse, reference, np, q, m.ref_mean_q[q], m.ref_sd_q[q]);
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
    if (ref.empty()) throw JobError("novelty: model '" + c.groups[g].name + "' has no reference row in [train-from, train-to)");
    m.threshold_q[q] = std::max({k::reference_threshold(c.set.method, c.set.method_value, ref, np),
                                 floor[q] / m.ref_sd_q[q], 1e-6});
  }
}

namespace {

// The series a dynamic threshold judges, in time order over every rank of a data-parallel
// model: per row its time and `width` values (the score, or each parameter's error and value).
struct Series {
  std::vector<TimeNs> times;  // sorted
  std::vector<double> values;
  std::size_t width = 1;
  std::vector<double> column(std::size_t col) const {
    std::vector<double> out(times.size());
    for (std::size_t j = 0; j < times.size(); ++j) out[j] = values[j * width + col];
    return out;
  }
};

Series scored_series(const Context& c, const Rows& r, const Model& m, const k::ParameterErrors& e, std::size_t np) {
  const bool tm = c.set.method == ThresholdMethod::telemanom;
  const std::size_t width = tm ? 2 * np : 1;
  std::vector<TimeNs> times;
  std::vector<double> values;
  for (std::size_t i = 0; i < r.size(); ++i) {
    if (!(r.start[i] >= c.set.train_to || c.set.train_to == kTimeMax)) continue;
    times.push_back(r.start[i]);
    if (!tm) values.push_back(m.score[i]);
    for (std::size_t q = 0; tm && q < np; ++q) values.push_back(e.rms_units[i * np + q]), values.push_back(e.value[i * np + q]);
  }
  if (const Comm* dp = c.dp()) {
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
  Series s;
  s.width = width;
  s.times.resize(order.size());
  s.values.resize(values.size());
  for (std::size_t j = 0; j < order.size(); ++j) {
    s.times[j] = times[order[j]];
    std::copy_n(values.begin() + static_cast<std::ptrdiff_t>(order[j] * width), width,
                s.values.begin() + static_cast<std::ptrdiff_t>(j * width));
  }
  return s;
}

// telemanom's settings, counted in the data's own steps (grid steps or periods): a history of
// 30 batches of 70, runs buffered by 100, errors smoothed over a span of 105, and the first 500
// errors of a series of at least 2,500 (250 of one of at least 1,800) never flagged;
// ndt-window and ndt-smoothing replace the history and the smoothing.
std::vector<char> telemanom_flags(const Settings& set, const Series& s, std::size_t np, double unit) {
  const DurationNs step = on_grid(set.kind) ? set.grid : set.period;
  auto rows_of = [&](double d) { return static_cast<std::size_t>(std::max(1.0, std::round(d / unit))); };
  const double history = set.ndt_window > 0 ? static_cast<double>(set.ndt_window) : 2100.0 * static_cast<double>(step);
  const double smoothing = set.ndt_smoothing > 0 ? static_cast<double>(set.ndt_smoothing) : 105.0 * static_cast<double>(step);
  const double steps = static_cast<double>(s.times.size()) * unit / static_cast<double>(step);
  k::TelemanomOptions o;
  o.batches = 30;
  o.batch = rows_of(history / 30);
  o.buffer = rows_of(100.0 * static_cast<double>(step));
  o.ignore = steps >= 2500 ? rows_of(500.0 * static_cast<double>(step)) : steps >= 1800 ? rows_of(250.0 * static_cast<double>(step)) : 0;
  o.prune = set.method_value;
  std::vector<char> flags(s.times.size(), 0);
  for (std::size_t q = 0; q < np; ++q) {
    const auto raw = s.column(2 * q);
    // An input the model reads but does not score (a forecaster's command flags) has no error.
    if (std::all_of(raw.begin(), raw.end(), [](double e) { return e == 0; })) continue;
    const auto err = k::ewma(raw, smoothing / unit);
    const auto val = s.column(2 * q + 1);
    if (val.empty()) continue;
    // telemanom's absolute floor, 0.05 on values scaled to [-1, 1], scaled to this parameter's
    // own range.
    const auto [lo, hi] = std::minmax_element(val.begin(), val.end());
    o.floor = o.min_scale * (*hi - *lo) / 2;
    const auto f = k::telemanom_threshold(err, val, o);
    for (std::size_t j = 0; j < f.size(); ++j) flags[j] |= f[j];
  }
  return flags;
}

}  // namespace

// ndt judges the model's score series, smoothed and windowed as configured; telemanom judges
// each parameter's error in its own units against its values, as the reference implementation
// does. Labels are never read.
std::vector<char> dynamic_flags(const Context& c, const Rows& r, const Model& m, const k::ParameterErrors& e,
                                std::size_t np) {
  const Settings& set = c.set;
  const Series s = scored_series(c, r, m, e, np);
  // Lengths in rows: durations divided by the time between rows.
  const double unit = static_cast<double>(on_grid(set.kind) ? set.grid * set.stride : set.period);
  std::vector<char> flags;
  if (set.method == ThresholdMethod::telemanom) {
    flags = telemanom_flags(set, s, np, unit);
  } else {
    std::vector<double> sc = s.column(0);
    if (set.ndt_smoothing > 0) sc = k::ewma(sc, static_cast<double>(set.ndt_smoothing) / unit);
    const auto window = set.ndt_window > 0
                            ? static_cast<std::size_t>(std::max(1.0, std::round(static_cast<double>(set.ndt_window) / unit)))
                            : 0;
    flags = k::windowed_dynamic_threshold(sc, window, std::max<std::size_t>(1, window / 30), set.method_value);
  }
  std::vector<char> is_novel(r.size(), 0);
  for (std::size_t i = 0; i < r.size(); ++i) {
    const auto it = std::lower_bound(s.times.begin(), s.times.end(), r.start[i]);
    is_novel[i] = it != s.times.end() && *it == r.start[i] && flags[static_cast<std::size_t>(it - s.times.begin())];
  }
  return is_novel;
}

std::vector<char> score_rows(const Context& c, std::int32_t g, const Rows& r, const std::vector<float>& err,
                             const std::vector<char>& reference, bool fit, Model& m) {
  const int inputs = c.inputs_of(g);
  const std::size_t np = c.groups[g].params.size();
  // telemanom also needs each parameter's error in its own units and its value: the window's
  // middle step, a sample of the values themselves as telemanom's guards see them (a window's
  // mean would narrow their spread), or the period's mean.
  const std::size_t mid = on_grid(c.set.kind) ? static_cast<std::size_t>(inputs / static_cast<int>(np) / 2) : 0;
  k::ParameterErrors e =
      k::parameter_errors(r.x, err, inputs, np, m.mean, m.sd, c.set.method == ThresholdMethod::telemanom, mid);
  m.share = std::move(e.share);
  if (fit) fit_thresholds(c, g, reference, e, m);
  k::row_scores(e.mse, np, m.ref_mean_q, m.ref_sd_q, m.threshold_q, m.score_q, m.score);
  m.threshold = 1.0;
  if (k::is_dynamic(c.set.method)) return dynamic_flags(c, r, m, e, np);
  std::vector<char> is_novel(r.size(), 0);
  for (std::size_t i = 0; i < r.size(); ++i) is_novel[i] = m.score[i] > m.threshold;
  return is_novel;
}

}  // namespace telemine::jobs::novelty
