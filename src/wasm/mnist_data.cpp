#include "mnist_data.hpp"

#include <cstdint>
#include <vector>

#include "conversions.hpp"

namespace layerscope::wasm {

namespace {
std::shared_ptr<const MnistData> loaded_data;  // replaced whole by load_mnist, never modified
}  // namespace

val load_mnist(const val& bytes) {
  return guarded([&] {
    if (!bytes.instanceof(val::global("Uint8Array")))
      throw DataError("mnist: the downloaded dataset: must be a Uint8Array of the pack's bytes");
    std::vector<std::uint8_t> copy(bytes["length"].as<std::size_t>());
    // The view and the copy into it happen in one JS call, with no wasm allocation in between.
    val(emscripten::typed_memory_view(copy.size(), copy.data())).call<void>("set", bytes);
    auto data = std::make_shared<const MnistData>(parse_mnist_pack(copy.data(), copy.size(), "the downloaded dataset"));
    loaded_data = data;
    val counts = val::object();
    counts.set("train", data->train.count);
    counts.set("test", data->test.count);
    return counts;
  });
}

std::shared_ptr<const MnistData> loaded_mnist() {
  if (!loaded_data) throw DataError("mnist: no dataset loaded: call loadMnist(bytes) first");
  return loaded_data;
}

}  // namespace layerscope::wasm
