#include "jobs/novelty/train.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/comm.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "io/fs.hpp"
#include "io/json.hpp"
#include "jobs/engine/keys.hpp"
#include "jobs/job.hpp"
#include "jobs/product.hpp"
#include "kernels/reconstruction.hpp"

namespace telemine::jobs::novelty {

namespace fs = std::filesystem;

void Model::take_numbers(std::map<std::string, std::vector<double>>& numbers) {
  mean = numbers["norm_mean"];
  sd = numbers["norm_sd"];
  ref_mean_q = numbers["ref_mean"];
  ref_sd_q = numbers["ref_sd"];
  threshold_q = numbers["threshold"];
}

std::string file_name(std::string name) {
  for (char& c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) c = '_';
  return name + ".pt";
}

namespace {
// GROUP.skipped beside GROUP.pt: why training skipped the group.
fs::path skipped_marker(const fs::path& dir, const std::string& group) {
  return (dir / file_name(group)).replace_extension(".skipped");
}
}  // namespace

ResultKey resume_base(const Context& c) {
  const Settings& s = c.set;
  ResultKey key("novelty-model");
  key.add("version", version()).add("model", name_of(s.kind)).add("period", s.period);
  key.add("grid", s.grid).add("window", s.window).add("stride", s.stride);
  key.add("train-from", s.train_from).add("train-to", s.train_to);
  for (int h : s.hidden) key.add("hidden", h);
  key.add("epochs", s.train.epochs).add("batch", s.train.batch).add("seed", s.train.seed);
  key.add("learning-rate", s.train.learning_rate);
  if (s.kind == ModelKind::forecast) {
    const auto& f = s.forecast;
    const auto& o = s.forecasting;
    key.add("history", f.history).add("horizon", f.horizon).add("chunk", f.chunk).add("dropout", f.dropout);
    for (int h : f.hidden) key.add("lstm", h);
    key.add("forecast-epochs", o.epochs).add("forecast-batch", o.batch).add("forecast-learning-rate", o.learning_rate);
    key.add("validation", o.validation).add("patience", o.patience).add("min-delta", o.min_delta);
  }
  // The thresholds are saved with the model, so what sets them is part of its key.
  key.add("threshold", name_of(s.method)).add("threshold-value", s.method_value);
  key.add("ndt-window", s.ndt_window).add("ndt-smoothing", s.ndt_smoothing);
  key.add("threads", s.threads).add("data-parallel ranks", c.data_parallel ? c.comm.size() : 0);
  key.add_partitions(c.plan);
  for (const auto& [name, intervals] : c.labelled)
    for (const auto& l : intervals) key.add("label", name).add("start", l.start).add("end", l.end);
  return key;
}

std::unique_ptr<Detector> resume(const Context& c, std::int32_t g, const std::string& resume_key, Model& m) {
  std::unique_ptr<Detector> ae;
  const fs::path file = c.set.model_dir / file_name(c.groups[g].name);
  std::error_code ec;
  if (fs::exists(file, ec)) {
    try {
      std::map<std::string, std::vector<double>> numbers;
      std::map<std::string, std::string> texts;
      auto loaded = load_detector(file, numbers, texts);
      if (texts["resume_key"] == resume_key && loaded->inputs() == c.inputs_of(g)) {
        ae = std::move(loaded);
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
  if (c.data_parallel && c.comm.allreduce_value<std::int64_t>(m.resumed ? 1 : 0, ReduceOp::min) == 0) {
    m.resumed = false;
    ae.reset();
  }
  return ae;
}

namespace {

// The settings a model file records, as saved (`model`, `unit`: its period or grid, `window`).
struct Saved {
  ModelKind kind = ModelKind::features;
  DurationNs unit = 0;
  int window = 0;
  std::string threshold;  // METHOD:VALUE
  TimeNs reference_from = 0, reference_to = 0;  // 0, 0: not recorded (an older file)
};

Saved saved_of(const fs::path& file, std::map<std::string, std::string>& texts) {
  Saved s;
  const std::string& model = texts["model"];
  s.kind = model == "window" ? ModelKind::window : model == "forecast" ? ModelKind::forecast : ModelKind::features;
  const auto window = parse_number<int>(texts["window"]);
  try {
    s.unit = parse_duration(texts["unit"]);
  } catch (const std::exception&) {
    s.unit = 0;
  }
  if (s.unit <= 0 || !window || (model != "window" && model != "features" && model != "forecast"))
    throw IoError(file.string() + ": not a novelty model file (no model kind, period or window recorded)");
  s.window = *window;
  s.threshold = texts["threshold_method"];
  s.reference_from = parse_number<std::int64_t>(texts["reference_from"]).value_or(0);
  s.reference_to = parse_number<std::int64_t>(texts["reference_to"]).value_or(0);
  return s;
}

// The first model file of a folder (sorted by name), or empty.
fs::path first_model(const fs::path& dir) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.path().extension() == ".pt") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files.empty() ? fs::path() : files.front();
}

// A key the job gives that differs from the saved models' value: refused, naming both.
void refuse(const Job& job, const fs::path& file, const std::string& key, const std::string& trained, const std::string& given) {
  job.fail(key, "the saved model " + file.string() + " was trained with " + key.substr(key.find('.') + 1) + " = " + trained +
                    ", not " + given + " (leave it out to score with the model's own)");
}

// Compares what group g's model file records with the job's settings.
void check_saved(const Job& job, const Settings& set, const fs::path& file, const Saved& saved) {
  if (saved.kind != set.kind)
    job.fail("novelty.model", "the saved model " + file.string() + " is a " + name_of(saved.kind) + " model; the other models of " +
                                  set.load.string() + " are " + name_of(set.kind) + " models");
  const bool window = set.kind == ModelKind::window, grid = on_grid(set.kind);
  const DurationNs unit = grid ? set.grid : set.period;
  if (saved.unit != unit)
    refuse(job, file, grid ? "novelty.grid" : "novelty.period", format_duration(saved.unit), format_duration(unit));
  if (window && saved.window != set.window)
    refuse(job, file, "novelty.window", std::to_string(saved.window), std::to_string(set.window));
}

// One name a line, as a model file records them, as a short comma list for a message.
std::string listed(std::string names) {
  if (!names.empty() && names.back() == '\n') names.pop_back();
  std::replace(names.begin(), names.end(), '\n', ',');
  return excerpt(names, 120);
}

}  // namespace

Settings with_saved_model(const Job& job, Settings set) {
  if (set.load.empty()) return set;
  const fs::path file = first_model(set.load);
  if (file.empty()) return set;  // each group's model is then missing: load() says so
  std::map<std::string, std::string> texts = ml::saved_texts(file);
  const Saved saved = saved_of(file, texts);
  set.kind = saved.kind;
  const bool window = set.kind == ModelKind::window, grid = on_grid(set.kind);
  const std::string unit_key = grid ? "novelty.grid" : "novelty.period";
  if (!job.has(unit_key)) (grid ? set.grid : set.period) = saved.unit;
  if (set.kind == ModelKind::forecast) set.window = set.stride = 1;
  if (window && !job.has("novelty.window")) set.window = saved.window;
  if (window && !job.has("novelty.stride")) set.stride = set.window;
  check_saved(job, set, file, saved);
  set.saved_reference_from = saved.reference_from;
  set.saved_reference_to = saved.reference_to;
  // The thresholds of pot, sigma and quantile were fixed at training: another method or
  // value would be ignored, so it is refused; the dynamic methods judge the scores now.
  const std::string th = std::string(name_of(set.method)) + ":" + std::to_string(set.method_value);
  const auto method = saved.threshold.substr(0, saved.threshold.find(':'));
  if (job.has("novelty.threshold") && !saved.threshold.empty() && method != name_of(set.method))
    refuse(job, file, "novelty.threshold", saved.threshold, job.get("novelty.threshold").value_or(th));
  if (job.has("novelty.threshold") && !kernels::is_dynamic(set.method) && !saved.threshold.empty() && saved.threshold != th)
    refuse(job, file, "novelty.threshold", saved.threshold, job.get("novelty.threshold").value_or(th));
  return set;
}

std::unique_ptr<Detector> load(const Context& c, std::int32_t g, Model& m, std::string& skipped) {
  std::map<std::string, std::vector<double>> numbers;
  std::map<std::string, std::string> texts;
  const fs::path file = c.set.load / file_name(c.groups[g].name);
  if (!fs::exists(file)) {
    std::ifstream in(skipped_marker(c.set.load, c.groups[g].name));
    if (!in || !std::getline(in, skipped) || skipped.empty())
      throw IoError(file.string() + ": no model for group '" + c.groups[g].name + "'");
    return nullptr;
  }
  auto ae = load_detector(file, numbers, texts);
  check_saved(c.job, c.set, file, saved_of(file, texts));
  if (texts["params"] != c.names_of(g))
    c.job.fail("params", "the saved model " + file.string() + " was trained on other parameters: " +
                                             listed(texts["params"]) + " (this job's group '" + c.groups[g].name + "': " + listed(c.names_of(g)) + ")");
  if (ae->inputs() != c.inputs_of(g))
    throw JobError(file.string() + ": the model has " + std::to_string(ae->inputs()) + " inputs, the job's group " +
                   std::to_string(c.inputs_of(g)));
  m.take_numbers(numbers);
  return ae;
}

void save_skipped(const Context& c, std::int32_t g, const std::string& reason) {
  io::make_directories(c.set.model_dir);
  io::write_file_atomically(skipped_marker(c.set.model_dir, c.groups[g].name), reason + "\n");
}

void save(const Context& c, std::int32_t g, const Detector& model, const std::string& resume_key, Model& m) {
  const Settings& s = c.set;
  io::make_directories(s.model_dir);
  const fs::path file = s.model_dir / file_name(c.groups[g].name);
  const Overlap reference = c.overlap();
  model.save(file,
          {{"norm_mean", m.mean}, {"norm_sd", m.sd}, {"ref_mean", m.ref_mean_q}, {"ref_sd", m.ref_sd_q},
           {"threshold", m.threshold_q},
           {"run", {static_cast<double>(m.reference_rows), m.report.final_loss}}},
          {{"resume_key", resume_key},
           {"params", c.names_of(g)},
           {"group", c.groups[g].name},
           {"model", name_of(s.kind)},
           {"unit", format_duration(on_grid(s.kind) ? s.grid : s.period)},
           {"window", std::to_string(s.window)},
           {"threshold_method", std::string(name_of(s.method)) + ":" + std::to_string(s.method_value)},
           // The reference period it learned, clipped to the data, for the overlap warning
           // of a job that scores with it.
           {"reference_from", std::to_string(reference.reference_from)},
           {"reference_to", std::to_string(reference.reference_to)}});
  m.file = file.string();
  io::remove_quietly(skipped_marker(s.model_dir, c.groups[g].name));  // of an earlier run that skipped it
}

bool fit_normalisation(const Context& c, std::int32_t g, const Rows& r, const std::vector<char>& reference, Model& m) {
  const int inputs = c.inputs_of(g);
  const int per_param = inputs / static_cast<int>(c.groups[g].params.size());
  std::vector<double> sums = kernels::normalisation_sums(r.x, reference, inputs);
  if (const Comm* dp = c.dp()) dp->allreduce(std::span<double>(sums), ReduceOp::sum);
  // Window inputs of one parameter share its mean and spread; features each have their own.
  return kernels::fit_normalisation(sums, inputs, on_grid(c.set.kind) ? per_param : 1, m.mean, m.sd);
}

}  // namespace telemine::jobs::novelty
