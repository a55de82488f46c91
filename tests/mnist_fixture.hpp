// The MNIST pack CMake built (LAYERSCOPE_MNIST_PACK), loaded once for every test of a binary that asks.
#pragma once

#include <memory>

#include "mnist.hpp"

namespace layerscope {

inline std::shared_ptr<const MnistData> mnist() {
  static const auto data = std::make_shared<const MnistData>(load_mnist_pack(LAYERSCOPE_MNIST_PACK));
  return data;
}

}  // namespace layerscope
