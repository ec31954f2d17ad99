// The product catalogue at scale: index 100,000 product folders (target: under 60 s), then
// searches over them (target: under 50 ms each). The folders are small synthetic products, as
// Product::publish writes them (job text, inputs, outputs, parameters, PROV provenance).
//
//   products_bench DIR [N]     writes DIR/products/0000000 ... (if absent), indexes them into
//                              DIR/index.sqlite, runs each search 21 times, prints medians
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "jobs/products/catalogue.hpp"

namespace fs = std::filesystem;
using namespace telemine;
using namespace telemine::jobs::products;

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Product i: one of 4 kinds, 8 missions, 50 parameter groups, a day of inputs in 2026.
std::string product_json(int i) {
  static const char* kinds[] = {"stats", "dependency", "novelty", "stats"};
  const std::string kind = kinds[i % 4], mission = "SYN" + std::to_string(i % 8 + 1);
  const int day = i % 300;
  char date[16], next[16];
  const std::time_t t = 1767225600 + static_cast<std::time_t>(day) * 86400;  // 2026-01-01
  std::strftime(date, sizeof date, "%Y-%m-%d", std::gmtime(&t));
  const std::time_t t2 = t + 86400;
  std::strftime(next, sizeof next, "%Y-%m-%d", std::gmtime(&t2));
  std::string params;
  for (int p = 0; p < 4; ++p)
    params += std::string(p ? ", " : "") + "{\"mission\": \"" + mission + "\", \"name\": \"GRP" + std::to_string(i % 50) +
              "_P" + std::to_string(p) + "\", \"unit\": \"V\", \"description\": \"channel " + std::to_string(p) +
              " of group " + std::to_string(i % 50) + (i % 1000 == 0 ? " rare-marker" : "") + "\", \"subsystem\": \"POWER\"}";
  return "{\"product\": \"telemine " + kind + "\", \"telemine_version\": \"0.1.0\", \"created\": \"2026-11-" +
         std::to_string(10 + i % 20) + "T12:00:00Z\", \"job_file\": \"jobs/" + kind + ".ini\", \"job_text\": \"kind = " + kind +
         "\\narchive = data/archive\\nmission = " + mission + "\\nfrom = " + date + "\\nto = " + next + "\\n[" + kind +
         "]\\nbucket = " + std::to_string(1 + i % 24) + "h\\n\", \"overrides\": [\"--quiet\"], \"ranks\": 2,"
         " \"inputs\": [{\"mission\": \"" + mission + "\", \"file\": \"2026/x/" + mission + "_" + date +
         ".h5\", \"samples\": 86400, \"checksum\": \"xxh3-64:0123456789abcdef\"}],"
         " \"outputs\": [{\"file\": \"out.csv\", \"bytes\": 1000, \"checksum\": \"xxh3-64:0123456789abcdef\"}],"
         " \"product_format\": 1, \"archive\": \"/data/archive\", \"parameters\": [" + params + "],"
         " \"provenance\": {\"entity\": {\"tm:input/x\": {\"prov:type\": \"tm:partition\", \"tm:start\": \"" + date +
         "T00:00:00Z\", \"tm:end\": \"" + next + "T00:00:00Z\"}}}}\n";
}

void write_products(const fs::path& dir, int n) {
  if (fs::exists(dir / ".complete")) return;
  for (int i = 0; i < n; ++i) {
    char name[16];
    std::snprintf(name, sizeof name, "%07d", i);
    fs::create_directories(dir / name);
    std::ofstream(dir / name / "product.json") << product_json(i);
  }
  std::ofstream(dir / ".complete") << n << "\n";
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: products_bench DIR [N]\n");
    return 2;
  }
  const fs::path dir = argv[1];
  const int n = argc > 2 ? std::atoi(argv[2]) : 100000;
  auto t0 = std::chrono::steady_clock::now();
  write_products(dir / "products", n);
  std::printf("products: %d folders under %s (written or reused in %.1f s)\n", n, (dir / "products").c_str(), seconds_since(t0));
  fs::remove(dir / "index.sqlite");
  auto c = Catalogue::open(dir / "index.sqlite", true);
  t0 = std::chrono::steady_clock::now();
  const auto report = c.index({dir / "products"}, false);
  std::printf("index: %lld products in %.2f s, one transaction (target: under 60 s)\n",
              static_cast<long long>(report.products), seconds_since(t0));

  struct Case {
    const char* name;
    Query q;
  };
  std::vector<Case> cases(7);
  cases[0].name = "kind = novelty, limit 100";
  cases[0].q.kind = "novelty", cases[0].q.limit = 100;
  cases[1].name = "mission SYN4 and kind stats";
  cases[1].q.mission = "SYN4", cases[1].q.kind = "stats";
  cases[2].name = "parameter GRP7_*";
  cases[2].q.param = "GRP7_*";
  cases[3].name = "job key stats.bucket = 5h";
  cases[3].q.key = "stats.bucket", cases[3].q.value = "5h";
  cases[4].name = "text 'rare-marker' (FTS5)";
  cases[4].q.text = "rare-marker";
  cases[5].name = "inputs in 2026-03-01 .. 2026-03-03, SYN1";
  cases[5].q.from = parse_time("2026-03-01"), cases[5].q.to = parse_time("2026-03-03"), cases[5].q.mission = "SYN1";
  cases[6].name = "created 2026-11-11 .. 2026-11-12, kind dependency";
  cases[6].q.created_from = parse_time("2026-11-11"), cases[6].q.created_to = parse_time("2026-11-12"),
  cases[6].q.kind = "dependency";
  for (const auto& k : cases) {
    std::vector<double> ms;
    std::size_t rows = 0;
    for (int run = 0; run < 21; ++run) {
      t0 = std::chrono::steady_clock::now();
      rows = c.search(k.q).size();
      ms.push_back(seconds_since(t0) * 1e3);
    }
    std::printf("search %-50s %6zu rows  median %7.2f ms (target: under 50 ms)\n", k.name, rows, median(ms));
  }
  return 0;
}
