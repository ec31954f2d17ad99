#include "jobs/products/catalogue.hpp"

#include <algorithm>
#include <sstream>

#include "core/error.hpp"
#include "core/log.hpp"

namespace telemine::jobs::products {

namespace fs = std::filesystem;

namespace {

constexpr const char* kSchemaVersion = "1";

constexpr const char* kSchema = R"sql(
PRAGMA foreign_keys = ON;
PRAGMA cache_size = -262144;
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS roots(dir TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS products(
  pid INTEGER PRIMARY KEY, id TEXT NOT NULL, dir TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,
  version TEXT NOT NULL, format INTEGER NOT NULL, created TEXT NOT NULL, created_ns INTEGER NOT NULL,
  job_file TEXT NOT NULL, ranks INTEGER NOT NULL, archive TEXT NOT NULL,
  range_from INTEGER NOT NULL, range_to INTEGER NOT NULL, missions TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS products_id ON products(id);
CREATE INDEX IF NOT EXISTS products_kind ON products(kind, created_ns);
CREATE INDEX IF NOT EXISTS products_created ON products(created_ns);
CREATE TABLE IF NOT EXISTS product_missions(pid INTEGER NOT NULL REFERENCES products ON DELETE CASCADE,
  mission TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS product_missions_m ON product_missions(mission, pid);
CREATE INDEX IF NOT EXISTS product_missions_p ON product_missions(pid);
CREATE TABLE IF NOT EXISTS product_params(pid INTEGER NOT NULL REFERENCES products ON DELETE CASCADE,
  mission TEXT NOT NULL, param TEXT NOT NULL, unit TEXT NOT NULL, description TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS product_params_n ON product_params(param, pid);
CREATE INDEX IF NOT EXISTS product_params_p ON product_params(pid);
CREATE TABLE IF NOT EXISTS product_keys(pid INTEGER NOT NULL REFERENCES products ON DELETE CASCADE,
  key TEXT NOT NULL, value TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS product_keys_k ON product_keys(key, value, pid);
CREATE INDEX IF NOT EXISTS product_keys_p ON product_keys(pid);
CREATE VIRTUAL TABLE IF NOT EXISTS product_text USING fts5(job_text, descriptions);
)sql";

std::string under(const fs::path& root) {
  std::string s = root.string();
  return s.back() == '/' ? s : s + "/";
}

fs::path absolute_dir(const fs::path& p) {
  std::error_code ec;
  fs::path a = fs::absolute(p, ec).lexically_normal();
  if (!a.has_filename() && a.has_parent_path() && a != a.root_path()) a = a.parent_path();
  return a;
}

}  // namespace

std::string fts_query(const std::string& text) {
  std::istringstream in(text);
  std::string word, q;
  while (in >> word) {
    std::string quoted = "\"";
    for (char c : word) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    q += (q.empty() ? "" : " ") + quoted + "\"";
  }
  return q;
}

std::vector<fs::path> find_product_dirs(const fs::path& root) {
  std::vector<fs::path> dirs;
  if (is_product_dir(root)) dirs.push_back(root);
  std::error_code ec;
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end;
  if (ec) throw IoError(root.string() + ": cannot list: " + ec.message());
  for (; it != end; it.increment(ec)) {
    if (ec) throw IoError(root.string() + ": cannot list: " + ec.message());
    if (!it->is_directory(ec)) continue;
    if (it->path().filename().string().front() == '.') {
      it.disable_recursion_pending();
      continue;
    }
    if (is_product_dir(it->path())) dirs.push_back(it->path());
  }
  std::sort(dirs.begin(), dirs.end());
  return dirs;
}

Catalogue Catalogue::open(const fs::path& file, bool create) {
  std::error_code ec;
  if (!create && !fs::exists(file, ec))
    throw UsageError(file.string() + ": no product index here (build it with `telemine products index DIR...`, or give --db)");
  Catalogue c(Database::open(file, create));
  c.db_.exec(kSchema);
  auto get = c.db_.prepare("SELECT value FROM meta WHERE key = 'schema'");
  if (get.step()) {
    if (get.text(0) != kSchemaVersion)
      throw IoError(file.string() + ": a product index of schema " + get.text(0) + ", this telemine writes schema " +
                    kSchemaVersion + ": delete it and run `telemine products index DIR...` again");
  } else {
    c.db_.exec(std::string("INSERT INTO meta VALUES ('schema', '") + kSchemaVersion + "')");
  }
  return c;
}

void Catalogue::insert(const ProductRecord& r, Statement& product, Statement& mission, Statement& param,
                       Statement& key, Statement& text) {
  std::string missions, descriptions;
  for (const auto& m : r.missions) missions += (missions.empty() ? "" : ",") + m;
  product.bind(1, r.id).bind(2, r.dir.string()).bind(3, r.kind).bind(4, r.version).bind(5, std::int64_t{r.format});
  product.bind(6, r.created).bind(7, r.created_ns).bind(8, r.job_file).bind(9, std::int64_t{r.ranks});
  product.bind(10, r.archive).bind(11, r.from).bind(12, r.to).bind(13, missions);
  if (!product.step()) db_.fail("cannot insert product " + r.dir.string());
  const std::int64_t pid = product.integer(0);
  product.reset();
  for (const auto& m : r.missions) mission.bind(1, pid).bind(2, m).run();
  for (const auto& p : r.params) {
    param.bind(1, pid).bind(2, p.mission).bind(3, p.name).bind(4, p.unit).bind(5, p.description).run();
    descriptions += p.mission + " " + p.name + " " + p.description + " " + p.subsystem + "\n";
  }
  for (const auto& [k, v] : r.keys) key.bind(1, pid).bind(2, k).bind(3, v).run();
  text.bind(1, pid).bind(2, r.job_text).bind(3, descriptions).run();
}

IndexReport Catalogue::index(std::vector<fs::path> roots, bool skip_damaged) {
  const bool recorded = roots.empty();
  if (recorded) roots = this->roots();
  if (roots.empty()) throw UsageError("products index: no folder given and none indexed before");
  std::vector<fs::path> vanished;  // recorded roots no longer there: their products leave the index
  // Read every folder first: nothing touches the index until all of them are understood.
  IndexReport report;
  std::vector<ProductRecord> records;
  for (auto& root : roots) {
    root = absolute_dir(root);
    std::error_code ec;
    if (recorded && !fs::exists(root, ec)) {
      log::warn(root.string() + ": indexed before, gone now: its products leave the index");
      vanished.push_back(root);
      continue;
    }
    if (!fs::is_directory(root, ec)) throw UsageError(root.string() + ": no such folder");
    const auto dirs = find_product_dirs(root);
    if (dirs.empty()) throw UsageError(root.string() + ": not a product folder, and holds none (no product.json)");
    for (const auto& d : dirs) {
      try {
        records.push_back(read_product(d));
      } catch (const IoError& e) {
        if (!skip_damaged) throw IoError(std::string(e.what()) + " (index left unchanged; --skip-damaged indexes the rest)");
        report.skipped.push_back(e.what());
      }
    }
  }
  Transaction t(db_);
  auto count = db_.prepare("SELECT count(*) FROM products");
  count.step();
  const std::int64_t before = count.integer(0);
  count.reset();
  auto remove = db_.prepare("DELETE FROM products WHERE dir = ?1 OR substr(dir, 1, length(?2)) = ?2");
  auto add_root = db_.prepare("INSERT OR IGNORE INTO roots VALUES (?1)");
  for (const auto& root : roots) {
    if (std::find(vanished.begin(), vanished.end(), root) != vanished.end()) {
      remove.bind(1, root.string()).bind(2, under(root)).run();
      continue;
    }
    remove.bind(1, root.string()).bind(2, under(root)).run();
    add_root.bind(1, root.string()).run();
  }
  auto drop_root = db_.prepare("DELETE FROM roots WHERE dir = ?1");
  for (const auto& root : vanished) drop_root.bind(1, root.string()).run();
  db_.exec("DELETE FROM product_text WHERE rowid NOT IN (SELECT pid FROM products)");
  count.step();
  report.previous = before - count.integer(0);
  auto product = db_.prepare(
      "INSERT INTO products(id, dir, kind, version, format, created, created_ns, job_file, ranks, archive, range_from,"
      " range_to, missions) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13) RETURNING pid");
  auto mission = db_.prepare("INSERT INTO product_missions VALUES (?1, ?2)");
  auto param = db_.prepare("INSERT INTO product_params VALUES (?1, ?2, ?3, ?4, ?5)");
  auto key = db_.prepare("INSERT INTO product_keys VALUES (?1, ?2, ?3)");
  auto text = db_.prepare("INSERT INTO product_text(rowid, job_text, descriptions) VALUES (?1, ?2, ?3)");
  for (const auto& r : records) insert(r, product, mission, param, key, text);
  report.products = static_cast<std::int64_t>(records.size());
  t.commit();
  db_.exec("ANALYZE");  // the planner's statistics, for searches that combine several keys
  return report;
}

std::vector<ProductRow> Catalogue::search(const Query& q) {
  std::string sql = "SELECT id, kind, version, created, missions, range_from, range_to, dir FROM products p WHERE 1";
  std::vector<std::string> texts;
  std::vector<std::int64_t> ints;
  std::string binds;  // 't' or 'i' per parameter, in order
  auto text = [&](const std::string& clause, const std::string& v) { sql += clause, texts.push_back(v), binds += 't'; };
  auto integer = [&](const std::string& clause, std::int64_t v) { sql += clause, ints.push_back(v), binds += 'i'; };
  if (!q.kind.empty()) text(" AND p.kind = ?", q.kind);
  if (!q.mission.empty()) text(" AND p.pid IN (SELECT pid FROM product_missions WHERE mission = ?)", q.mission);
  if (!q.param.empty()) text(" AND p.pid IN (SELECT pid FROM product_params WHERE param GLOB ?)", q.param);
  if (q.from != kTimeMin) integer(" AND p.range_to > ?", q.from);
  if (q.to != kTimeMax) integer(" AND p.range_from < ?", q.to);
  if (!q.key.empty() && q.value) {
    text(" AND p.pid IN (SELECT pid FROM product_keys WHERE key = ?", q.key);
    text(" AND value = ?)", *q.value);
  } else if (!q.key.empty()) {
    text(" AND p.pid IN (SELECT pid FROM product_keys WHERE key = ?)", q.key);
  }
  if (!q.text.empty()) text(" AND p.pid IN (SELECT rowid FROM product_text WHERE product_text MATCH ?)", fts_query(q.text));
  if (q.created_from != kTimeMin) integer(" AND p.created_ns >= ?", q.created_from);
  if (q.created_to != kTimeMax) integer(" AND p.created_ns < ?", q.created_to);
  sql += " ORDER BY p.created_ns, p.dir";
  if (q.limit > 0) sql += " LIMIT " + std::to_string(q.limit);
  auto s = db_.prepare(sql);
  std::size_t ti = 0, ii = 0;
  for (std::size_t i = 0; i < binds.size(); ++i) {
    if (binds[i] == 't') s.bind(static_cast<int>(i + 1), texts[ti++]);
    else s.bind(static_cast<int>(i + 1), ints[ii++]);
  }
  std::vector<ProductRow> rows;
  while (s.step())
    rows.push_back({s.text(0), s.text(1), s.text(2), s.text(3), s.text(4), s.integer(5), s.integer(6), s.text(7)});
  return rows;
}

fs::path Catalogue::find(const std::string& id) {
  std::error_code ec;
  if (id.find('/') != std::string::npos || fs::is_directory(id, ec)) {
    if (!is_product_dir(id)) throw UsageError(id + ": not a product folder (no product.json)");
    return absolute_dir(id);
  }
  auto s = db_.prepare("SELECT dir FROM products WHERE substr(id, 1, length(?1)) = ?1 ORDER BY dir LIMIT 3");
  s.bind(1, id);
  std::vector<std::string> dirs;
  while (s.step()) dirs.push_back(s.text(0));
  if (dirs.empty()) throw UsageError("no product '" + id + "' in " + db_.file().string() + " (telemine products list)");
  if (dirs.size() > 1)
    throw UsageError("product id '" + id + "' is ambiguous (" + dirs[0] + ", " + dirs[1] + ", ...): give more digits or the folder");
  return dirs[0];
}

std::vector<fs::path> Catalogue::all() {
  auto s = db_.prepare("SELECT dir FROM products ORDER BY dir");
  std::vector<fs::path> out;
  while (s.step()) out.emplace_back(s.text(0));
  return out;
}

std::vector<fs::path> Catalogue::roots() {
  auto s = db_.prepare("SELECT dir FROM roots ORDER BY dir");
  std::vector<fs::path> out;
  while (s.step()) out.emplace_back(s.text(0));
  return out;
}

}  // namespace telemine::jobs::products
