#include "core/text.hpp"

#include <fstream>
#include <iterator>

#include "core/error.hpp"

namespace telemine {

std::string read_whole_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw IoError(file.string() + ": cannot open");
  std::string bytes((std::istreambuf_iterator<char>(in)), {});
  if (in.bad()) throw IoError(file.string() + ": read failed");
  return bytes;
}

}  // namespace telemine
