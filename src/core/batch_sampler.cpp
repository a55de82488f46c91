#include "batch_sampler.hpp"

#include <algorithm>

#include "config.hpp"

namespace layerscope {

BatchSampler::BatchSampler(std::uint64_t seed, int dataset_size, int batch)
    : rng_(seed, stream::batches), order_(size_t(dataset_size)), batch_(size_t(batch)), batch_size_(batch) {
  if (batch > dataset_size) throw ConfigError("batch", "must be at most the training set's " + format_number(dataset_size) + " images");
  for (int i = 0; i < dataset_size; ++i) order_[size_t(i)] = i;
  shuffle();
}

void BatchSampler::shuffle() {
  // Fisher-Yates, last position first: swap i with a uniform j in [0, i].
  for (size_t i = order_.size() - 1; i > 0; --i) std::swap(order_[i], order_[rng_.below(std::uint32_t(i + 1))]);
  position_ = 0;
}

const std::vector<int>& BatchSampler::next() {
  if (position_ + batch_size_ > int(order_.size())) {
    ++epoch_;
    shuffle();
  }
  std::copy(order_.begin() + position_, order_.begin() + position_ + batch_size_, batch_.begin());
  position_ += batch_size_;
  return batch_;
}

}  // namespace layerscope
