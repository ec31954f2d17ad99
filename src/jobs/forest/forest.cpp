// The forest job. Each parameter is resampled onto the grid (last value held) through
// derived::Definitions, so derived parameters are features and targets like stored ones; a lag
// is then a shift by whole grid steps. Every target is trained on one rank (round robin), so the
// results do not depend on the rank count.
#include "jobs/forest/forest.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "core/comm.hpp"
#include "core/error.hpp"
#include "core/serialize.hpp"
#include "derived/derived.hpp"
#include "io/csv.hpp"
#include "io/json.hpp"
#include "jobs/job.hpp"
#include "jobs/plan.hpp"
#include "jobs/product.hpp"
#include "ml/forest.hpp"

namespace telemine::jobs {

namespace fs = std::filesystem;

namespace {

struct Settings {
  std::vector<std::string> targets;  // patterns
  std::vector<DurationNs> lags = {0};
  DurationNs grid = kMinute;
  TimeNs train_from = kTimeMin, train_to = kTimeMax;
  double holdout = 0.25;
  double sigma = 5;
  ml::ForestOptions forest;
  fs::path model;      // score with these models instead of training
  fs::path model_dir;  // where trained models go
};

double number(const Job& job, const char* key, double fallback, double lo, double hi) {
  const auto v = job.get(key);
  if (!v) return fallback;
  double x = 0;
  try {
    x = std::stod(*v);
  } catch (const std::exception&) {
    job.fail(key, "expected a number, got '" + *v + "'");
  }
  if (!(x >= lo && x <= hi)) job.fail(key, "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
  return x;
}

TimeNs time_key(const Job& job, const char* key, TimeNs fallback) {
  const auto v = job.get(key);
  if (!v || v->empty()) return fallback;
  try {
    return parse_time(*v);
  } catch (const UsageError& e) {
    job.fail(key, e.what());
  }
}

Settings settings(const Job& job) {
  Settings s;
  const auto& c = job.common();
  const auto t = job.get("forest.target");
  if (!t || t->empty()) throw JobError(job.where("forest.target") + ": missing key 'forest.target' ([forest] target = P)");
  s.targets = split_comma_list(*t);
  s.grid = job.get_duration("forest.grid").value_or(kMinute);
  if (auto v = job.get("forest.lags")) {
    s.lags.clear();
    for (const auto& l : split_comma_list(*v)) {
      try {
        s.lags.push_back(l == "0" ? 0 : parse_duration(l, true));
      } catch (const UsageError& e) {
        job.fail("forest.lags", e.what());
      }
      if (s.lags.back() % s.grid != 0)
        job.fail("forest.lags", l + " is not a multiple of the grid " + format_duration(s.grid));
    }
  }
  s.train_from = std::max(time_key(job, "forest.train-from", c.from), c.from);
  s.train_to = std::min(time_key(job, "forest.train-to", c.to), c.to);
  if (s.train_to <= s.train_from) job.fail("forest.train-to", "must be after train-from, within the job's range");
  s.holdout = number(job, "forest.holdout", 0.25, 0.05, 0.9);
  s.sigma = number(job, "forest.sigma", 5, 0.1, 1e6);
  s.forest.trees = static_cast<int>(number(job, "forest.trees", 100, 1, 100000));
  s.forest.depth = static_cast<int>(number(job, "forest.depth", 8, 1, 64));
  s.forest.subsample = number(job, "forest.subsample", 0.632, 0.01, 1);
  s.forest.colsample = number(job, "forest.colsample", 0.333, 0.01, 1);
  s.forest.seed = static_cast<std::uint64_t>(number(job, "forest.seed", 1, 0, 1e15));
  s.forest.threads = static_cast<int>(number(job, "forest.threads", 1, 1, 256));
  if (auto v = job.get("forest.model")) s.model = *v;
  s.model_dir = job.get("forest.model-dir").value_or((c.output / "models").string());
  return s;
}

// One mission's parameters on the grid points of the job's range.
struct Grid {
  TimeNs from = 0;
  std::size_t rows = 0;
  std::map<std::string, std::vector<float>> values;
};

Grid resample(const Job& job, const io::Archive& archive, const std::string& mission,
              const std::vector<std::string>& params, const Settings& s) {
  const io::Catalog cat = archive.catalog(mission);
  std::vector<derived::Definition> defs = job.derived();
  for (const auto& p : params) defs.push_back({"~" + p, "`" + p + "`", "forest"});
  const auto d = derived::Definitions::make(defs, cat, job.common().from, job.common().to,
                                            {job.derived_options().hold, s.grid});
  TimeNs first = kTimeMax, end = kTimeMin;
  for (const auto& p : cat.partitions) {
    first = std::min(first, p.first_time);
    end = std::max(end, p.last_time + 1);
  }
  const TimeNs from = std::max(job.common().from, first), to = std::min(job.common().to, end);
  Grid g;
  g.from = bucket_start(from - 1, s.grid) + s.grid;
  g.rows = to > g.from ? static_cast<std::size_t>((to - g.from + s.grid - 1) / s.grid) : 0;
  for (const auto& p : params) {
    const io::Series x = d.read(archive, cat, "~" + p, g.from, to);
    std::vector<float>& v = g.values[p];
    v.assign(g.rows, std::nanf(""));
    for (std::size_t i = 0; i < x.size(); ++i)
      v[static_cast<std::size_t>((x.time[i] - g.from) / s.grid)] = static_cast<float>(x.value[i]);
  }
  return g;
}

struct Feature {
  std::string param;
  DurationNs lag = 0;
};

// Row-major features of rows [b, e): feature k at row i is its parameter at row i - lag.
std::vector<float> matrix(const Grid& g, const std::vector<Feature>& f, std::size_t b, std::size_t e, DurationNs step) {
  std::vector<float> x((e - b) * f.size());
  for (std::size_t k = 0; k < f.size(); ++k) {
    const auto& v = g.values.at(f[k].param);
    const auto shift = static_cast<std::size_t>(f[k].lag / step);
    for (std::size_t i = b; i < e; ++i) x[(i - b) * f.size() + k] = i >= shift ? v[i - shift] : std::nanf("");
  }
  return x;
}

// Rows of [b, e) with a valid target: their features and labels.
void valid_rows(const Grid& g, const std::vector<Feature>& f, const std::vector<float>& y, std::size_t b, std::size_t e,
                DurationNs step, std::vector<float>& x_out, std::vector<float>& y_out) {
  const std::vector<float> x = matrix(g, f, b, e, step);
  for (std::size_t i = b; i < e; ++i) {
    if (std::isnan(y[i])) continue;
    x_out.insert(x_out.end(), x.begin() + static_cast<long>((i - b) * f.size()), x.begin() + static_cast<long>((i - b + 1) * f.size()));
    y_out.push_back(y[i]);
  }
}

double r2(const std::vector<float>& y, const std::vector<float>& p) {
  double mean = 0, ss_res = 0, ss_tot = 0;
  for (float v : y) mean += v;
  mean /= static_cast<double>(std::max<std::size_t>(y.size(), 1));
  for (std::size_t i = 0; i < y.size(); ++i) {
    ss_res += (y[i] - p[i]) * static_cast<double>(y[i] - p[i]);
    ss_tot += (y[i] - mean) * (y[i] - mean);
  }
  return ss_tot > 0 ? 1 - ss_res / ss_tot : std::nan("");
}

// One target's results, as CSV rows for rank 0.
struct Result {
  std::string importances, fit, scores, detections;
};

std::string feature_text(const Feature& f) {
  return f.param + "," + std::to_string(f.lag / kSecond);
}

// The model's description beside it: grid, threshold, then one `param lag_ns` per feature.
void save_meta(const fs::path& file, DurationNs grid, double threshold, const std::vector<Feature>& f) {
  std::ostringstream out;
  out.precision(17);
  out << "grid " << grid << "\nthreshold " << threshold << "\n";
  for (const auto& x : f) out << "feature " << x.lag << " " << x.param << "\n";
  io::write_file_atomically(file, out.str());
}

std::vector<Feature> load_meta(const fs::path& file, DurationNs grid, double& threshold) {
  std::ifstream in(file);
  if (!in) throw IoError(file.string() + ": cannot read the model's description");
  std::vector<Feature> f;
  std::string word;
  while (in >> word) {
    if (word == "grid") {
      DurationNs g = 0;
      in >> g;
      if (g != grid) throw UsageError(file.string() + ": the model was trained on a grid of " + format_duration(g) +
                                      ", the job has " + format_duration(grid));
    } else if (word == "threshold") {
      in >> threshold;
    } else if (word == "feature") {
      Feature x;
      in >> x.lag;
      in.get();
      std::getline(in, x.param);
      f.push_back(x);
    } else {
      throw IoError(file.string() + ": unexpected '" + word + "'");
    }
  }
  return f;
}

Result run_target(const std::string& mission, const std::string& target, const Grid& g, const std::vector<Feature>& all,
                  const Settings& s) {
  const DurationNs step = s.grid;
  auto row_of = [&](TimeNs t) {
    return static_cast<std::size_t>(std::clamp<TimeNs>((t - g.from + step - 1) / step, 0, static_cast<TimeNs>(g.rows)));
  };
  const std::vector<float>& y = g.values.at(target);
  const fs::path model_file = (s.model.empty() ? s.model_dir : s.model) / mission / (target + ".json");
  const fs::path meta_file = (s.model.empty() ? s.model_dir : s.model) / mission / (target + ".txt");
  std::vector<Feature> f;
  double threshold = 0;
  std::optional<ml::Forest> forest;
  std::string fit;
  if (s.model.empty()) {
    for (const auto& x : all)
      if (x.param != target) f.push_back(x);
    const std::size_t b = row_of(s.train_from), e = row_of(s.train_to);
    const std::size_t split = e - static_cast<std::size_t>(static_cast<double>(e - b) * s.holdout);
    std::vector<float> xt, yt, xh, yh;
    valid_rows(g, f, y, b, split, step, xt, yt);
    valid_rows(g, f, y, split, e, step, xh, yh);
    if (yt.empty() || yh.empty())
      throw UsageError(mission + "/" + target + ": no valid target samples in the reference period's training or held-out part");
    try {
      forest = ml::Forest::train(xt, f.size(), yt, s.forest);
    } catch (const UsageError& err) {
      throw UsageError(mission + "/" + target + ": " + err.what());
    }
    const auto pt = forest->predict(xt), ph = forest->predict(xh);
    // The threshold comes from the held-out residuals: errors on data the forest has not seen.
    double m = 0, m2 = 0, sq = 0;
    for (std::size_t i = 0; i < yh.size(); ++i) {
      const double r = std::fabs(yh[i] - ph[i]);
      m += r;
      m2 += r * r;
      sq += (yh[i] - ph[i]) * static_cast<double>(yh[i] - ph[i]);
    }
    const double n = static_cast<double>(yh.size());
    threshold = m / n + s.sigma * std::sqrt(std::max(0.0, m2 / n - (m / n) * (m / n)));
    fs::create_directories(model_file.parent_path());
    forest->save(model_file);
    save_meta(meta_file, step, threshold, f);
    std::string line = mission + "," + target + "," + std::to_string(yt.size()) + "," + std::to_string(yh.size()) + ",";
    io::append_number(line, r2(yt, pt));
    line += ",";
    io::append_number(line, r2(yh, ph));
    line += ",";
    io::append_number(line, std::sqrt(sq / n));
    line += ",";
    io::append_number(line, threshold);
    fit = line + "\n";
  } else {
    f = load_meta(meta_file, step, threshold);
    for (const auto& x : f)
      if (!g.values.count(x.param)) throw UsageError(meta_file.string() + ": feature " + x.param + " is not in the job's parameters");
    forest = ml::Forest::load(model_file, s.forest.threads);
  }
  Result r;
  r.fit = fit;
  const auto imp = forest->importance();
  std::vector<std::size_t> order(f.size());
  for (std::size_t k = 0; k < f.size(); ++k) order[k] = k;
  std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return imp[a] > imp[b]; });
  for (std::size_t rank = 0; rank < order.size(); ++rank) {
    r.importances += mission + "," + target + "," + feature_text(f[order[rank]]) + ",";
    io::append_number(r.importances, imp[order[rank]]);
    r.importances += "," + std::to_string(rank + 1) + "\n";
  }
  // Scores over the whole range; novel intervals where the residual exceeds the threshold.
  const auto pred = forest->predict(matrix(g, f, 0, g.rows, step));
  std::string contributors;
  for (std::size_t k = 0; k < std::min<std::size_t>(3, order.size()); ++k)
    contributors += (k ? " " : "") + f[order[k]].param + "@" + format_duration(f[order[k]].lag);
  char tbuf[40];
  std::size_t open = g.rows;
  double peak = 0;
  for (std::size_t i = 0; i <= g.rows; ++i) {
    const double res = i < g.rows ? static_cast<double>(y[i]) - pred[i] : std::nan("");
    if (i < g.rows) {
      r.scores += mission + "," + target + ",";
      r.scores.append(tbuf, format_time(g.from + static_cast<TimeNs>(i) * step, tbuf));
      for (double v : {static_cast<double>(y[i]), static_cast<double>(pred[i]), res}) {
        r.scores += ",";
        io::append_number(r.scores, v);
      }
      r.scores += "\n";
    }
    const bool novel = std::fabs(res) > threshold;
    if (novel && open == g.rows) open = i, peak = 0;
    if (novel) peak = std::max(peak, std::fabs(res) / threshold);
    if (!novel && open != g.rows) {
      r.detections += mission + "," + target + ",";
      r.detections.append(tbuf, format_time(g.from + static_cast<TimeNs>(open) * step, tbuf));
      r.detections += ",";
      r.detections.append(tbuf, format_time(g.from + static_cast<TimeNs>(i) * step, tbuf));
      r.detections += ",";
      io::append_number(r.detections, peak);
      r.detections += "," + contributors + "\n";
      open = g.rows;
    }
  }
  return r;
}

}  // namespace

int run_forest(const Job& job, const Comm& comm) {
  const Settings s = settings(job);
  const Plan plan = plan_collectively(job, comm);
  if (job.dry_run()) {
    if (comm.is_root()) std::fputs(plan.describe().c_str(), stdout);
    return 0;
  }
  // Targets: every (mission, parameter) matching a target pattern, in plan order.
  std::vector<std::pair<std::size_t, std::string>> targets;
  for (std::size_t m = 0; m < plan.missions.size(); ++m)
    for (const auto& p : plan.missions[m].params)
      for (const auto& pat : s.targets)
        if (glob_match(pat, p.name)) {
          targets.emplace_back(m, p.name);
          break;
        }
  if (targets.empty()) job.fail("forest.target", "matches none of the job's parameters");
  Product product(job, plan, comm);
  product.phase("plan");

  std::vector<Result> mine;
  comm.run_phase([&] {
    const io::Archive archive = io::Archive::open(job.common().archive);
    std::map<std::size_t, Grid> grids;
    for (std::size_t t = static_cast<std::size_t>(comm.rank()); t < targets.size(); t += static_cast<std::size_t>(comm.size())) {
      const auto& pm = plan.missions[targets[t].first];
      std::vector<std::string> names;
      std::vector<Feature> features;
      for (const auto& p : pm.params) {
        names.push_back(p.name);
        for (auto lag : s.lags) features.push_back({p.name, lag});
      }
      if (!grids.count(targets[t].first)) grids[targets[t].first] = resample(job, archive, pm.name, names, s);
      mine.push_back(run_target(pm.name, targets[t].second, grids[targets[t].first], features, s));
    }
  });
  product.phase("train");

  ByteWriter w;
  for (const auto& r : mine) {
    w.put(r.importances);
    w.put(r.fit);
    w.put(r.scores);
    w.put(r.detections);
  }
  const auto gathered = comm.gather_bytes(w.take());
  comm.run_phase([&] {
    if (!comm.is_root()) return;
    std::vector<ByteReader> readers;
    for (const auto& g : gathered) readers.emplace_back(g);
    std::string imp = "mission,target,feature,lag_seconds,importance,rank\n";
    std::string fit = "mission,target,train_rows,holdout_rows,r2_train,r2_holdout,rmse_holdout,threshold\n";
    std::string scores = "mission,target,time,value,predicted,residual\n";
    std::string det = "mission,param,start,end,score,contributors\n";
    for (std::size_t t = 0; t < targets.size(); ++t) {  // target order, whichever rank trained it
      ByteReader& rd = readers[t % static_cast<std::size_t>(comm.size())];
      imp += rd.get_string();
      fit += rd.get_string();
      scores += rd.get_string();
      det += rd.get_string();
    }
    io::write_file(product.staging("importances.csv"), imp);
    if (s.model.empty()) io::write_file(product.staging("fit.csv"), fit);
    io::write_file(product.staging("scores.csv"), scores);
    io::write_file(product.staging("detections.csv"), det);
  });
  product.phase("write");
  product.set_summary([&](io::JsonWriter& j) {
    j.field("targets", static_cast<std::int64_t>(targets.size()));
    j.field("trees", static_cast<std::int64_t>(s.forest.trees));
    j.field("depth", static_cast<std::int64_t>(s.forest.depth));
  });
  std::vector<std::string> outs = {"importances.csv", "scores.csv", "detections.csv"};
  if (s.model.empty()) outs.push_back("fit.csv");
  const auto published = product.publish(outs);
  if (comm.is_root()) {
    std::printf("forest: %zu targets, %d trees of depth %d%s\n", targets.size(), s.forest.trees, s.forest.depth,
                s.model.empty() ? "" : (", scored with " + s.model.string()).c_str());
    for (const auto& p : published) std::printf("  %s\n", p.c_str());
  }
  return 0;
}

}  // namespace telemine::jobs
