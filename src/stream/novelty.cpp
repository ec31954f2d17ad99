#include "stream/novelty.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "core/error.hpp"
#include "core/text.hpp"
#include "io/csv_writer.hpp"
#include "io/json.hpp"
#include "kernels/events.hpp"
#include "kernels/reconstruction.hpp"
#include "kernels/resample.hpp"
#include "kernels/stats.hpp"
#include "ml/autoencoder.hpp"
#include "ml/forecast_run.hpp"
#include "ml/forecaster.hpp"

namespace telemine::stream {

namespace fs = std::filesystem;

namespace {

constexpr int kFeatures = 4;  // mean, std, min, max per parameter and period, as the novelty job

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at < text.size()) {
    const auto nl = text.find('\n', at);
    out.push_back(text.substr(at, nl == std::string::npos ? std::string::npos : nl - at));
    if (nl == std::string::npos) break;
    at = nl + 1;
  }
  return out;
}

}  // namespace

std::string novelty_json(std::string_view mission, const NoveltyAlert& a) {
  std::string score;
  io::append_csv_number(score, a.score);
  return "{\"kind\":\"novelty\",\"mission\":" + io::json_quote(mission) + ",\"model\":" + io::json_quote(a.model) +
         ",\"param\":" + io::json_quote(a.param) + ",\"start\":\"" + format_time(a.start) + "\",\"end\":\"" +
         format_time(a.end) + "\",\"score\":" + score + ",\"contributors\":" + io::json_quote(a.contributors) + "}\n";
}

io::Event novelty_event(const NoveltyAlert& a) {
  io::Event e;
  e.kind = "alert";
  e.param = a.param;
  e.start = a.start;
  e.end = a.end;
  std::string score;
  io::append_csv_number(score, a.score);
  e.text = "novelty: model " + a.model + ", score " + score + ", " + a.contributors;
  return e;
}

// One saved model, as the novelty job saved it (jobs/novelty/train.cpp).
struct Model {
  std::string name;
  std::vector<std::string> params;
  std::vector<char> state;  // per parameter: a state one (its grid holds the last value, from the day's start)
  bool window = false;      // rows of grid values (window and forecast models) rather than features
  DurationNs unit = 0;      // features: the period; window, forecast: the grid step
  int width = 1, stride = 1;  // window: grid steps per row, and between rows (the job's default stride)
  std::unique_ptr<ml::Autoencoder> net;         // features, window
  std::unique_ptr<ml::Forecaster> forecaster;   // forecast: one row a grid step, errors of its run
  std::unique_ptr<ml::ForecastRun> run;
  std::vector<double> mean, sd, ref_mean, ref_sd, threshold;
  // Features: every period ending at or before this is scored. Window: every row starting
  // before this is scored.
  TimeNs done = kTimeMin;
  DurationNs span() const { return unit * width; }
  DurationNs step() const { return unit * stride; }
  // The first row starting at or after t: rows lie within one day, as the job's day blocks.
  TimeNs next_row(TimeNs t) const {
    const TimeNs day = bucket_start(t, kDay);
    const TimeNs s = day + (t - day + step() - 1) / step() * step();
    return s + span() <= day + kDay ? s : day + kDay;
  }
  // The oldest sample of a parameter the next rows can read: a state one's grid holds its
  // value from the day's start, a numeric one's cells are its own samples'.
  TimeNs keep_from(bool state_param) const {
    return window && state_param && done != kTimeMin ? bucket_start(done, kDay) : done;
  }
};

struct LiveNovelty::Impl {
  std::string mission;
  DurationNs lateness = 0;
  std::vector<Model> models;
  std::map<std::string, io::Series, std::less<>> open;  // samples of periods not yet scored, arrival order
  std::map<std::string, std::vector<std::size_t>, std::less<>> readers;
  std::set<std::string, std::less<>> state_params;  // the catalogue's state parameters

  Model load(const fs::path& file, const std::set<std::string, std::less<>>& state_params) const;
  std::vector<io::Series> sorted_samples(const Model& m, TimeNs until) const;
  void score_until(Model& m, TimeNs cutoff, std::vector<NoveltyAlert>& out);
  void score_windows(Model& m, TimeNs cutoff, std::vector<NoveltyAlert>& out);
  bool row_of(const Model& m, const std::vector<io::Series>& sorted, TimeNs start, std::vector<float>& x) const;
  void score_row(const Model& m, std::vector<float>& x, TimeNs start, std::vector<NoveltyAlert>& out) const;
  void score_errors(const Model& m, std::span<const float> x, std::span<const float> err, TimeNs start,
                    std::vector<NoveltyAlert>& out) const;
  void score_forecasts(Model& m, std::vector<NoveltyAlert>& out) const;
  void prune();
};

Model LiveNovelty::Impl::load(const fs::path& file, const std::set<std::string, std::less<>>& state_params) const {
  std::map<std::string, std::string> texts = ml::saved_texts(file);
  const auto refuse = [&](const std::string& why) {
    throw UsageError("--models: " + file.string() + ": " + why + "; telemine stream scores models with a pot, sigma or "
                     "quantile threshold (a dynamic threshold judges the whole scored series: run telemine novelty)");
  };
  const std::string& kind = texts["model"];
  if (kind != "features" && kind != "window" && kind != "forecast") refuse("a " + kind + " model");
  const std::string method = texts["threshold_method"].substr(0, texts["threshold_method"].find(':'));
  if (method != "pot" && method != "sigma" && method != "quantile") refuse("threshold " + texts["threshold_method"]);
  Model m;
  m.name = texts["group"];
  m.window = kind != "features";
  m.unit = parse_duration(texts["unit"]);
  if (m.window) m.width = m.stride = std::max(1, parse_number<int>(texts["window"]).value_or(0));
  if (m.unit <= 0 || kDay % m.unit != 0 || m.span() > kDay) throw IoError(file.string() + ": period or window does not divide a day");
  for (auto& p : lines_of(texts["params"])) {
    if (p.empty()) continue;
    const auto slash = p.find('/');
    if (slash != std::string::npos) {
      if (p.substr(0, slash) != mission) refuse("trained on mission " + p.substr(0, slash) + ", not " + mission);
      p = p.substr(slash + 1);
    }
    m.state.push_back(state_params.count(p) > 0);
    m.params.push_back(p);
  }
  std::map<std::string, std::vector<double>> numbers;
  int inputs = 0;
  if (kind == "forecast") {
    m.width = m.stride = 1;
    m.forecaster = std::make_unique<ml::Forecaster>(ml::Forecaster::load(file, numbers, texts));
    m.run = std::make_unique<ml::ForecastRun>(*m.forecaster, m.unit);
    inputs = m.forecaster->shape().inputs;
  } else {
    m.net = std::make_unique<ml::Autoencoder>(ml::Autoencoder::load(file, numbers, texts));
    inputs = m.net->inputs();
  }
  m.mean = numbers["norm_mean"], m.sd = numbers["norm_sd"];
  m.ref_mean = numbers["ref_mean"], m.ref_sd = numbers["ref_sd"], m.threshold = numbers["threshold"];
  const std::size_t np = m.params.size(), per = m.window ? static_cast<std::size_t>(m.width) : kFeatures;
  if (np == 0 || inputs != static_cast<int>(np * per) || m.mean.size() != np * per || m.threshold.size() != np)
    throw IoError(file.string() + ": not a complete " + kind + " model (" + std::to_string(np) + " parameters)");
  return m;
}

// The features of every parameter of `m` over the period starting at `start`, as the novelty
// job's day blocks make them (jobs/novelty/features.cpp), from each parameter's sorted samples:
// false when one has no valid sample.
bool LiveNovelty::Impl::row_of(const Model& m, const std::vector<io::Series>& sorted, TimeNs start,
                               std::vector<float>& x) const {
  x.clear();
  std::vector<kernels::BucketStats> buckets;
  for (const io::Series& s : sorted) {
    const auto from = std::lower_bound(s.time.begin(), s.time.end(), start) - s.time.begin();
    const auto to = std::lower_bound(s.time.begin(), s.time.end(), start + m.span()) - s.time.begin();
    buckets.clear();
    kernels::bucket_stats(std::span(s.time).subspan(static_cast<std::size_t>(from), static_cast<std::size_t>(to - from)),
                          std::span(s.value).subspan(static_cast<std::size_t>(from), static_cast<std::size_t>(to - from)),
                          m.unit, buckets);
    if (buckets.empty() || buckets[0].count == 0) return false;
    const auto& b = buckets[0];
    const double sd = b.count > 1 ? std::sqrt(b.m2 / static_cast<double>(b.count - 1)) : 0.0;
    for (double v : {b.mean, sd, b.min, b.max}) x.push_back(static_cast<float>(v));
  }
  return true;
}

// Each parameter's samples of `m` the next rows can read, before `until`, sorted and merged as
// ingest merges them (the later sample wins).
std::vector<io::Series> LiveNovelty::Impl::sorted_samples(const Model& m, TimeNs until) const {
  std::vector<io::Series> sorted(m.params.size());
  for (std::size_t q = 0; q < m.params.size(); ++q) {
    const io::Series& all = open.find(m.params[q])->second;
    const TimeNs from = m.keep_from(m.state[q] != 0);
    for (std::size_t i = 0; i < all.size(); ++i)
      if (all.time[i] >= from && all.time[i] < until) sorted[q].time.push_back(all.time[i]), sorted[q].value.push_back(all.value[i]);
    io::sort_and_dedupe(sorted[q].time, sorted[q].value);
  }
  return sorted;
}

// One complete row of `m` starting at `start` (inputs not yet normalised): an alert if novel.
void LiveNovelty::Impl::score_row(const Model& m, std::vector<float>& x, TimeNs start, std::vector<NoveltyAlert>& out) const {
  kernels::normalise(x, m.mean, m.sd);
  std::vector<float> err(x.size(), 0.0f);
  m.net->errors(x, err);
  score_errors(m, x, err, start, out);
}

// A row's score from its normalised inputs and their errors, as the novelty job scores it.
void LiveNovelty::Impl::score_errors(const Model& m, std::span<const float> x, std::span<const float> err, TimeNs start,
                                     std::vector<NoveltyAlert>& out) const {
  const std::size_t np = m.params.size();
  const kernels::ParameterErrors e = kernels::parameter_errors(x, err, static_cast<int>(x.size()), np, m.mean, m.sd, false, 0);
  std::vector<double> score_q, score;
  kernels::row_scores(e.mse, np, m.ref_mean, m.ref_sd, m.threshold, score_q, score);
  if (!(score[0] > 1.0)) return;
  const std::vector<double> weight(e.share.begin(), e.share.end());
  const auto top = kernels::contributor_percents(weight);
  out.push_back({m.name, m.params[top.front().first], start, start + m.span(), score[0], kernels::contributors_text(top, m.params)});
}

// The forecast model's rows that have their forecast now: each target's error, the other
// inputs (command flags) read and never scored, as jobs/novelty/detector.cpp scores them.
void LiveNovelty::Impl::score_forecasts(Model& m, std::vector<NoveltyAlert>& out) const {
  const ml::ForecastRun::Scored s = m.run->take();
  const auto& targets = m.forecaster->shape().targets;
  const std::size_t np = m.params.size(), nt = targets.size();
  std::vector<float> err(np);
  for (std::size_t i = 0; i < s.time.size(); ++i) {
    std::fill(err.begin(), err.end(), 0.0f);
    for (std::size_t q = 0; q < nt; ++q) err[static_cast<std::size_t>(targets[q])] = s.error[i * nt + q];
    score_errors(m, std::span<const float>(s.x).subspan(i * np, np), err, s.time[i], out);
  }
}

// The periods of `m` that end by `cutoff` and hold samples, in time order.
void LiveNovelty::Impl::score_until(Model& m, TimeNs cutoff, std::vector<NoveltyAlert>& out) {
  if (m.window) return score_windows(m, cutoff, out);
  const TimeNs until = cutoff == kTimeMax ? kTimeMax : bucket_start(cutoff, m.unit);
  const std::vector<io::Series> sorted = sorted_samples(m, until);
  std::set<TimeNs> starts;
  for (const io::Series& s : sorted)
    for (const TimeNs t : s.time) starts.insert(bucket_start(t, m.unit));
  std::vector<float> x;
  for (const TimeNs s : starts)
    if (row_of(m, sorted, s, x)) score_row(m, x, s, out);
  if (until != kTimeMax) m.done = std::max(m.done, until);
}

// The window rows of `m` that end by `cutoff`, in time order, each from its day's grid as the
// novelty job resamples it (jobs/novelty/features.cpp: day_block, make_rows).
void LiveNovelty::Impl::score_windows(Model& m, TimeNs cutoff, std::vector<NoveltyAlert>& out) {
  const std::size_t np = m.params.size(), per_day = static_cast<std::size_t>(kDay / m.unit);
  const std::vector<io::Series> sorted = sorted_samples(m, cutoff);
  const auto earliest_from = [&](TimeNs t) {  // the first sample at or after t, of any parameter
    TimeNs first = kTimeMax;
    for (const io::Series& s : sorted) {
      const auto it = std::lower_bound(s.time.begin(), s.time.end(), t);
      if (it != s.time.end()) first = std::min(first, *it);
    }
    return first;
  };
  // The first row at or after `from` that can be complete: one holding a sample (a numeric
  // parameter needs half its steps), or, when every parameter is a state one, any row after the
  // day's first sample (the grid holds its value).
  const bool all_state = std::all_of(m.state.begin(), m.state.end(), [](char c) { return c != 0; });
  const auto next_start = [&](TimeNs from) {
    const TimeNs first = earliest_from(from);
    TimeNs s = first == kTimeMax ? kTimeMax : m.next_row(std::max(from, first - m.span() + 1));
    if (const TimeNs r = m.next_row(from); all_state && r < s && earliest_from(bucket_start(r, kDay)) < r + m.span()) s = r;
    return s;
  };
  std::vector<std::vector<double>> grid(np, std::vector<double>(per_day));
  TimeNs grid_day = kTimeMin;
  std::vector<float> x;
  for (TimeNs s = next_start(m.done); s != kTimeMax && s + m.span() <= cutoff; s = next_start(m.done)) {
    const TimeNs day = bucket_start(s, kDay);
    if (day != grid_day) {
      for (std::size_t q = 0; q < np; ++q) {
        const auto& t = sorted[q].time;
        const auto a = static_cast<std::size_t>(std::lower_bound(t.begin(), t.end(), day) - t.begin());
        const auto b = static_cast<std::size_t>(std::lower_bound(t.begin(), t.end(), day + kDay) - t.begin());
        const auto ts = std::span(t).subspan(a, b - a);
        const auto vs = std::span(sorted[q].value).subspan(a, b - a);
        if (m.state[q]) kernels::resample_last(ts, vs, day, m.unit, grid[q], NAN);
        else kernels::resample_mean(ts, vs, day, m.unit, grid[q]);
      }
      grid_day = day;
    }
    const auto at = static_cast<std::size_t>((s - day) / m.unit);
    x.clear();
    bool complete = true;
    for (std::size_t q = 0; q < np && complete; ++q)
      complete = kernels::window_inputs(std::span<const double>(grid[q]).subspan(at, static_cast<std::size_t>(m.width)), x);
    if (complete && m.run) {
      kernels::normalise(x, m.mean, m.sd);
      m.run->add(s, x);
    } else if (complete) {
      score_row(m, x, s, out);
    }
    m.done = s + m.step();
  }
  if (m.run) score_forecasts(m, out);
}

// Samples every model reading them has scored are dropped.
void LiveNovelty::Impl::prune() {
  for (auto& [name, s] : open) {
    TimeNs keep_from = kTimeMax;
    for (const std::size_t i : readers[name]) keep_from = std::min(keep_from, models[i].keep_from(state_params.count(name) > 0));
    std::size_t kept = 0;
    for (std::size_t i = 0; i < s.size(); ++i)
      if (s.time[i] >= keep_from) s.time[kept] = s.time[i], s.value[kept] = s.value[i], ++kept;
    s.time.resize(kept), s.value.resize(kept);
  }
}

LiveNovelty::LiveNovelty(const fs::path& dir, const std::string& mission, DurationNs lateness,
                         const std::vector<io::ParamInfo>& known)
    : impl_(std::make_unique<Impl>()) {
  impl_->mission = mission;
  impl_->lateness = lateness;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw UsageError("--models: " + dir.string() + " is not a folder of trained models");
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.path().extension() == ".pt") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  if (files.empty()) throw UsageError("--models: " + dir.string() + " holds no model (GROUP.pt, as telemine novelty saves them)");
  for (const auto& p : known)
    if (p.kind == io::ParamKind::state) impl_->state_params.insert(p.name);
  for (const auto& f : files) impl_->models.push_back(impl_->load(f, impl_->state_params));
  for (std::size_t i = 0; i < impl_->models.size(); ++i)
    for (const auto& p : impl_->models[i].params) {
      impl_->readers[p].push_back(i);
      impl_->open[p];
    }
}

LiveNovelty::~LiveNovelty() = default;

void LiveNovelty::add(std::string_view param, TimeNs t, double v) {
  const auto it = impl_->open.find(param);  // every parameter a model reads has its entry
  if (it == impl_->open.end()) return;
  it->second.time.push_back(t);
  it->second.value.push_back(v);
}

void LiveNovelty::close_until(TimeNs newest, std::vector<NoveltyAlert>& out) {
  if (newest == kTimeMin) return;
  const TimeNs cutoff = newest - impl_->lateness;
  bool any = false;
  for (auto& m : impl_->models) {
    // Cheap when nothing closed: the first open period must have ended.
    if (m.done != kTimeMin && m.done + m.span() > cutoff) continue;
    impl_->score_until(m, cutoff, out);
    any = true;
  }
  if (any) impl_->prune();
}

void LiveNovelty::close_all(std::vector<NoveltyAlert>& out) {
  for (auto& m : impl_->models) impl_->score_until(m, kTimeMax, out);
  for (auto& [name, series] : impl_->open) series = io::Series{};
}

}  // namespace telemine::stream
