#include "npy.hpp"

#include <cstring>
#include <fstream>
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

template void write_npy(const std::string&, const Matrix<float>&);
template void write_npy(const std::string&, const Matrix<double>&);
template void write_npy(const std::string&, const float*, std::size_t);
template void write_npy(const std::string&, const double*, std::size_t);
template void write_npy(const std::string&, const std::int32_t*, std::size_t);

}  // namespace layerscope::cli
