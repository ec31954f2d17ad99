// The novelty job's flow: plan, read (features.cpp), train (train.cpp), score (score.cpp),
// outputs (outputs.cpp). The phases are in run.hpp; the math is in kernels/ (thresholds,
// reconstruction, events).
#include "jobs/novelty/run.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>

#include "core/comm.hpp"
#include "core/log.hpp"
#include "core/progress.hpp"
#include "io/archive.hpp"
#include "io/fs.hpp"
#include "jobs/job.hpp"
#include "jobs/novelty/detector.hpp"
#include "jobs/novelty/features.hpp"
#include "jobs/novelty/outputs.hpp"
#include "jobs/novelty/score.hpp"
#include "jobs/novelty/train.hpp"
#include "jobs/product.hpp"
#include "kernels/reconstruction.hpp"

namespace telemine::jobs {

namespace novelty {

Context::Context(const Job& job_, const Comm& comm_, Settings settings, Plan plan_)
    : job(job_), comm(comm_), set(std::move(settings)), plan(std::move(plan_)), index(plan), params(params_of(index)) {
  comm.run_phase([&] { groups = make_groups(set, params, plan, job); });
  // A forecast reads runs of consecutive steps: its one model trains on one rank.
  data_parallel = groups.size() == 1 && comm.size() > 1 && set.kind != ModelKind::forecast;
  per_day = on_grid(set.kind) ? kDay / set.grid : kDay / set.period;
}

int Context::owner(std::int32_t g, std::int64_t day) const {
  const int ranks = comm.size();
  return data_parallel ? static_cast<int>(((day % ranks) + ranks) % ranks) : static_cast<int>(g % ranks);
}

int Context::inputs_of(std::int32_t g) const {
  return static_cast<int>(groups[g].params.size()) * (on_grid(set.kind) ? set.window : kFeatures);
}

std::string Context::names_of(std::int32_t g) const {
  std::string names;
  for (auto p : groups[g].params) names += params[p].display + "\n";
  return names;
}

Overlap Context::overlap() const {
  Overlap o;
  o.data_from = kTimeMax;
  o.data_to = kTimeMin;
  for (const auto& part : plan.partitions) {
    if (part.info.samples == 0) continue;
    o.data_from = std::min(o.data_from, part.info.first_time);
    o.data_to = std::max(o.data_to, part.info.last_time + 1);
  }
  if (o.data_from >= o.data_to) return o;  // no data: nothing is scored
  const TimeNs from = std::max(plan.from, o.data_from), to = std::min(plan.to, o.data_to);
  const bool loaded = !set.load.empty();
  if (loaded && set.saved_reference_from >= set.saved_reference_to) return o;  // not recorded
  const TimeNs ref_from = loaded ? set.saved_reference_from : set.train_from;
  const TimeNs ref_to = loaded ? set.saved_reference_to : set.train_to;
  o.reference_from = std::max(ref_from, from);
  o.reference_to = std::min(ref_to, to);
  o.scored_overlaps_reference = o.reference_from < o.reference_to;
  o.train_to_past_data = !loaded && set.train_to != kTimeMax && set.train_to > o.data_to;
  return o;
}

}  // namespace novelty

namespace {

using namespace novelty;

// Only the rows a model gives an error are its rows: a forecaster has none for the first
// `history` steps of a run (they are never scored, as in telemanom).
void keep_scored_rows(Rows& r, std::vector<float>& err, std::vector<char>& reference, std::size_t inputs) {
  std::size_t kept = 0;
  for (std::size_t i = 0; i < r.size(); ++i) {
    if (inputs > 0 && std::isnan(err[i * inputs])) continue;
    r.start[kept] = r.start[i];
    r.end[kept] = r.end[i];
    reference[kept] = reference[i];
    std::copy_n(r.x.begin() + static_cast<std::ptrdiff_t>(i * inputs), inputs, r.x.begin() + static_cast<std::ptrdiff_t>(kept * inputs));
    std::copy_n(err.begin() + static_cast<std::ptrdiff_t>(i * inputs), inputs, err.begin() + static_cast<std::ptrdiff_t>(kept * inputs));
    ++kept;
  }
  r.start.resize(kept);
  r.end.resize(kept);
  reference.resize(kept);
  r.x.resize(kept * inputs);
  err.resize(kept * inputs);
}

// Warnings on stderr (rank 0): detections inside the reference period are on the models' own
// training data, and evaluate's figures there flatter them.
void warn_overlap(const Context& c, const Overlap& o) {
  if (!c.comm.is_root()) return;
  if (o.train_to_past_data)
    log::warn("novelty: train-to (" + format_time(c.set.train_to) + ") lies past the end of the data (" + format_time(o.data_to) +
              "): the models train on every row up to the end");
  if (o.scored_overlaps_reference)
    log::warn("novelty: the scored range overlaps the reference period [" + format_time(o.reference_from) + ", " +
              format_time(o.reference_to) + "): detections there are on the models' training data (evaluate with --from " +
              format_time(o.reference_to) + " for unseen data)");
}

class NoveltyRun {
 public:
  // The settings first, then the plan: a bad key fails every rank before any collective.
  NoveltyRun(const Job& job, const Comm& comm) : NoveltyRun(job, comm, with_saved_model(job, read_settings(job))) {}

  int run() {
    const Settings& set = c_.set;
    if (c_.job.dry_run()) {
      if (c_.comm.is_root()) {
        std::printf("novelty: %zu parameters in %zu models (%s), %s\n", c_.params.size(), c_.groups.size(), set.group.c_str(),
                    c_.data_parallel ? "one model trained data-parallel on every rank" : "models spread over the ranks");
        std::fputs(c_.plan.describe().c_str(), stdout);
      }
      return 0;
    }
    Product product(c_.job, c_.plan, c_.comm);
    product.phase("plan");
    c_.comm.run_phase([&] { c_.labelled = read_labels(c_.job, c_.plan, c_.params); });
    const Overlap overlap = c_.overlap();
    warn_overlap(c_, overlap);
    make_all_rows(product);
    product.phase("read");
    c_.comm.run_phase([&] { fit_and_score(); });
    product.phase(set.load.empty() ? "train and score" : "score");
    write_scores(c_, res_, product);
    const std::int64_t detections = write_detections(c_, res_, product);
    product.phase("detect");
    summarise(c_, res_, overlap, product, detections);
    const auto published = product.publish({"detections.csv", "scores.h5"});
    if (c_.comm.is_root()) {
      std::printf("novelty: %zu parameters, %zu models, %lld detections%s\n", c_.params.size(), c_.groups.size(),
                  static_cast<long long>(detections), product.skipped_note().c_str());
      for (const auto& p : published) std::printf("  %s\n", p.c_str());
      if (set.load.empty()) std::printf("  %s/ (one model file per group)\n", set.model_dir.c_str());
    }
    return 0;
  }

 private:
  NoveltyRun(const Job& job, const Comm& comm, Settings settings)
      : c_(job, comm, std::move(settings), plan_collectively(job, comm)) {
    ml::set_threads(c_.set.threads);
  }

  // Phase 1: the day blocks of every parameter, then the rows of the models held here.
  void make_all_rows(Product& product) {
    Received in = read_blocks(c_, product);
    for (std::int32_t g = 0; g < static_cast<std::int32_t>(c_.groups.size()); ++g)
      if (c_.data_parallel || c_.owner(g, 0) == c_.comm.rank()) mine_.push_back(g);
    for (auto g : mine_) res_.rows[g] = make_rows(c_, c_.groups[g].params, in.blocks, in.days);
  }

  // Phases 2 and 3, per model held here: normalisation and training on the reference rows (or
  // a saved or resumed model), scores of every row, thresholds, and the novel rows for rank 0.
  void fit_and_score() {
    const ResultKey base = resume_base(c_);
    Progress progress(c_.comm, "models", static_cast<std::int64_t>(mine_.size()), "models", c_.job.progress() && !c_.data_parallel);
    for (std::size_t gi = 0; gi < mine_.size(); ++gi) {
      fit_and_score_one(mine_[gi], base);
      progress.update(static_cast<std::int64_t>(gi + 1));
    }
    progress.finish();
  }

  void fit_and_score_one(std::int32_t g, const ResultKey& base) {
    Rows& r = res_.rows[g];
    Model& m = res_.models[g];
    const std::size_t np = c_.groups[g].params.size();
    std::vector<char> reference = reference_mask(c_, r, c_.groups[g]);
    const bool loading = !c_.set.load.empty();
    const std::string resume_key = loading ? std::string() : ResultKey(base).add("inputs", c_.names_of(g)).checksum();
    std::string skipped;
    std::unique_ptr<Detector> ae = loading ? load(c_, g, m, skipped) : resume(c_, g, resume_key, m);
    if (loading && !ae) return skip(g, skipped + " (when trained)", false);
    const bool trained_here = !loading && !m.resumed;
    // Nothing to learn from (no complete row in the reference period): listed, not scored.
    if (trained_here && !fit_normalisation(c_, g, r, reference, m)) return skip(g, "no reference row in [train-from, train-to)", true);
    kernels::normalise(r.x, m.mean, m.sd);
    if (!ae) ae = train_detector(c_, g, r, reference, m);
    std::vector<float> err = ae->errors(c_, r);
    keep_scored_rows(r, err, reference, static_cast<std::size_t>(c_.inputs_of(g)));
    // A forecaster's reference shorter than its history: no error to set a threshold on.
    const bool no_reference = std::find(reference.begin(), reference.end(), char{1}) == reference.end();
    if (trained_here && c_.set.kind == ModelKind::forecast && no_reference)
      return skip(g, "no reference row with " + std::to_string(c_.set.forecast.history) + " steps of history in [train-from, train-to)", true);
    const std::vector<char> is_novel = score_rows(c_, g, r, err, reference, trained_here, m);
    for (std::size_t i = 0; i < r.size(); ++i) {
      if (!is_novel[i]) continue;
      res_.novel.push_back({g, r.start[i], r.end[i], m.score[i]});
      res_.novel_share.insert(res_.novel_share.end(), m.share.begin() + static_cast<std::ptrdiff_t>(i * np),
                              m.share.begin() + static_cast<std::ptrdiff_t>((i + 1) * np));
    }
    if (trained_here && (!c_.data_parallel || c_.comm.is_root())) save(c_, g, *ae, resume_key, m);
  }

  // Model g is listed, not scored; a skip at training is written beside the models for the
  // jobs that score with them.
  void skip(std::int32_t g, const std::string& reason, bool training) {
    const std::string text = "novelty: model '" + c_.groups[g].name + "' has " + reason + "; skipped";
    c_.data_parallel ? log::warn(text) : log::warn_any_rank(text);  // every rank holds a data-parallel one
    if (training && (!c_.data_parallel || c_.comm.is_root())) save_skipped(c_, g, reason);
    res_.models.erase(g);
    res_.rows[g] = Rows{};
  }

  Context c_;
  std::vector<std::int32_t> mine_;  // the models this rank holds (data-parallel: the one model)
  Results res_;
};

}  // namespace

int run_novelty(const Job& job, const Comm& comm) { return NoveltyRun(job, comm).run(); }

}  // namespace telemine::jobs
