// NumPy .npy files (format version 1.0), written without NumPy.
//
// Layout choice: C order. Eigen stores matrices column-major; write_npy() transposes them into row-major
// order and writes 'fortran_order': False with shape (rows, cols), the most widely readable form (many
// small .npy readers ignore fortran_order). A features x samples matrix loads as np.load(f)[feature, sample].
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "layers.hpp"

namespace layerscope::cli {

// "<f4", "<f8" or "<i4".
template <typename T> const char* npy_dtype();

// Writes a 2-D array (rows x cols) from a column-major Eigen matrix, in C order.
template <typename S>
void write_npy(const std::string& path, const Matrix<S>& matrix);
// Writes a 1-D array of n values.
template <typename T>
void write_npy(const std::string& path, const T* data, std::size_t n);

// Writes an array of any rank from a buffer already in C order (the last index fastest).
template <typename T>
void write_npy(const std::string& path, const T* data, const std::vector<std::size_t>& shape);

// The header of a version 1.0 file: magic, version, header length, then the dict padded with spaces and a
// newline so that the data starts at a multiple of 64 bytes.
std::string npy_header(const char* dtype, const std::vector<std::size_t>& shape);

// Reads a .npy file of version 1.x or 2.x holding little-endian float32 or float64 ("<f4", "<f8"), C or
// Fortran order, into `out` in Eigen's column-major order: a (rows, cols) array fills a rows x cols matrix,
// a 1-D array of n a vector of n (rows n, cols 1). The file must hold exactly `shape` and the dtype of S:
// otherwise std::runtime_error naming the file, what it holds and what was expected.
template <typename S>
void read_npy(const std::string& path, const std::vector<std::size_t>& shape, S* out);

}  // namespace layerscope::cli
