// The telemine command line: `telemine <command> [options]`.
#include <unistd.h>

#include <boost/program_options.hpp>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <algorithm>
#include <deque>
#include <functional>
#include <map>
#include <iostream>
#include <string>
#include <tuple>
#include <vector>

#include "core/comm.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "core/suggest.hpp"
#include "core/time.hpp"
#include "io/ingest.hpp"
#include "jobs/generate.hpp"
#include "jobs/job.hpp"
#include "jobs/engine/registry.hpp"
#include "jobs/product.hpp"
#include "jobs/evaluate/evaluate.hpp"
#include "jobs/run.hpp"
#include "jobs/submit.hpp"
#include "jobs/retrieve.hpp"
#include "serve/plot.hpp"
#include "serve/server.hpp"
#include "jobs/products/cli.hpp"
#include "jobs/evaluate_esa.hpp"
#include "jobs/labels/labels.hpp"
#include "jobs/dataset/export.hpp"
#include "jobs/derived/derive.hpp"
#include "stream/cli.hpp"
#include "stream/limits.hpp"

namespace po = boost::program_options;
using namespace telemine;

namespace {


struct Command {
  const char* name;
  const char* summary;
  std::function<int(const Comm&, const std::vector<std::string>&)> run;
};

// Parses a command's options; `--help` prints usage and returns false.
bool parse(const std::string& command, const std::string& usage, po::options_description& desc,
           const std::vector<std::string>& args, po::variables_map& vm,
           const po::positional_options_description* positional = nullptr) {
  desc.add_options()("help,h", "show this help");
  try {
    po::command_line_parser parser(args);
    parser.options(desc);
    if (positional) parser.positional(*positional);
    po::store(parser.run(), vm);
    if (vm.count("help")) {
      std::cout << "usage: telemine " << command << " " << usage << "\n\n" << desc << "\n";
      return false;
    }
    po::notify(vm);
  } catch (const po::unknown_option& e) {
    std::vector<std::string> known;
    for (const auto& o : desc.options()) known.push_back("--" + o->long_name());
    throw UsageError("telemine " + command + ": unrecognised option '" + e.get_option_name() + "'" +
                     did_you_mean(e.get_option_name(), known) + " (see telemine " + command + " --help)");
  } catch (const po::error& e) {
    throw UsageError("telemine " + command + ": " + e.what() + " (see telemine " + command + " --help)");
  }
  return true;
}

bool show_progress(const po::variables_map& vm) { return !vm.count("quiet"); }

// "1 mission", "3 missions"; "1 planted anomaly", "3 planted anomalies".
std::string count_of(long long n, const std::string& noun, const std::string& plural = "") {
  return std::to_string(n) + " " + (n == 1 ? noun : plural.empty() ? noun + "s" : plural);
}

int cmd_generate(const Comm& comm, const std::vector<std::string>& args) {
  jobs::GenerateOptions o;
  std::string archive, rate, start;
  int old_missions = 0;
  po::options_description desc("generate options");
  desc.add_options()
      ("archive", po::value(&archive)->required(), "archive folder to create or extend")
      ("mission-count", po::value(&o.missions)->default_value(2), "how many missions: SYN1 .. SYN<N>")
      ("missions", po::value(&old_missions), "the old spelling of --mission-count")
      ("params", po::value(&o.params)->default_value(40), "parameters per mission")
      ("days", po::value(&o.days)->default_value(3), "days of telemetry")
      ("rate", po::value(&rate)->default_value("1s"), "base sample period (1s, 250ms) or rate (1Hz, 4Hz)")
      ("seed", po::value(&o.seed)->default_value(1), "random seed: the same seed gives the same archive")
      ("start", po::value(&start)->default_value("2026-01-01"), "first day (ISO-8601)")
      ("replace", "regenerate missions that already exist in the archive (otherwise refused)")
      ("quiet,q", "no progress output");
  po::variables_map vm;
  if (!parse("generate", "--archive A [--mission-count N --params P --days D --rate R --seed S --replace]", desc, args,
             vm))
    return 0;
  if (vm.count("missions")) {
    if (!vm["mission-count"].defaulted())
      throw UsageError("telemine generate: give --mission-count only (--missions is its old spelling)");
    o.missions = old_missions;
    if (comm.is_root()) log::warn("--missions N is now --mission-count N (the old spelling still works)");
  }
  o.archive = archive;
  if (rate.size() > 2 && rate.substr(rate.size() - 2) == "Hz") {
    const double hz = std::stod(rate.substr(0, rate.size() - 2));
    if (!(hz > 0)) throw UsageError("--rate " + rate + " must be positive");
    o.rate = static_cast<DurationNs>(1e9 / hz);
  } else {
    o.rate = parse_duration(rate);
  }
  o.start = bucket_start(parse_time(start), kDay);
  if (o.missions < 1 || o.days < 1) throw UsageError("--mission-count and --days must be at least 1");
  o.progress = show_progress(vm);
  o.replace = vm.count("replace") > 0;
  const auto r = jobs::generate(o, comm);
  if (comm.is_root())
    std::printf("generated %s x %s x %s: %s, %s, %s, %s\narchive: %s\ntruth:   %s\n",
                count_of(r.missions, "mission").c_str(), count_of(r.params, "param").c_str(),
                count_of(o.days, "day").c_str(), count_of(r.partitions, "partition").c_str(),
                count_of(r.samples, "sample").c_str(), count_of(r.dependencies, "planted dependency", "planted dependencies").c_str(),
                count_of(r.anomalies, "planted anomaly", "planted anomalies").c_str(), archive.c_str(),
                (std::filesystem::path(archive) / "truth.json").c_str());
  return 0;
}

int cmd_ingest(const Comm& comm, const std::vector<std::string>& args) {
  io::IngestOptions o;
  std::string archive, format, period, slice;
  std::vector<std::string> inputs;
  po::options_description desc("ingest options");
  desc.add_options()
      ("archive", po::value(&archive)->required(), "archive folder (created if missing)")
      ("mission", po::value(&o.mission)->required(), "mission name")
      ("format", po::value(&format)->required(), "csv-long, csv-wide, telemanom or esa-adb")
      ("input", po::value(&inputs)->required()->multitoken(), "input files or folders")
      ("period", po::value(&period)->default_value("60s"), "telemanom: time between rows")
      ("slice", po::value(&slice)->default_value("1d"), "partition length for a new mission (1d, 1h)")
      ("quiet,q", "no progress output");
  po::positional_options_description pos;
  pos.add("input", -1);
  po::variables_map vm;
  if (!parse("ingest", "--archive A --mission M --format F --input PATH...", desc, args, vm, &pos)) return 0;
  o.archive = archive;
  o.format = io::parse_input_format(format);
  for (auto& i : inputs) o.inputs.emplace_back(i);
  o.period = parse_duration(period);
  o.slice = parse_duration(slice);
  o.progress = show_progress(vm);
  const auto r = io::ingest(o, comm);
  if (comm.is_root()) {
    std::printf("ingested %lld files, %lld rows into %s/%s: %lld partitions written, %lld unchanged; "
                "%lld parameters, %lld events\n",
                static_cast<long long>(r.files), static_cast<long long>(r.rows), archive.c_str(), o.mission.c_str(),
                static_cast<long long>(r.write.partitions_written), static_cast<long long>(r.write.partitions_unchanged),
                static_cast<long long>(r.params), static_cast<long long>(r.events));
    if (r.duplicates > 0)
      log::warn(std::to_string(r.duplicates) + " duplicate (parameter, time) samples in the input: the last one was kept");
  }
  return 0;
}

int cmd_info(const Comm& comm, const std::vector<std::string>& args) {
  jobs::InfoOptions o;
  std::string archive, format;
  po::options_description desc("info options");
  desc.add_options()
      ("archive", po::value(&archive)->required(), "archive folder")
      ("mission", po::value(&o.mission), "show one mission's parameters and events")
      ("params", "with --mission: each parameter's sample count and time span (reads every partition)")
      ("format", po::value(&format)->default_value("table"), "table or csv (a span's start and end apart)");
  po::variables_map vm;
  if (!parse("info", "--archive A [--mission M [--params]] [--format table|csv]", desc, args, vm)) return 0;
  o.archive = archive;
  o.format = jobs::parse_table_format(format);
  o.params = vm.count("params") > 0;
  if (o.params && o.mission.empty()) throw UsageError("telemine info: --params needs --mission");
  comm.run_phase([&] {
    if (comm.is_root()) jobs::info(o, stdout);
  });
  return 0;
}

int cmd_evaluate(const Comm& comm, const std::vector<std::string>& args) {
  jobs::EvaluateOptions o;
  po::options_description desc("evaluate options");
  desc.add_options()
      ("archive", po::value(&o.archive)->required(), "archive folder (its anomaly events are the labels)")
      ("mission", po::value(&o.mission)->required(), "mission name")
      ("detections", po::value(&o.detections)->required(), "detections.csv (mission,param,start,end,...)")
      ("from", po::value(&o.from), "start of the scored range (ISO-8601; default: the mission's start)")
      ("to", po::value(&o.to), "end of the scored range (exclusive; default: the mission's end)")
      ("output", po::value(&o.output), "the CSV (default: evaluation.csv beside the detections)");
  std::string metrics;
  std::vector<std::string> select;
  desc.add_options()
      ("metrics", po::value(&metrics)->default_value("hundman"), "hundman (event-wise per parameter), esa-adb (ESA-ADB's scores) or all")
      ("select", po::value(&select)->multitoken(), "esa-adb: labels scored, e.g. Category=Anomaly (the default) or Class=... Length=Point");
  po::variables_map vm;
  if (!parse("evaluate", "--archive A --mission M --detections FILE [--from T] [--to T] [--output CSV] [--metrics hundman|esa-adb|all]", desc, args, vm))
    return 0;
  if (metrics != "hundman" && metrics != "esa-adb" && metrics != "all")
    throw UsageError("evaluate: --metrics must be hundman, esa-adb or all, not " + metrics);
  int status = 0;
  comm.run_phase([&] {
    if (!comm.is_root()) return;
    if (metrics != "esa-adb") status = jobs::evaluate(o, stdout);
    if (metrics == "hundman" || status != 0) return;
    jobs::EvaluateOptions esa = o;
    if (metrics == "all") esa.output.clear();  // evaluation_esa.csv beside the detections
    status = jobs::evaluate_esa(esa, select, stdout);
  });
  return status;
}

// `telemine labels list|add|import|export|remove`: curation of a mission's labelled events.
int cmd_labels(const Comm& comm, const std::vector<std::string>& args) {
  namespace L = jobs::labels;
  L::Options o;
  std::string action, from, to, start, end;
  po::options_description desc("labels options");
  desc.add_options()
      ("action", po::value(&action)->required(), "list, add, import, export or remove")
      ("archive", po::value(&o.archive)->required(), "archive folder")
      ("mission", po::value(&o.mission)->required(), "mission name")
      ("param", po::value(&o.filter.param), "list/export: only this parameter; add: the event's parameter")
      ("kind", po::value(&o.filter.kind), "list/export: only this kind; add: the event's kind (anomaly, rare-nominal, gap, command, ...)")
      ("class", po::value(&o.filter.cls), "list/export: only this class; add: the event's class")
      ("category", po::value(&o.filter.category), "list/export: only this category; add: its ESA-ADB category")
      ("id", po::value(&o.filter.id), "remove: the id to remove; add: the id (default: the next free id_N); list: only this id")
      ("from", po::value(&from), "list/export: events ending after this time")
      ("to", po::value(&to), "list/export: events starting before this time")
      ("start", po::value(&start), "add: start time")
      ("end", po::value(&end), "add: end time")
      ("subclass", po::value(&o.event.subclass), "add: ESA-ADB subclass")
      ("dimensionality", po::value(&o.event.dimensionality), "add: Univariate or Multivariate")
      ("locality", po::value(&o.event.locality), "add: Local or Global")
      ("length", po::value(&o.event.length), "add: Point or Subsequence")
      ("text", po::value(&o.event.text), "add: free text")
      ("input", po::value(&o.input), "import: CSV id,param,start,end,kind,class,subclass,category,dimensionality,locality,length,text")
      ("replace", "import: drop the mission's labelled events first")
      ("output", po::value(&o.output), "export: the CSV (default: standard output)")
      ("format", po::value(&o.format)->default_value("table"), "list: table or csv");
  po::positional_options_description pos;
  pos.add("action", 1);
  po::variables_map vm;
  if (!parse("labels", "list|add|import|export|remove --archive A --mission M [...]", desc, args, vm, &pos)) return 0;
  static const std::map<std::string, L::Action> actions = {{"list", L::Action::list}, {"add", L::Action::add},
      {"import", L::Action::import}, {"export", L::Action::export_}, {"remove", L::Action::remove}};
  const auto it = actions.find(action);
  if (it == actions.end()) throw UsageError("labels: unknown action '" + action + "' (list, add, import, export, remove)");
  o.action = it->second;
  if (!from.empty()) o.filter.from = parse_time(from);
  if (!to.empty()) o.filter.to = parse_time(to);
  o.replace = vm.count("replace") > 0;
  if (o.action == L::Action::add) {
    if (start.empty() || end.empty()) throw UsageError("labels add: --start and --end are required");
    o.event.start = parse_time(start);
    o.event.end = parse_time(end);
    o.event.param = o.filter.param;
    o.event.kind = o.filter.kind;
    o.event.cls = o.filter.cls;
    o.event.category = o.filter.category;
    o.event.id = o.filter.id;
  }
  if (o.action == L::Action::import && o.input.empty()) throw UsageError("labels import: --input is required");
  int status = 0;
  comm.run_phase([&] {
    if (comm.is_root()) status = L::run(o, stdout);
  });
  return status;
}

// `telemine dataset export`: a benchmark dataset in ESA-ADB's layout, cut from the archive.
int cmd_dataset(const Comm& comm, const std::vector<std::string>& args) {
  jobs::dataset::ExportOptions o;
  std::string action, grid, split, format, restore;
  po::options_description desc("dataset options");
  desc.add_options()
      ("action", po::value(&action)->required(), "export")
      ("archive", po::value(&o.archive)->required(), "archive folder")
      ("mission", po::value(&o.mission)->required(), "mission name")
      ("params", po::value(&o.params)->multitoken(), "channels (default: every parameter)")
      ("targets", po::value(&o.targets)->multitoken(), "channels with an is_anomaly column (default: all)")
      ("grid", po::value(&grid)->default_value("30s"), "time between rows")
      ("split", po::value(&split)->required(), "NAME:FROM..TO[,NAME:FROM..TO...], e.g. train:2026-01-01..2026-01-02,test:2026-01-02..2026-01-03")
      ("format", po::value(&format)->default_value("esa-adb"), "esa-adb, or telemanom (splits train and test)")
      ("output", po::value(&o.output)->required(), "the dataset folder (must not exist)")
      ("anonymise", "publish channels as channel_1, channel_2, ...")
      ("drop-rare-nominal", "leave rare nominal events out of the labels")
      ("scale", po::value(&o.scale)->default_value("none"), "none, or minmax: fitted on the train split, applied to every split (scaling.csv)")
      ("restore-labelled", po::value(&restore)->default_value("yes"), "yes: keep labelled samples between grid times as ESA-ADB does; no: plain hold");
  po::positional_options_description pos;
  pos.add("action", 1);
  po::variables_map vm;
  if (!parse("dataset", "export --archive A --mission M --split train:..,test:.. --output D [--grid 30s] [--params P...]", desc, args, vm, &pos))
    return 0;
  if (action != "export") throw UsageError("dataset: unknown action '" + action + "' (export)");
  if (format != "esa-adb" && format != "telemanom")
    throw UsageError("dataset export: --format must be esa-adb or telemanom, not " + format);
  o.format = format;
  try {
    o.grid = parse_duration(grid);
  } catch (const UsageError& e) {
    throw UsageError(std::string("--grid: ") + e.what());
  }
  o.splits = jobs::dataset::parse_splits(split);
  if (o.scale != "none" && o.scale != "minmax") throw UsageError("--scale: none or minmax, not " + o.scale);
  if (restore != "yes" && restore != "no") throw UsageError("--restore-labelled: yes or no, not " + restore);
  o.restore_labelled = restore == "yes";
  o.anonymise = vm.count("anonymise") > 0;
  o.drop_rare_nominal = vm.count("drop-rare-nominal") > 0;
  o.command = "telemine dataset";
  for (const auto& a : args) o.command += " " + a;
  jobs::dataset::export_esa_adb(o, comm);
  if (comm.is_root()) std::printf("dataset: %s\n", o.output.c_str());
  return 0;
}

int cmd_get(const Comm& comm, const std::vector<std::string>& args) {
  jobs::GetOptions o;
  std::string archive, from, to, format, grid, hold, stats, around, window;
  po::options_description desc("get options");
  desc.add_options()
      ("archive", po::value(&archive)->required(), "archive folder")
      ("mission", po::value(&o.mission)->required(), "mission name")
      ("param", po::value(&o.params)->required()->composing(),
       "parameter name, or an expression ('POWER_BUS_V * POWER_BUS_I'); repeat it for several side by side")
      ("from", po::value(&from), "first time (ISO-8601, inclusive)")
      ("to", po::value(&to), "end time (ISO-8601, exclusive)")
      ("around", po::value(&around), "instead of --from/--to: an event id (telemine labels list) or a time")
      ("window", po::value(&window)->default_value("1h"), "with --around: how far the range reaches either side")
      ("format", po::value(&format)->default_value("table"), "table or csv")
      ("stats", po::value(&stats), "statistics per bucket of this width (1h, 1d) instead of samples, as stats.csv")
      ("define", po::value(&o.defines)->composing(), "a derived parameter 'NAME = EXPR' that --param may name (repeatable)")
      ("grid", po::value(&grid), "several --param, derived: align on this grid (default: the first parameter's times)")
      ("hold", po::value(&hold), "several --param, derived: the longest a value is held (default: the mission's slice)");
  po::variables_map vm;
  if (!parse("get", "--archive A --mission M --param P|EXPR [--param Q ...] [--define 'N = EXPR'] [--from T --to T | --around E "
             "--window W] [--grid G] [--stats BUCKET] [--format table|csv]",
             desc, args, vm))
    return 0;
  if (!grid.empty()) o.grid = parse_duration(grid);
  if (!hold.empty()) o.hold = parse_duration(hold);
  if (!stats.empty()) o.stats = parse_duration(stats);
  o.archive = archive;
  if (!from.empty()) o.from = parse_time(from);
  if (!to.empty()) o.to = parse_time(to);
  if (!around.empty()) {
    if (!from.empty() || !to.empty()) throw UsageError("telemine get: give --around or --from/--to, not both");
    std::tie(o.from, o.to) = jobs::around_range(o.archive, {o.mission}, around, parse_duration(window));
  } else if (!vm["window"].defaulted()) {
    throw UsageError("telemine get: --window needs --around");
  }
  o.format = jobs::parse_table_format(format);
  comm.run_phase([&] {
    if (comm.is_root()) jobs::get(o, stdout);
  });
  return 0;
}

int cmd_derive(const Comm& comm, const std::vector<std::string>& args) {
  jobs::DeriveOptions o;
  std::string archive, kind, grid, hold;
  po::options_description desc("derive options");
  desc.add_options()
      ("archive", po::value(&archive)->required(), "archive folder")
      ("mission", po::value(&o.mission)->required(), "mission name")
      ("define", po::value(&o.define)->required(), "the parameter to write: 'NAME = EXPR'")
      ("helper", po::value(&o.helpers)->composing(), "another 'NAME = EXPR' the definition uses, not written (repeatable)")
      ("unit", po::value(&o.unit), "unit of the new parameter")
      ("description", po::value(&o.description), "description (default: = EXPR)")
      ("kind", po::value(&kind)->default_value("numeric"), "numeric or state")
      ("grid", po::value(&grid), "align the inputs on this grid (default: the first input's times)")
      ("hold", po::value(&hold), "the longest a value is held (default: the mission's slice)");
  po::variables_map vm;
  if (!parse("derive", "--archive A --mission M --define 'NAME = EXPR' [--unit U] [--description D]", desc, args, vm))
    return 0;
  o.archive = archive;
  o.kind = io::parse_param_kind(kind);
  if (!grid.empty()) o.grid = parse_duration(grid);
  if (!hold.empty()) o.hold = parse_duration(hold);
  const auto r = jobs::derive(o, comm);
  if (comm.is_root())
    std::printf("derived %s: %lld samples into %lld partitions of %s/%s (%lld unchanged)\n", r.name.c_str(),
                static_cast<long long>(r.samples), static_cast<long long>(r.write.partitions_written), archive.c_str(),
                o.mission.c_str(), static_cast<long long>(r.write.partitions_unchanged));
  return 0;
}

bool wants_help(const std::vector<std::string>& args) {
  return std::find(args.begin(), args.end(), "--help") != args.end() ||
         std::find(args.begin(), args.end(), "-h") != args.end();
}

int cmd_run(const Comm& comm, const std::vector<std::string>& args) {
  if (args.empty() || wants_help(args)) {
    if (comm.is_root())
      std::printf("usage: telemine run JOB.ini [--key=value ...] [--section.key=value ...] [--dry-run] [--quiet]\n\n%s",
                  jobs::Job::help().c_str());
    return args.empty() ? 2 : 0;
  }
  if (args[0].rfind("--", 0) == 0) throw UsageError("telemine run: the job file comes first (telemine run JOB.ini ...)");
  const auto job = jobs::Job::parse(args[0], std::vector<std::string>(args.begin() + 1, args.end()));
  return jobs::run_job(job, comm);
}

int cmd_submit(const Comm& comm, const std::vector<std::string>& args) {
  if (args.empty() || wants_help(args)) {
    if (comm.is_root())
      std::printf("usage: telemine submit JOB.ini [--key=value ...] [--dry-run]\n\n"
                  "Writes OUTPUT/job.sbatch (the job under srun --mpi=pmix, with the job file's [slurm]\n"
                  "settings), submits it with sbatch and prints the Slurm job id. --dry-run prints the\n"
                  "script and submits nothing.\n\n"
                  "options:\n"
                  "  --dry-run             print the sbatch script; submit nothing\n"
                  "  --key=value           any job key, as with `telemine run` (the command line wins)\n"
                  "  --slurm.KEY=value     the [slurm] section: nodes, ntasks-per-node, cpus-per-task, time,\n"
                  "                        partition, account, mem, extra (see telemine run --help)\n"
                  "  -h, --help            show this help\n");
    return args.empty() ? 2 : 0;
  }
  if (args[0].rfind("--", 0) == 0) throw UsageError("telemine submit: the job file comes first (telemine submit JOB.ini ...)");
  std::vector<std::string> overrides;
  bool dry_run = false;
  for (std::size_t i = 1; i < args.size(); ++i) {
    if (args[i] == "--dry-run") dry_run = true;
    else overrides.push_back(args[i]);
  }
  std::string id;
  comm.run_phase([&] {
    if (comm.is_root()) id = jobs::submit(args[0], overrides, dry_run, stdout);
  });
  if (comm.is_root() && !dry_run) std::printf("%s\n", id.c_str());
  return 0;
}

int cmd_serve(const Comm& comm, const std::vector<std::string>& args) {
  serve::ServeOptions o;
  std::string archive, products;
  std::int64_t cache_mb = 256;
  po::options_description desc("serve options");
  desc.add_options()
      ("archive", po::value(&archive)->required(), "archive folder")
      ("products", po::value(&products), "folder of job outputs to show (stats, dependency, novelty, campaign)")
      ("port", po::value(&o.port)->default_value(8080), "TCP port (0: any free port, printed)")
      ("bind", po::value(&o.bind)->default_value("127.0.0.1"), "address to listen on; other than loopback needs --token")
      ("token", po::value(&o.token), "bearer token every request must carry (Authorization: Bearer TOKEN); "
                                      "default $TELEMINE_TOKEN, which keeps it out of the process list")
      ("threads", po::value(&o.threads)->default_value(32), "worker threads; each open keep-alive connection holds one, so more clients than threads wait")
      ("max-samples", po::value(&o.api.max_raw_samples)->default_value(std::int64_t{1'000'000}), "largest raw answer; beyond it 413")
      ("cache-mb", po::value(&cache_mb)->default_value(std::int64_t{256}), "memory for recent answers (0: none)")
      ("quiet,q", "no line per request");
  po::variables_map vm;
  if (!parse("serve", "--archive A [--products DIR] [--port 8080] [--bind 127.0.0.1 [--token T]]", desc, args, vm))
    return 0;
  if (comm.size() > 1) throw UsageError("serve runs as one process, not under mpirun");
  if (const char* env = std::getenv("TELEMINE_TOKEN"); o.token.empty() && env) o.token = env;
  o.api.archive = archive;
  o.api.products = products;
  o.log_requests = !vm.count("quiet");
  if (cache_mb < 0) throw UsageError("serve: --cache-mb must be 0 or more");
  o.api.cache_bytes = cache_mb << 20;
  serve::serve(o, stdout);
  return 0;
}

int cmd_plot(const Comm& comm, const std::vector<std::string>& args) {
  serve::PlotOptions o;
  std::string archive, from, to, detections, output, params;
  po::options_description desc("plot options");
  desc.add_options()
      ("archive", po::value(&archive)->required(), "archive folder")
      ("mission", po::value(&o.mission)->required(), "mission name")
      ("params", po::value(&params)->required(), "parameters, a comma list: one panel each")
      ("from", po::value(&from), "start (ISO-8601; default the mission's start)")
      ("to", po::value(&to), "end (exclusive; default the mission's end)")
      ("width", po::value(&o.width)->default_value(1200), "width in pixels")
      ("detections", po::value(&detections), "a novelty job's detections.csv, marked on the panels")
      ("output", po::value(&output)->required(), "the file to write: F.svg, or F.png (drawn from the same SVG)");
  po::variables_map vm;
  if (!parse("plot", "--archive A --mission M --params P,Q [--from T --to T] [--detections CSV] --output F.svg|F.png", desc, args, vm))
    return 0;
  o.archive = archive;
  for (std::size_t at = 0;;) {
    const std::size_t next = params.find(',', at);
    std::string p = params.substr(at, next == std::string::npos ? std::string::npos : next - at);
    p.erase(0, p.find_first_not_of(' '));
    if (!p.empty()) o.params.push_back(p);
    if (next == std::string::npos) break;
    at = next + 1;
  }
  if (!from.empty()) o.from = parse_time(from);
  if (!to.empty()) o.to = parse_time(to);
  o.detections = detections;
  o.output = output;
  std::int64_t drawn = 0;
  comm.run_phase([&] {
    if (comm.is_root()) drawn = serve::plot(o);
  });
  if (comm.is_root()) std::printf("%s: %zu panels, %lld points\n", output.c_str(), o.params.size(), static_cast<long long>(drawn));
  return 0;
}

// `telemine stats ...` is the job `kind = stats` given on the command line.
int cmd_kind(const std::string& kind, const Comm& comm, const std::vector<std::string>& args) {
  if (wants_help(args)) {
    if (comm.is_root())
      std::printf("usage: telemine %s --archive A --mission M [--params P] [--from T --to T | --around E --window W]\n"
                  "       --output O [--KEY VALUE ...] [--dry-run] [--quiet]\n\n%s\n%s",
                  kind.c_str(), jobs::find_kind(kind)->summary.c_str(), jobs::kind_help(*jobs::find_kind(kind)).c_str());
    if (comm.is_root())
      std::printf("\n[derived] parameters, the flags and every other key: telemine run --help\n");
    return 0;
  }
  return jobs::run_job(jobs::Job::parse({}, args, kind), comm);
}

// Every job kind is also a command (`telemine stats ...`), listed from the registry after
// `submit`; not the campaign (a job file of job files), nor a kind whose name a command already
// has (dataset).
void add_kind_commands(std::vector<Command>& list) {
  auto at = std::find_if(list.begin(), list.end(), [](const Command& c) { return std::string(c.name) == "submit"; });
  std::size_t next = at == list.end() ? list.size() : static_cast<std::size_t>(at - list.begin()) + 1;
  for (const jobs::KindSpec* k : jobs::kinds()) {
    if (k->name == "campaign" || std::any_of(list.begin(), list.end(), [&](const Command& c) { return c.name == k->name; }))
      continue;
    static std::deque<std::string> summaries;  // a Command holds its summary as a C string (stable in a deque)
    summaries.push_back(k->summary + " (the job kind `" + k->name + "` as a command)");
    const std::string name = k->name;
    list.insert(list.begin() + static_cast<std::ptrdiff_t>(next++),
                {k->name.c_str(), summaries.back().c_str(),
                 [name](const Comm& c, const std::vector<std::string>& a) { return cmd_kind(name, c, a); }});
  }
}

const std::vector<Command>& commands() {
  static const std::vector<Command> list = [] {
  std::vector<Command> list = {
      {"generate", "create a synthetic multi-mission archive with planted dependencies and anomalies", cmd_generate},
      {"ingest", "add CSV or telemanom (.npy) telemetry to a mission of the archive", cmd_ingest},
      {"info", "missions, parameters, time spans, sample counts, size on disk", cmd_info},
      {"get", "parameters' samples (several side by side on a grid) or per-bucket statistics over a time range, as a table or CSV", cmd_get},
      {"derive", "materialise a derived parameter (an expression over parameters) into the archive", cmd_derive},
      {"run", "run a job file (any kind); options on the command line override the file", cmd_run},
      {"submit", "submit a job file to Slurm (sbatch); prints the job id", cmd_submit},
      {"evaluate", "event-wise precision, recall and F0.5 of detections against the archive's anomaly labels", cmd_evaluate},
      {"dataset", "export a benchmark dataset in ESA-ADB's layout (channels, labels, types, splits, Croissant metadata, checksums)", cmd_dataset},
      {"labels", "list, add, import, export or remove a mission's labelled events (ESA-ADB's ids and types)", cmd_labels},
      {"plot", "an SVG of parameters over a range, M4-decimated, with events and detections", cmd_plot},
      {"serve", "displays in a browser and a JSON API over the archive and the job outputs (read-only)", cmd_serve},
      {"products", "the product catalogue: index, list, search, show, verify, recreate, export (es-bulk)",
       jobs::products::cmd_products},
      {"collection", "named, described sets of products and archive slices: create, add, list, show, export",
       jobs::products::cmd_collection},
      {"verify", "fixity of the archive: every partition against its catalogued checksum, over the ranks", jobs::products::cmd_verify},
      {"export", "a mission of the archive as a BagIt package (RFC 8493)", jobs::products::cmd_export},
      {"import", "a BagIt package validated and its mission restored into an archive", jobs::products::cmd_import},
      {"stream", "live samples (stdin or TCP) made durable, acknowledged, readable at once and compacted into partitions",
       stream::cmd_stream},
      {"limits", "out-of-limit checks of live telemetry: set or list a parameter's limits", stream::cmd_limits},
  };
  add_kind_commands(list);
  return list;
  }();
  return list;
}

void usage(std::FILE* out) {
  std::fprintf(out, "telemine %s: batch analytics for spacecraft housekeeping telemetry\n\n"
                    "usage: telemine <command> [options]     (telemine <command> --help for its options)\n\n"
                    "commands:\n", jobs::version());
  for (const auto& c : commands()) std::fprintf(out, "  %-10s %s\n", c.name, c.summary);
  std::fprintf(out, "\nexit status: 0 done, 1 failed, 2 bad usage\n");
}

int dispatch(const Comm& comm, int argc, char** argv) {
  if (argc < 2) {
    if (comm.is_root()) usage(stderr);
    return 2;
  }
  const std::string name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    if (comm.is_root()) usage(stdout);
    return 0;
  }
  if (name == "--version") {
    if (comm.is_root()) std::printf("telemine %s\n", jobs::version());
    return 0;
  }
  for (const auto& c : commands())
    if (name == c.name) return c.run(comm, std::vector<std::string>(argv + 2, argv + argc));
  std::vector<std::string> known;
  for (const auto& c : commands()) known.emplace_back(c.name);
  throw UsageError("unknown command '" + name + "'" + did_you_mean(name, known) + " (see telemine --help)");
}

}  // namespace

int main(int argc, char** argv) {
  MpiGuard guard(argc, argv);
  // Past a file size limit, writes then fail with EFBIG and are reported like a full disk,
  // instead of the process being killed with temporary files left behind.
  std::signal(SIGXFSZ, SIG_IGN);
  int code = 0;
  {
    Comm comm = Comm::world();
    log::set_rank(comm.rank());
    try {
      code = dispatch(comm, argc, argv);
    } catch (const std::exception& e) {
      const auto* error = dynamic_cast<const Error*>(&e);
      code = error ? error->exit_code() : 1;
      if (Comm::failure_agreed() || comm.size() == 1 || dynamic_cast<const UsageError*>(&e)) {
        // Every rank has this error (or parsed the same bad usage): rank 0 speaks, all exit.
        if (comm.is_root()) log::error_any_rank(e.what());
      } else {
        // Only this rank failed: the others may be waiting in a collective, so stop them all.
        log::error_any_rank(e.what());
        comm.abort(code);
      }
    }
    std::fflush(stdout);
  }
  return code;
}
