#include "stream/novelty.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "core/error.hpp"
#include "io/csv_writer.hpp"
#include "io/json.hpp"
#include "kernels/events.hpp"
#include "kernels/reconstruction.hpp"
#include "kernels/stats.hpp"
#include "ml/autoencoder.hpp"
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
  DurationNs period = 0;
  std::unique_ptr<ml::Autoencoder> net;
  std::vector<double> mean, sd, ref_mean, ref_sd, threshold;
  TimeNs done = kTimeMin;  // every period ending at or before this is scored
};

struct LiveNovelty::Impl {
  std::string mission;
  DurationNs lateness = 0;
  std::vector<Model> models;
  std::map<std::string, io::Series, std::less<>> open;  // samples of periods not yet scored, arrival order
  std::map<std::string, std::vector<std::size_t>, std::less<>> readers;

  Model load(const fs::path& file) const;
  void score_until(Model& m, TimeNs cutoff, std::vector<NoveltyAlert>& out);
  bool row_of(const Model& m, const std::vector<io::Series>& sorted, TimeNs start, std::vector<float>& x) const;
  void prune();
};

Model LiveNovelty::Impl::load(const fs::path& file) const {
  std::map<std::string, std::string> texts = ml::saved_texts(file);
  const auto refuse = [&](const std::string& why) {
    throw UsageError("--models: " + file.string() + ": " + why + "; telemine stream scores features models with a pot, sigma "
                     "or quantile threshold (the others need the whole scored series: run telemine novelty)");
  };
  if (texts["model"] != "features") refuse("a " + texts["model"] + " model");
  const std::string method = texts["threshold_method"].substr(0, texts["threshold_method"].find(':'));
  if (method != "pot" && method != "sigma" && method != "quantile") refuse("threshold " + texts["threshold_method"]);
  Model m;
  m.name = texts["group"];
  m.period = parse_duration(texts["unit"]);
  for (auto& p : lines_of(texts["params"])) {
    if (p.empty()) continue;
    const auto slash = p.find('/');
    if (slash != std::string::npos) {
      if (p.substr(0, slash) != mission) refuse("trained on mission " + p.substr(0, slash) + ", not " + mission);
      p = p.substr(slash + 1);
    }
    m.params.push_back(p);
  }
  std::map<std::string, std::vector<double>> numbers;
  m.net = std::make_unique<ml::Autoencoder>(ml::Autoencoder::load(file, numbers, texts));
  m.mean = numbers["norm_mean"], m.sd = numbers["norm_sd"];
  m.ref_mean = numbers["ref_mean"], m.ref_sd = numbers["ref_sd"], m.threshold = numbers["threshold"];
  const std::size_t np = m.params.size();
  if (np == 0 || m.net->inputs() != static_cast<int>(np) * kFeatures || m.mean.size() != np * kFeatures ||
      m.threshold.size() != np)
    throw IoError(file.string() + ": not a complete features model (" + std::to_string(np) + " parameters)");
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
    const auto to = std::lower_bound(s.time.begin(), s.time.end(), start + m.period) - s.time.begin();
    buckets.clear();
    kernels::bucket_stats(std::span(s.time).subspan(static_cast<std::size_t>(from), static_cast<std::size_t>(to - from)),
                          std::span(s.value).subspan(static_cast<std::size_t>(from), static_cast<std::size_t>(to - from)),
                          m.period, buckets);
    if (buckets.empty() || buckets[0].count == 0) return false;
    const auto& b = buckets[0];
    const double sd = b.count > 1 ? std::sqrt(b.m2 / static_cast<double>(b.count - 1)) : 0.0;
    for (double v : {b.mean, sd, b.min, b.max}) x.push_back(static_cast<float>(v));
  }
  return true;
}

// The periods of `m` that end by `cutoff` and hold samples, in time order.
void LiveNovelty::Impl::score_until(Model& m, TimeNs cutoff, std::vector<NoveltyAlert>& out) {
  const TimeNs until = cutoff == kTimeMax ? kTimeMax : bucket_start(cutoff, m.period);
  // Each parameter's samples of those periods, sorted once and merged as ingest merges them
  // (the later sample wins), and the periods they fall in.
  const std::size_t np = m.params.size();
  std::vector<io::Series> sorted(np);
  std::set<TimeNs> starts;
  for (std::size_t q = 0; q < np; ++q) {
    const io::Series& all = open.find(m.params[q])->second;
    for (std::size_t i = 0; i < all.size(); ++i)
      if (all.time[i] >= m.done && all.time[i] < until) sorted[q].time.push_back(all.time[i]), sorted[q].value.push_back(all.value[i]);
    io::sort_and_dedupe(sorted[q].time, sorted[q].value);
    for (const TimeNs t : sorted[q].time) starts.insert(bucket_start(t, m.period));
  }
  std::vector<float> x, err;
  std::vector<double> score_q, score;
  for (const TimeNs s : starts) {
    if (!row_of(m, sorted, s, x)) continue;
    kernels::normalise(x, m.mean, m.sd);
    err.assign(x.size(), 0.0f);
    m.net->errors(x, err);
    const kernels::ParameterErrors e = kernels::parameter_errors(x, err, static_cast<int>(x.size()), np, m.mean, m.sd, false, 0);
    kernels::row_scores(e.mse, np, m.ref_mean, m.ref_sd, m.threshold, score_q, score);
    if (!(score[0] > 1.0)) continue;
    const std::vector<double> weight(e.share.begin(), e.share.end());
    const auto top = kernels::contributor_percents(weight);
    out.push_back({m.name, m.params[top.front().first], s, s + m.period, score[0], kernels::contributors_text(top, m.params)});
  }
  if (until != kTimeMax) m.done = std::max(m.done, until);
}

// Samples every model reading them has scored are dropped.
void LiveNovelty::Impl::prune() {
  for (auto& [name, s] : open) {
    TimeNs keep_from = kTimeMax;
    for (const std::size_t i : readers[name]) keep_from = std::min(keep_from, models[i].done);
    std::size_t kept = 0;
    for (std::size_t i = 0; i < s.size(); ++i)
      if (s.time[i] >= keep_from) s.time[kept] = s.time[i], s.value[kept] = s.value[i], ++kept;
    s.time.resize(kept), s.value.resize(kept);
  }
}

LiveNovelty::LiveNovelty(const fs::path& dir, const std::string& mission, DurationNs lateness)
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
  for (const auto& f : files) impl_->models.push_back(impl_->load(f));
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
    if (m.done != kTimeMin && m.done + m.period > cutoff) continue;
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
