#include "mnist.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace layerscope {

namespace {

constexpr char kMagic[8] = {'L', 'S', 'M', 'N', 'I', 'S', 'T', '1'};
constexpr std::size_t kHeaderBytes = 24;
constexpr int kMaxTrain = 60000, kMaxTest = 10000;  // the sizes of the original splits
constexpr int kSide = 28;
constexpr std::uint32_t kIdxImages = 2051, kIdxLabels = 2049;  // 0x00000803, 0x00000801: ubyte, 3 or 1 dims

[[noreturn]] void fail(const std::string& source, const std::string& problem) {
  throw DataError("mnist: " + source + ": " + problem);
}

std::uint32_t read_u32_le(const std::uint8_t* p) {
  return std::uint32_t(p[0]) | std::uint32_t(p[1]) << 8 | std::uint32_t(p[2]) << 16 | std::uint32_t(p[3]) << 24;
}
std::uint32_t read_u32_be(const std::uint8_t* p) {
  return std::uint32_t(p[0]) << 24 | std::uint32_t(p[1]) << 16 | std::uint32_t(p[2]) << 8 | std::uint32_t(p[3]);
}

// The first bytes of a file that is not a pack (often an HTML error page), printable as they are.
std::string quoted_bytes(const std::uint8_t* p, std::size_t n) {
  std::string out = "\"";
  for (std::size_t i = 0; i < n; ++i) {
    if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '"' && p[i] != '\\') {
      out += char(p[i]);
    } else {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", unsigned(p[i]));
      out += hex;
    }
  }
  return out + "\"";
}

std::vector<std::uint8_t> read_file(const std::string& path) {
  errno = 0;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file) fail(path, std::string("cannot open: ") + std::strerror(errno));
  // Read in chunks until the end: no reliance on seeking, which a directory or a pipe does not support.
  std::vector<std::uint8_t> bytes;
  const std::size_t chunk = std::size_t(1) << 20;
  for (;;) {
    const std::size_t old_size = bytes.size();
    bytes.resize(old_size + chunk);
    const std::size_t got = std::fread(bytes.data() + old_size, 1, chunk, file.get());
    bytes.resize(old_size + got);
    if (got < chunk) break;
  }
  if (std::ferror(file.get())) fail(path, std::string("cannot read: ") + std::strerror(errno));
  return bytes;
}

void check_labels(const MnistSplit& split, const char* name, const std::string& source) {
  for (int i = 0; i < split.count; ++i) {
    if (split.labels[std::size_t(i)] > 9) {
      fail(source, std::string(name) + " label " + std::to_string(split.labels[std::size_t(i)]) + " at index " +
                       std::to_string(i) + " is not a digit 0..9");
    }
  }
}

// Grey levels (0 = background) to the pack's bits: 1 where >= 128, pixel k at bit k % 8 of byte k / 8.
void binarize(std::vector<std::uint8_t>& bits, const std::uint8_t* grey, int count, int pixels) {
  const std::size_t bytes_per_image = std::size_t(pixels + 7) / 8;
  bits.assign(std::size_t(count) * bytes_per_image, 0);
  for (int i = 0; i < count; ++i) {
    const std::uint8_t* src = grey + std::size_t(i) * std::size_t(pixels);
    std::uint8_t* dst = bits.data() + std::size_t(i) * bytes_per_image;
    for (int k = 0; k < pixels; ++k) {
      if (src[k] >= 128) dst[k / 8] = std::uint8_t(dst[k / 8] | (1u << (k % 8)));
    }
  }
}

// One IDX file: big-endian magic, then one big-endian uint32 per dimension, then the bytes.
// Returns the dimensions; `bytes` keeps the whole file, its data from offset 4 + 4 * dims.
std::vector<std::uint32_t> read_idx(std::vector<std::uint8_t>& bytes, const std::string& path, std::uint32_t magic,
                                    int dims, const char* what) {
  bytes = read_file(path);
  // The magic first: a labels file where an images file belongs is named as such, not as "too short".
  const std::size_t header = 4 + 4 * std::size_t(dims);
  if (bytes.size() >= 4 && read_u32_be(bytes.data()) != magic) {
    fail(path, "wrong magic number " + std::to_string(read_u32_be(bytes.data())) + ", expected " +
                   std::to_string(magic) + " (IDX " + what + ")");
  }
  if (bytes.size() < header) {
    fail(path, "too short for an IDX header: " + std::to_string(bytes.size()) + " bytes, need " +
                   std::to_string(header));
  }
  std::vector<std::uint32_t> sizes(static_cast<std::size_t>(dims));
  std::uint64_t expected = header;
  std::uint64_t items = 1;
  for (int d = 0; d < dims; ++d) {
    sizes[std::size_t(d)] = read_u32_be(bytes.data() + 4 + 4 * d);
    if (d > 0 && sizes[std::size_t(d)] != std::uint32_t(kSide)) {
      fail(path, "dimension " + std::to_string(d) + " is " + std::to_string(sizes[std::size_t(d)]) + ", expected " +
                     std::to_string(kSide));
    }
    items *= sizes[std::size_t(d)];  // at most 2^32 * 28 * 28: no overflow
  }
  if (sizes[0] == 0) fail(path, std::string("holds no ") + what);
  expected += items;
  if (bytes.size() != expected) {
    fail(path, std::string(bytes.size() < expected ? "truncated" : "trailing bytes") + ": " +
                   std::to_string(bytes.size()) + " bytes, expected " + std::to_string(expected) + " for " +
                   std::to_string(sizes[0]) + " " + what);
  }
  return sizes;
}

std::string join_path(const std::string& directory, const char* name) {
  if (directory.empty()) return name;
  return directory.back() == '/' ? directory + name : directory + "/" + name;
}

MnistSplit read_idx_split(const std::string& directory, const char* images_name, const char* labels_name,
                          const char* split_name) {
  const std::string labels_path = join_path(directory, labels_name);
  const std::string images_path = join_path(directory, images_name);
  std::vector<std::uint8_t> label_bytes, image_bytes;
  const auto label_dims = read_idx(label_bytes, labels_path, kIdxLabels, 1, "labels");
  const auto image_dims = read_idx(image_bytes, images_path, kIdxImages, 3, "images");
  if (label_dims[0] != image_dims[0]) {
    fail(images_path, "holds " + std::to_string(image_dims[0]) + " images but " + labels_path + " holds " +
                          std::to_string(label_dims[0]) + " labels");
  }
  if (image_dims[0] > std::uint32_t(kMaxTrain)) {
    fail(images_path, "holds " + std::to_string(image_dims[0]) + " images, more than the " +
                          std::to_string(kMaxTrain) + " of MNIST");
  }
  MnistSplit split;
  split.count = int(image_dims[0]);
  split.rows = split.cols = kSide;
  split.labels.assign(label_bytes.begin() + 8, label_bytes.end());
  check_labels(split, split_name, labels_path);
  binarize(split.bits, image_bytes.data() + 16, split.count, split.pixels());
  return split;
}

}  // namespace

void throw_image_index_out_of_range(int image, int count) {
  throw std::out_of_range("mnist: image index " + std::to_string(image) + " is outside 0.." +
                          std::to_string(count - 1));
}

MnistData parse_mnist_pack(const std::uint8_t* bytes, std::size_t size, const std::string& source) {
  if (size == 0) fail(source, "empty (0 bytes), expected an MNIST pack");
  if (size < kHeaderBytes) {
    fail(source, "too short for the header: " + std::to_string(size) + " bytes, need " +
                     std::to_string(kHeaderBytes));
  }
  if (std::memcmp(bytes, kMagic, sizeof kMagic) != 0) {
    fail(source, "wrong magic " + quoted_bytes(bytes, sizeof kMagic) + ", expected \"LSMNIST1\" (not an MNIST pack)");
  }
  const std::uint32_t train_count = read_u32_le(bytes + 8), test_count = read_u32_le(bytes + 12);
  const std::uint32_t rows = read_u32_le(bytes + 16), cols = read_u32_le(bytes + 20);
  if (train_count < 1 || train_count > std::uint32_t(kMaxTrain)) {
    fail(source, "train count " + std::to_string(train_count) + " is outside 1.." + std::to_string(kMaxTrain));
  }
  if (test_count < 1 || test_count > std::uint32_t(kMaxTest)) {
    fail(source, "test count " + std::to_string(test_count) + " is outside 1.." + std::to_string(kMaxTest));
  }
  if (rows != std::uint32_t(kSide) || cols != std::uint32_t(kSide)) {
    fail(source, "images are " + std::to_string(rows) + " rows x " + std::to_string(cols) + " cols, expected " +
                     std::to_string(kSide) + " x " + std::to_string(kSide));
  }

  MnistData data;
  MnistSplit* splits[2] = {&data.train, &data.test};
  data.train.count = int(train_count);
  data.test.count = int(test_count);
  for (MnistSplit* split : splits) split->rows = split->cols = kSide;
  const std::size_t images = std::size_t(train_count) + test_count;
  const std::size_t bytes_per_image = std::size_t(data.train.bytes_per_image());
  const std::size_t expected = kHeaderBytes + images + images * bytes_per_image;
  if (size != expected) {
    fail(source, std::string(size < expected ? "truncated" : "trailing bytes") + ": " + std::to_string(size) +
                     " bytes, expected " + std::to_string(expected) + " for " + std::to_string(train_count) +
                     " + " + std::to_string(test_count) + " images");
  }

  const std::uint8_t* p = bytes + kHeaderBytes;
  for (MnistSplit* split : splits) {
    split->labels.assign(p, p + split->count);
    p += split->count;
  }
  check_labels(data.train, "train", source);
  check_labels(data.test, "test", source);
  for (MnistSplit* split : splits) {
    const std::size_t n = std::size_t(split->count) * bytes_per_image;
    split->bits.assign(p, p + n);
    p += n;
  }
  return data;
}

MnistData load_mnist_pack(const std::string& path) {
  const std::vector<std::uint8_t> bytes = read_file(path);
  return parse_mnist_pack(bytes.data(), bytes.size(), path);
}

MnistData load_mnist_idx(const std::string& directory) {
  MnistData data;
  data.train = read_idx_split(directory, "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "train");
  data.test = read_idx_split(directory, "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", "test");
  return data;
}

}  // namespace layerscope
