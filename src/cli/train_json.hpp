// The `train --json` output: the config and the run's history. NaN and +-Inf are written as null.
//
// {"layerscope": 1, "kind": "training", "scalar", "preset", "data", "config": {every training and network
//  field}, "history": {"stride", "capacity", "reports": [{"step", "train_loss", "train_accuracy",
//  "test_loss", "test_accuracy", "seconds", "layers": [{"layer": 1, every LayerTrainingStats field}, ...]}]},
//  "final": {...}, and "diverged": {"step", "message"} when training stopped at a non-finite loss}
#pragma once

#include "json_output.hpp"
#include "training.hpp"

namespace layerscope::cli {

// {field: value} for every training field then every network field, typed as config_json() does.
Json training_config_json(const TrainingConfig& config);

Json training_report_json(const TrainingReport& report);
Json training_history_json(const TrainingHistory& history);

}  // namespace layerscope::cli
