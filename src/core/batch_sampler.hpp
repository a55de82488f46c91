// Which training images each step takes.
#pragma once

#include <cstdint>
#include <vector>

#include "rng.hpp"

namespace layerscope {

// The batch sampler: epochs of a random permutation of the training set (Fisher-Yates with Rng(seed,
// stream::batches)), `batch` indices a step, in order; a new permutation when one runs out (a batch never
// spans two epochs: the epoch's last count % batch indices are dropped). Replayable from the seed alone.
class BatchSampler {
 public:
  BatchSampler(std::uint64_t seed, int dataset_size, int batch);
  const std::vector<int>& next();  // the indices of the next step's batch
  long epoch() const { return epoch_; }

 private:
  void shuffle();
  Rng rng_;
  std::vector<int> order_, batch_;
  int batch_size_, position_ = 0;
  long epoch_ = 0;
};


}  // namespace layerscope
