#include "io/csv_writer.hpp"

#include <charconv>
#include <cmath>

#include "io/json.hpp"

namespace telemine::io {

void append_csv_field(std::string& out, std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) {
    out += text;
    return;
  }
  out += '"';
  for (const char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

void append_csv_number(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "nan";
    return;
  }
  char buf[32];
  out.append(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
}

CsvWriter::CsvWriter(TextFile& file) noexcept : out_(&file.buffer()), file_(&file) {}

CsvWriter& CsvWriter::field(std::string_view text) {
  separate();
  append_csv_field(*out_, text);
  return *this;
}

CsvWriter& CsvWriter::field(double v) {
  separate();
  append_csv_number(*out_, v);
  return *this;
}

CsvWriter& CsvWriter::field(std::int64_t v) {
  separate();
  char buf[24];
  out_->append(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
  return *this;
}

CsvWriter& CsvWriter::time(TimeNs t) {
  separate();
  char buf[48];
  out_->append(buf, format_time(t, buf));
  return *this;
}

CsvWriter& CsvWriter::empty() {
  separate();
  return *this;
}

void CsvWriter::end_row() {
  *out_ += '\n';
  first_ = true;
  if (file_ != nullptr) file_->flush_if_full();
}

void CsvWriter::header(std::initializer_list<std::string_view> names) {
  for (const auto name : names) field(name);
  end_row();
}

}  // namespace telemine::io
