#include "core/text.hpp"

#include <fstream>
#include <iterator>

#include "core/error.hpp"

namespace telemine {

std::string read_whole_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw IoError(file.string() + ": cannot open");
  // One read of the size the file has (a live segment may grow meanwhile: the rest follows).
  std::string bytes;
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  if (!ec && size > 0) {
    bytes.resize(static_cast<std::size_t>(size));
    in.read(bytes.data(), static_cast<std::streamsize>(size));
    bytes.resize(static_cast<std::size_t>(in.gcount()));
  }
  if (in.bad()) throw IoError(file.string() + ": read failed");
  if (in) bytes.append(std::istreambuf_iterator<char>(in), {});
  if (in.bad()) throw IoError(file.string() + ": read failed");
  return bytes;
}

}  // namespace telemine
