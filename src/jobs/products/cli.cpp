#include "jobs/products/cli.hpp"

#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "core/comm.hpp"
#include "core/error.hpp"
#include "jobs/products/bagit.hpp"
#include "jobs/products/catalogue.hpp"
#include "jobs/products/collection.hpp"
#include "jobs/products/fixity.hpp"
#include "jobs/products/esbulk.hpp"
#include "jobs/products/recreate.hpp"
#include "jobs/products/verify.hpp"

namespace telemine::jobs::products {

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace {

constexpr const char* kDefaultDb = "products.sqlite";

// Parses a subcommand's options; `--help` prints usage and returns false.
bool parse(const std::string& command, const std::string& usage, po::options_description& desc,
           const std::vector<std::string>& args, po::variables_map& vm, const po::positional_options_description* pos = nullptr) {
  desc.add_options()("help,h", "show this help");
  try {
    po::command_line_parser parser(args);
    parser.options(desc);
    if (pos) parser.positional(*pos);
    po::store(parser.run(), vm);
    if (vm.count("help")) {
      std::cout << "usage: telemine " << command << " " << usage << "\n\n" << desc << "\n";
      return false;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    throw UsageError("telemine " + command + ": " + e.what() + " (see telemine " + command + " --help)");
  }
  return true;
}

// A CSV field, quoted when it holds a comma, a quote or a line break.
std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

std::string range_text(TimeNs t, const char* open) { return t == kTimeMin || t == kTimeMax ? open : format_time(t); }

void print_rows(const std::vector<ProductRow>& rows, const std::string& format, std::FILE* out) {
  if (format == "json") {
    nlohmann::json a = nlohmann::json::array();
    for (const auto& r : rows)
      a.push_back({{"id", r.id}, {"kind", r.kind}, {"version", r.version}, {"created", r.created}, {"missions", r.missions},
                   {"from", range_text(r.from, "start")}, {"to", range_text(r.to, "end")}, {"dir", r.dir}});
    std::fprintf(out, "%s\n", a.dump(2).c_str());
  } else if (format == "csv") {
    std::fprintf(out, "id,kind,version,created,missions,from,to,dir\n");
    for (const auto& r : rows)
      std::fprintf(out, "%s,%s,%s,%s,%s,%s,%s,%s\n", r.id.c_str(), r.kind.c_str(), r.version.c_str(), r.created.c_str(),
                   csv_field(r.missions).c_str(), range_text(r.from, "start").c_str(), range_text(r.to, "end").c_str(),
                   csv_field(r.dir).c_str());
  } else {
    std::fprintf(out, "%-16s %-10s %-20s %-12s %-20s %-20s %s\n", "id", "kind", "created", "missions", "from", "to", "folder");
    for (const auto& r : rows)
      std::fprintf(out, "%-16s %-10s %-20s %-12s %-20s %-20s %s\n", r.id.c_str(), r.kind.c_str(), r.created.c_str(),
                   r.missions.c_str(), range_text(r.from, "start").c_str(), range_text(r.to, "end").c_str(), r.dir.c_str());
    std::fprintf(out, "%zu products\n", rows.size());
  }
}

int products_index(const std::vector<std::string>& args) {
  std::string db;
  std::vector<std::string> dirs;
  po::options_description desc("products index options");
  desc.add_options()("db", po::value(&db)->default_value(kDefaultDb), "the product index (SQLite)")
      ("dir", po::value(&dirs)->multitoken(), "folders to index (default: those indexed before)")
      ("skip-damaged", "index the other products when a product.json is damaged (and list it)");
  po::positional_options_description pos;
  pos.add("dir", -1);
  po::variables_map vm;
  if (!parse("products index", "[DIR...] [--db FILE] [--skip-damaged]", desc, args, vm, &pos)) return 0;
  auto c = Catalogue::open(db, true);
  const auto report = c.index(std::vector<fs::path>(dirs.begin(), dirs.end()), vm.count("skip-damaged") > 0);
  for (const auto& s : report.skipped) std::fprintf(stderr, "telemine: skipped: %s\n", s.c_str());
  std::printf("indexed %lld products into %s (%lld were indexed under these folders before)\n",
              static_cast<long long>(report.products), db.c_str(), static_cast<long long>(report.previous));
  return 0;  // what --skip-damaged left out is listed above
}

int products_search(const std::string& name, const std::vector<std::string>& args) {
  Query q;
  std::string db, format, from, to, key, created_from, created_to;
  po::options_description desc("products " + name + " options");
  desc.add_options()("db", po::value(&db)->default_value(kDefaultDb), "the product index (SQLite)")
      ("kind", po::value(&q.kind), "job kind: stats, dependency, novelty, campaign, ...")
      ("mission", po::value(&q.mission), "products that read this mission")
      ("param", po::value(&q.param), "products that read a parameter matching this glob")
      ("from", po::value(&from), "products whose inputs reach past this time")
      ("to", po::value(&to), "products whose inputs start before this time")
      ("key", po::value(&key), "a job key the job set (stats.bucket), or KEY=VALUE")
      ("text", po::value(&q.text), "words in the job text or the parameters' descriptions")
      ("created-from", po::value(&created_from), "created at or after")
      ("created-to", po::value(&created_to), "created before")
      ("limit", po::value(&q.limit)->default_value(0), "at most this many (0: all)")
      ("format", po::value(&format)->default_value("table"), "table, csv or json");
  po::positional_options_description pos;
  pos.add("text", 1);
  po::variables_map vm;
  if (!parse("products " + name, "[--kind K] [--mission M] [--param P] [--from T] [--to T] [--key K[=V]] [--text WORDS] "
             "[--created-from T] [--created-to T] [--format table|csv|json]", desc, args, vm, &pos))
    return 0;
  if (format != "table" && format != "csv" && format != "json") throw UsageError("--format " + format + ": table, csv or json");
  if (!from.empty()) q.from = parse_time(from);
  if (!to.empty()) q.to = parse_time(to);
  if (!created_from.empty()) q.created_from = parse_time(created_from);
  if (!created_to.empty()) q.created_to = parse_time(created_to);
  if (const auto eq = key.find('='); eq != std::string::npos) {
    q.value = key.substr(eq + 1);
    key.resize(eq);
  }
  q.key = key;
  auto c = Catalogue::open(db, false);
  print_rows(c.search(q), format, stdout);
  return 0;
}

void print_record(const ProductRecord& r, std::FILE* out) {
  std::fprintf(out, "product   %s (%s)\nfolder    %s\ntelemine  %s (product format %d)\ncreated   %s\nranks     %d\n",
               r.id.c_str(), r.kind.c_str(), r.dir.c_str(), r.version.c_str(), r.format, r.created.c_str(), r.ranks);
  std::fprintf(out, "archive   %s\nmissions  ", r.archive.c_str());
  for (const auto& m : r.missions) std::fprintf(out, "%s ", m.c_str());
  std::fprintf(out, "\ninputs    %s .. %s\njob file  %s\n", range_text(r.from, "start").c_str(), range_text(r.to, "end").c_str(),
               r.job_file.empty() ? "(command line)" : r.job_file.c_str());
  std::fprintf(out, "overrides");
  for (const auto& a : r.overrides) std::fprintf(out, " %s", a.c_str());
  std::fprintf(out, "\n\njob text:\n%s\n", r.job_text.c_str());
  std::fprintf(out, "inputs (%zu):\n", r.inputs.size());
  for (const auto& i : r.inputs)
    std::fprintf(out, "  %-6s %-36s %10lld samples  %s\n", i.mission.c_str(), i.file.c_str(), static_cast<long long>(i.samples),
                 i.checksum.c_str());
  std::fprintf(out, "outputs (%zu):\n", r.outputs.size());
  for (const auto& o : r.outputs)
    std::fprintf(out, "  %-36s %12lld bytes  %s\n", o.file.c_str(), static_cast<long long>(o.bytes), o.checksum.c_str());
  std::fprintf(out, "parameters (%zu):\n", r.params.size());
  for (const auto& p : r.params)
    std::fprintf(out, "  %-6s %-24s %-8s %s\n", p.mission.c_str(), p.name.c_str(), p.unit.c_str(), p.description.c_str());
}

int products_show(const std::vector<std::string>& args) {
  std::string db, id, format;
  po::options_description desc("products show options");
  desc.add_options()("db", po::value(&db)->default_value(kDefaultDb), "the product index (SQLite)")
      ("id", po::value(&id)->required(), "product id (or a unique prefix), or a product folder")
      ("format", po::value(&format)->default_value("text"), "text, or json (product.json as it is)");
  po::positional_options_description pos;
  pos.add("id", 1);
  po::variables_map vm;
  if (!parse("products show", "ID|DIR [--db FILE] [--format text|json]", desc, args, vm, &pos)) return 0;
  const fs::path dir = id.find('/') != std::string::npos ? fs::path(id) : Catalogue::open(db, false).find(id);
  const auto r = read_product(dir);
  if (format == "json") std::fputs(r.json.c_str(), stdout);
  else print_record(r, stdout);
  return 0;
}

int products_verify(const std::vector<std::string>& args) {
  std::string db, id, archive;
  po::options_description desc("products verify options");
  desc.add_options()("db", po::value(&db)->default_value(kDefaultDb), "the product index (SQLite)")
      ("id", po::value(&id), "product id (or a unique prefix), or a product folder")
      ("all", "every indexed product")
      ("archive", po::value(&archive), "where the archive is now (default: where each product recorded it)");
  po::positional_options_description pos;
  pos.add("id", 1);
  po::variables_map vm;
  if (!parse("products verify", "ID|DIR|--all [--archive A] [--db FILE]", desc, args, vm, &pos)) return 0;
  if (id.empty() == !vm.count("all")) throw UsageError("telemine products verify: give a product id or --all");
  std::vector<fs::path> dirs;
  if (vm.count("all")) dirs = Catalogue::open(db, false).all();
  else dirs.push_back(id.find('/') != std::string::npos ? fs::path(id) : Catalogue::open(db, false).find(id));
  int counts[3] = {0, 0, 0};
  for (const auto& d : dirs) {
    const auto r = read_product(d);
    const auto c = check_product(r, archive);
    print_check(r, c, stdout);
    ++counts[static_cast<int>(c.state)];
  }
  std::printf("%zu products: %d ok, %d stale (inputs changed or gone since), %d damaged\n", dirs.size(), counts[0], counts[1],
              counts[2]);
  return counts[2] > 0 ? 1 : 0;
}

int products_recreate(const Comm& comm, const std::vector<std::string>& args) {
  std::string db, id, output, archive;
  po::options_description desc("products recreate options");
  desc.add_options()("db", po::value(&db)->default_value(kDefaultDb), "the product index (SQLite)")
      ("id", po::value(&id)->required(), "product id (or a unique prefix), or a product folder")
      ("output", po::value(&output)->required(), "the new folder (must not exist)")
      ("archive", po::value(&archive), "where the archive is now (default: where the product recorded it)")
      ("quiet,q", "no progress output");
  po::positional_options_description pos;
  pos.add("id", 1);
  po::variables_map vm;
  if (!parse("products recreate", "ID|DIR --output D [--archive A] [--db FILE]", desc, args, vm, &pos)) return 0;
  RecreateOptions o;
  comm.run_phase([&] {
    o.product = id.find('/') != std::string::npos ? fs::path(id) : Catalogue::open(db, false).find(id);
  });
  o.output = output;
  o.archive = archive;
  o.quiet = vm.count("quiet") > 0;
  return recreate(o, comm, stdout);
}

int products_export(const std::vector<std::string>& args) {
  std::string db, format, output;
  std::vector<std::string> archives;
  po::options_description desc("products export options");
  desc.add_options()("db", po::value(&db)->default_value(kDefaultDb), "the product index (SQLite)")
      ("format", po::value(&format)->required(), "es-bulk (Elasticsearch _bulk NDJSON and an index mapping)")
      ("output", po::value(&output)->required(), "folder for bulk.ndjson and mappings.json")
      ("archive", po::value(&archives)->multitoken(), "archives whose missions, parameters and events to add "
                                                      "(default: the ones the products read)");
  po::variables_map vm;
  if (!parse("products export", "--format es-bulk --output D [--archive A...] [--db FILE]", desc, args, vm)) return 0;
  if (format != "es-bulk") throw UsageError("telemine products export: --format " + format + ": only es-bulk");
  auto c = Catalogue::open(db, false);
  const auto r = export_es_bulk(c, std::vector<fs::path>(archives.begin(), archives.end()),
                                fs::absolute(db).parent_path() / "collections", output);
  std::printf("wrote %lld documents (%lld products, %lld collections, %lld missions, %lld parameters, %lld events) to %s\n",
              static_cast<long long>(r.documents()), static_cast<long long>(r.products), static_cast<long long>(r.collections),
              static_cast<long long>(r.missions), static_cast<long long>(r.params), static_cast<long long>(r.events),
              (fs::path(output) / "bulk.ndjson").c_str());
  return 0;
}

void products_usage(std::FILE* out) {
  std::fprintf(out,
               "usage: telemine products <index|list|search|show|verify|recreate|export> [options]\n\n"
               "  index DIR...        find every product folder under DIR and (re)build the index (--db, default %s)\n"
               "  list | search       products by kind, mission, parameter, input time range, job key, text, creation time\n"
               "  show ID             everything its product.json records, inputs' and outputs' checksums\n"
               "  verify ID|--all     outputs against their checksums; inputs against the archive (stale)\n"
               "  recreate ID --output D   run the job again, compare output by output\n"
               "  export --format es-bulk --output D   the catalogue as Elasticsearch _bulk NDJSON\n",
               kDefaultDb);
}

}  // namespace

int cmd_products(const Comm& comm, const std::vector<std::string>& args) {
  const std::string sub = args.empty() ? "" : args[0];
  const std::vector<std::string> rest(args.begin() + (args.empty() ? 0 : 1), args.end());
  if (sub == "recreate") return products_recreate(comm, rest);
  if (sub == "--help" || sub == "-h") {
    if (comm.is_root()) products_usage(stdout);
    return 0;
  }
  // The others are rank 0's work: an index is one file, written by one process.
  int status = 0;
  comm.run_phase([&] {
    if (!comm.is_root()) return;
    if (sub == "index") status = products_index(rest);
    else if (sub == "list" || sub == "search") status = products_search(sub, rest);
    else if (sub == "show") status = products_show(rest);
    else if (sub == "verify") status = products_verify(rest);
    else if (sub == "export") status = products_export(rest);
    else {
      products_usage(stderr);
      throw UsageError(sub.empty() ? "telemine products: which subcommand?" : "telemine products: unknown subcommand '" + sub + "'");
    }
  });
  return comm.allreduce_value(status, ReduceOp::max);
}


int cmd_collection(const Comm& comm, const std::vector<std::string>& args) {
  const std::string sub = args.empty() ? "" : args[0];
  CollectionChange c;
  std::string db, archive, output;
  po::options_description desc("collection options");
  desc.add_options()("name", po::value(&c.name), "the collection's name")
      ("description", po::value(&c.description), "what the set is for (create: required; add: appended)")
      ("products", po::value(&c.products)->multitoken(), "product ids (or unique prefixes) or folders")
      ("missions", po::value(&c.slices)->multitoken(), "archive slices: MISSION or MISSION:FROM/TO")
      ("archive", po::value(&archive), "the archive the slices come from")
      ("output", po::value(&output), "export: the bag's folder (must not exist)")
      ("db", po::value(&db)->default_value(kDefaultDb), "the product index (SQLite); collections live beside it")
      ("collections", po::value(&c.dir), "the collections' folder (default: collections/ beside the index)");
  po::positional_options_description pos;
  pos.add("name", 1);
  po::variables_map vm;
  const std::vector<std::string> rest(args.begin() + (args.empty() ? 0 : 1), args.end());
  if (!parse("collection " + sub, "create|add|list|show|export [NAME] [--products ID...] [--missions M[:FROM/TO]...] "
             "[--description TEXT] [--archive A] [--output D]", desc, rest, vm, &pos))
    return 0;
  if (c.dir.empty()) c.dir = fs::absolute(db).parent_path() / "collections";
  c.archive = archive;
  comm.run_phase([&] {
    if (!comm.is_root()) return;
    if (sub != "list" && c.name.empty()) throw UsageError("telemine collection " + sub + ": which collection? (NAME)");
    if (sub == "create" || sub == "add") {
      auto catalogue = Catalogue::open(db, false);
      if (sub == "create") create_collection(c, catalogue);
      else add_to_collection(c, catalogue);
      show_collection(c.dir, c.name, stdout);
    } else if (sub == "list") {
      list_collections(c.dir, stdout);
    } else if (sub == "show") {
      show_collection(c.dir, c.name, stdout);
    } else if (sub == "export") {
      if (output.empty()) throw UsageError("telemine collection export: --output is required");
      export_collection(c.dir, c.name, output, stdout);
    } else {
      throw UsageError("telemine collection: " + (sub.empty() ? std::string("which subcommand?") : "unknown subcommand '" + sub + "'") +
                       " (create, add, list, show, export)");
    }
  });
  return 0;
}

int cmd_verify(const Comm& comm, const std::vector<std::string>& args) {
  std::string archive, mission;
  po::options_description desc("verify options");
  desc.add_options()("archive", po::value(&archive)->required(), "archive folder")
      ("mission", po::value(&mission), "one mission (default: every mission)")
      ("quiet,q", "no throughput line on stderr");
  po::variables_map vm;
  if (!parse("verify", "--archive A [--mission M]   (under mpirun: the files split over the ranks)", desc, args, vm))
    return 0;
  const auto t0 = std::chrono::steady_clock::now();
  const auto report = verify_archive(archive, mission, comm);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!comm.is_root()) return comm.allreduce_value(0, ReduceOp::max);
  print_fixity(report, stdout);
  if (!vm.count("quiet"))
    std::fprintf(stderr, "telemine: verified %.3f GB in %.2f s (%.2f GB/s on %d ranks)\n", report.bytes / 1e9, secs,
                 report.bytes / 1e9 / std::max(secs, 1e-9), comm.size());
  return comm.allreduce_value(report.damaged() ? 1 : 0, ReduceOp::max);
}

int cmd_export(const Comm& comm, const std::vector<std::string>& args) {
  std::string archive, mission, format, output;
  po::options_description desc("export options");
  desc.add_options()("archive", po::value(&archive)->required(), "archive folder")
      ("mission", po::value(&mission)->required(), "the mission to package")
      ("format", po::value(&format)->required(), "bagit (RFC 8493)")
      ("output", po::value(&output)->required(), "the bag's folder (must not exist)");
  po::variables_map vm;
  if (!parse("export", "--archive A --mission M --format bagit --output D", desc, args, vm)) return 0;
  if (format != "bagit") throw UsageError("telemine export: --format " + format + ": only bagit (RFC 8493)");
  comm.run_phase([&] {
    if (!comm.is_root()) return;
    const auto r = export_mission_bag(archive, mission, output);
    std::printf("exported %s as a BagIt bag: %lld files, %lld bytes in %s (manifest-sha256.txt)\n", mission.c_str(),
                static_cast<long long>(r.files), static_cast<long long>(r.bytes), output.c_str());
  });
  return 0;
}

int cmd_import(const Comm& comm, const std::vector<std::string>& args) {
  std::string archive, format, input;
  po::options_description desc("import options");
  desc.add_options()("input", po::value(&input)->required(), "the bag's folder")
      ("format", po::value(&format)->default_value("bagit"), "bagit (RFC 8493)")
      ("archive", po::value(&archive)->required(), "archive to restore the mission into (without that mission)");
  po::variables_map vm;
  if (!parse("import", "--input BAG --archive A [--format bagit]", desc, args, vm)) return 0;
  if (format != "bagit") throw UsageError("telemine import: --format " + format + ": only bagit (RFC 8493)");
  comm.run_phase([&] {
    if (!comm.is_root()) return;
    const std::string mission = import_mission_bag(input, archive);
    std::printf("bag %s valid (every SHA-256 checked); mission %s restored into %s\n", input.c_str(), mission.c_str(),
                archive.c_str());
  });
  return 0;
}

}  // namespace telemine::jobs::products
