// The MNIST data set of a wasm module (the main module's training sessions, the evidence lab's sweeps):
// loaded once per module from the pack's bytes (dist/data/mnist-binary.bin) into a shared, immutable
// MnistData. A session or sweep started afterwards holds a reference, so a later loadMnist leaves running
// ones on the data they started with.
#pragma once

#include <emscripten/val.h>

#include <memory>

#include "mnist.hpp"

namespace layerscope::wasm {

// bytes: a Uint8Array holding the pack. Value {train, test}: image counts (a guarded result).
emscripten::val load_mnist(const emscripten::val& bytes);
// The data set loadMnist loaded; throws DataError saying to load it first.
std::shared_ptr<const MnistData> loaded_mnist();

}  // namespace layerscope::wasm
