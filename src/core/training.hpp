// Training a classifier on MNIST, by concern:
//   training_config.hpp  what a run does: the training fields (one table with the network's) and presets
//   optimizer.hpp        SGD and Adam over every learnable tensor
//   batch_sampler.hpp    which training images each step takes
//   training_report.hpp  what a report holds, how it is made from the network, the history that keeps it
//   trainer.hpp          the step loop, the evaluation and the reports' timing
#pragma once

#include "batch_sampler.hpp"
#include "optimizer.hpp"
#include "trainer.hpp"
#include "training_config.hpp"
#include "training_report.hpp"
