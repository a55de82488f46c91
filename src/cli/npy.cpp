#include "npy.hpp"

#include <cstring>
#include <fstream>
#include <iterator>
#include <regex>
#include <stdexcept>

namespace layerscope::cli {

namespace {

bool host_is_little_endian() {
  const std::uint16_t one = 1;
  unsigned char first;
  std::memcpy(&first, &one, 1);
  return first == 1;
}

void write_file(const std::string& path, const std::string& header, const void* data, std::size_t bytes) {
  // The dtypes say '<' (little-endian): the raw buffer is only that on a little-endian host.
  if (!host_is_little_endian()) throw std::runtime_error("--dump: .npy writing needs a little-endian host");
  std::ofstream out(path, std::ios::binary);
  if (!out) throw std::runtime_error("--dump: cannot write '" + path + "'");
  out.write(header.data(), std::streamsize(header.size()));
  out.write(static_cast<const char*>(data), std::streamsize(bytes));
  if (!out) throw std::runtime_error("--dump: writing '" + path + "' failed");
}

}  // namespace

template <> const char* npy_dtype<float>() { return "<f4"; }
template <> const char* npy_dtype<double>() { return "<f8"; }
template <> const char* npy_dtype<std::int32_t>() { return "<i4"; }

std::string npy_header(const char* dtype, const std::vector<std::size_t>& shape) {
  std::string shape_text = "(";
  for (std::size_t d : shape) shape_text += std::to_string(d) + ", ";
  if (shape.size() > 1) shape_text.resize(shape_text.size() - 2);  // (3, 4); a 1-D shape keeps "(5,"
  else if (shape.size() == 1) shape_text.resize(shape_text.size() - 1);
  shape_text += ")";
  std::string dict = std::string("{'descr': '") + dtype + "', 'fortran_order': False, 'shape': " + shape_text + ", }";
  const std::size_t preamble = 10;  // magic (6) + version (2) + header length (2)
  const std::size_t total = (preamble + dict.size() + 1 + 63) / 64 * 64;
  dict.append(total - preamble - dict.size() - 1, ' ');
  dict += '\n';
  std::string header = "\x93NUMPY";
  header += char(1), header += char(0);
  header += char(dict.size() & 0xff), header += char(dict.size() >> 8);
  return header + dict;
}

template <typename S>
void write_npy(const std::string& path, const Matrix<S>& matrix) {
  // Column-major to row-major: the C-order buffer of a (rows, cols) array.
  const Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> row_major = matrix;
  write_file(path, npy_header(npy_dtype<S>(), {std::size_t(matrix.rows()), std::size_t(matrix.cols())}),
             row_major.data(), sizeof(S) * std::size_t(row_major.size()));
}

template <typename T>
void write_npy(const std::string& path, const T* data, std::size_t n) {
  write_file(path, npy_header(npy_dtype<T>(), {n}), data, sizeof(T) * n);
}

template <typename T>
void write_npy(const std::string& path, const T* data, const std::vector<std::size_t>& shape) {
  std::size_t n = 1;
  for (std::size_t d : shape) n *= d;
  write_file(path, npy_header(npy_dtype<T>(), shape), data, sizeof(T) * n);
}

namespace {

std::string shape_text(const std::vector<std::size_t>& shape) {
  std::string out = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) out += (i ? ", " : "") + std::to_string(shape[i]);
  return out + (shape.size() == 1 ? ",)" : ")");
}

}  // namespace

template <typename S>
void read_npy(const std::string& path, const std::vector<std::size_t>& shape, S* out) {
  auto fail = [&](const std::string& what) { throw std::runtime_error("--init-from: '" + path + "': " + what); };
  if (!host_is_little_endian()) fail(".npy reading needs a little-endian host");
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("cannot read the file");
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.size() < 10 || bytes.compare(0, 6, "\x93NUMPY") != 0) fail("not a .npy file (no \\x93NUMPY magic)");
  const unsigned major = static_cast<unsigned char>(bytes[6]);
  std::size_t header_length = 0, start = 0;
  auto byte = [&](std::size_t k) { return std::size_t(static_cast<unsigned char>(bytes[k])); };
  if (major == 1) {
    header_length = byte(8) | byte(9) << 8, start = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12) fail("truncated header");
    header_length = byte(8) | byte(9) << 8 | byte(10) << 16 | byte(11) << 24, start = 12;
  } else {
    fail("unsupported .npy version " + std::to_string(major));
  }
  if (bytes.size() < start + header_length) fail("truncated header");
  const std::string header = bytes.substr(start, header_length);

  std::smatch m;
  if (!std::regex_search(header, m, std::regex("'descr':\\s*'([^']*)'"))) fail("header has no 'descr'");
  const std::string descr = m[1];
  if (!std::regex_search(header, m, std::regex("'fortran_order':\\s*(True|False)"))) fail("header has no 'fortran_order'");
  const bool fortran = m[1] == "True";
  if (!std::regex_search(header, m, std::regex("'shape':\\s*\\(([^)]*)\\)"))) fail("header has no 'shape'");
  std::vector<std::size_t> file_shape;
  const std::string dims = m[1];
  const std::regex digits("[0-9]+");
  for (auto it = std::sregex_iterator(dims.begin(), dims.end(), digits); it != std::sregex_iterator(); ++it)
    file_shape.push_back(std::stoul(it->str()));

  const std::string want = npy_dtype<S>();
  if (descr != want)
    fail("dtype '" + descr + "', expected '" + want + "' (" + (sizeof(S) == 4 ? "float" : "double") +
         " run: pass --scalar " + (descr == "<f8" ? "double" : "float") + " to read it)");
  if (file_shape != shape) fail("shape " + shape_text(file_shape) + ", expected " + shape_text(shape));
  std::size_t n = 1;
  for (std::size_t d : shape) n *= d;
  const std::size_t data_start = start + header_length;
  if (bytes.size() - data_start != n * sizeof(S))
    fail("holds " + std::to_string(bytes.size() - data_start) + " data bytes, expected " + std::to_string(n * sizeof(S)));
  const char* data = bytes.data() + data_start;
  if (shape.size() != 2 || fortran) {
    // Fortran order is column-major already, as is any 1-D array.
    std::memcpy(out, data, n * sizeof(S));
    return;
  }
  // C order (row-major) into column-major: a[r, c] is at r * cols + c in the file, c * rows + r in out.
  const std::size_t rows = shape[0], cols = shape[1];
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t c = 0; c < cols; ++c) std::memcpy(out + c * rows + r, data + (r * cols + c) * sizeof(S), sizeof(S));
}

template void read_npy(const std::string&, const std::vector<std::size_t>&, float*);
template void read_npy(const std::string&, const std::vector<std::size_t>&, double*);
template void write_npy(const std::string&, const std::int32_t*, const std::vector<std::size_t>&);
template void write_npy(const std::string&, const float*, const std::vector<std::size_t>&);
template void write_npy(const std::string&, const double*, const std::vector<std::size_t>&);
template void write_npy(const std::string&, const Matrix<float>&);
template void write_npy(const std::string&, const Matrix<double>&);
template void write_npy(const std::string&, const float*, std::size_t);
template void write_npy(const std::string&, const double*, std::size_t);
template void write_npy(const std::string&, const std::int32_t*, std::size_t);

}  // namespace layerscope::cli
