#pragma once
/// \file A thin owning wrapper over SQLite (Debian's libsqlite3): one object per handle, every
/// call checked, errors as IoError naming the database file.

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace telemine::jobs::products {

class Statement;

class Database {
 public:
  /// Opens (creating when `create`) the database file. IoError names it when it cannot.
  static Database open(const std::filesystem::path& file, bool create);
  Database(Database&& other) noexcept;
  Database& operator=(Database&&) = delete;
  ~Database();

  /// Runs one or more statements without results.
  void exec(std::string_view sql);
  Statement prepare(std::string_view sql);
  const std::filesystem::path& file() const noexcept { return file_; }
  [[noreturn]] void fail(std::string_view what) const;

 private:
  Database(sqlite3* db, std::filesystem::path file) : db_(db), file_(std::move(file)) {}
  sqlite3* db_;
  std::filesystem::path file_;
  friend class Statement;
};

/// All-or-nothing: rolls back unless commit() was called (an exception leaves the index as it was).
class Transaction {
 public:
  explicit Transaction(Database& db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }
  ~Transaction();
  void commit();

 private:
  Database& db_;
  bool done_ = false;
};

class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  ~Statement();

  /// Binds by 1-based index; returns *this for chaining.
  Statement& bind(int i, std::string_view text);
  Statement& bind(int i, std::int64_t value);
  /// Steps once: true while there is a row.
  bool step();
  /// Steps to the end (an insert or update), then resets for the next bindings.
  void run();
  void reset();
  std::string text(int col) const;
  std::int64_t integer(int col) const;

 private:
  Statement(Database& db, sqlite3_stmt* s) : db_(&db), stmt_(s) {}
  Database* db_;
  sqlite3_stmt* stmt_;
  friend class Database;
};

}  // namespace telemine::jobs::products
