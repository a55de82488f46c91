// The real MNIST digits (LeCun, Cortes and Burges), binarized: what the batch-norm paper's Figure 1 trains on
// ("a 28x28 binary image as input").
//
// Two sources give the same MnistData:
// - the site's pack, dist/data/mnist-binary.bin (written by web/tools/pack-mnist.mjs), which the page
//   downloads and the tests read;
// - the four original IDX files (train-images-idx3-ubyte, ...), binarized here exactly as the packer does.
//
// Pack layout, all integers little-endian:
//   "LSMNIST1", uint32 train_count, test_count, rows, cols          (24 bytes)
//   train labels, test labels                                      (one byte each, 0..9)
//   train images, test images                                      (bytes_per_image() bytes each)
// An image is rows x cols pixels, pixel k = r * cols + c (row-major) is bit (k % 8) of byte (k / 8), least
// significant bit first; a pixel is 1 where the original grey level is >= 128.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include <Eigen/Core>

namespace layerscope {

// Thrown for a missing, truncated or corrupt file. what() names the file and what is wrong, e.g.
// "mnist: dist/data/mnist-binary.bin: truncated: 6930000 bytes, expected 6930024 for 60000 + 10000 images".
class DataError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct MnistSplit {
  int count = 0, rows = 28, cols = 28;
  std::vector<std::uint8_t> labels;  // count, each 0..9
  std::vector<std::uint8_t> bits;    // count * bytes_per_image(), the pack's bit layout
  int pixels() const { return rows * cols; }
  int bytes_per_image() const { return (pixels() + 7) / 8; }
  bool pixel(int image, int k) const;  // 0/1; k = r * cols + c
};

struct MnistData {
  MnistSplit train, test;
};

// Parses the pack; `source` names it in errors (a file path or "the downloaded dataset").
MnistData parse_mnist_pack(const std::uint8_t* bytes, std::size_t size, const std::string& source);
// Reads the file, then parse_mnist_pack.
MnistData load_mnist_pack(const std::string& path);
// Reads the four original IDX files from a directory (train-images-idx3-ubyte, train-labels-idx1-ubyte,
// t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte), binarized as the pack is.
MnistData load_mnist_idx(const std::string& directory);

// Thrown by fill_images for an index outside the split (out of line: keeps the loop below small).
[[noreturn]] void throw_image_index_out_of_range(int image, int count);

// x: P x n (P = split.pixels(), one column per image, as every layer's activations), column j = image
// indices[j] of the split, entries 0 or 1. Runs every training step: a byte at a time, 8 pixels each.
template <typename S>
void fill_images(Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic>& x, const MnistSplit& split, const int* indices,
                 int n) {
  const int pixels = split.pixels();
  const int bytes = split.bytes_per_image();
  const int whole_bytes = pixels / 8;  // all 98 for 28 x 28
  // The 8 pixels of every possible byte, copied whole: per 60-image batch about 6 us in wasm (Node 20) against
  // 18 us for shifting the bits out one by one, which wasm SIMD cannot do lane-wise; about 2 us natively.
  static const auto unpacked = [] {
    std::array<std::array<S, 8>, 256> table{};
    for (unsigned byte = 0; byte < 256; ++byte)
      for (int t = 0; t < 8; ++t) table[byte][std::size_t(t)] = S((byte >> t) & 1u);
    return table;
  }();
  x.resize(pixels, n);
  for (int j = 0; j < n; ++j) {
    const int image = indices[j];
    if (image < 0 || image >= split.count) throw_image_index_out_of_range(image, split.count);
    const std::uint8_t* src = split.bits.data() + std::size_t(image) * std::size_t(bytes);
    S* column = x.data() + std::size_t(j) * std::size_t(pixels);
    for (int b = 0; b < whole_bytes; ++b) {
      std::memcpy(column + 8 * b, unpacked[src[b]].data(), sizeof(S) * 8);
    }
    for (int k = 8 * whole_bytes; k < pixels; ++k) column[k] = S((src[k / 8] >> (k % 8)) & 1u);
  }
}

inline bool MnistSplit::pixel(int image, int k) const {
  return (bits[std::size_t(image) * std::size_t(bytes_per_image()) + std::size_t(k / 8)] >> (k % 8)) & 1u;
}

}  // namespace layerscope
