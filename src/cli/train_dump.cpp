#include "train_dump.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>

#include "npy.hpp"
#include "train_json.hpp"

namespace layerscope::cli {

namespace {

// One tensor the dump writes and --init-from reads: a parameter (of for_each_parameter) or a buffer.
template <typename S>
struct StateTensor {
  int layer;
  std::string tensor;
  S* data;
  std::vector<std::size_t> shape;  // (rows, cols) for weights, (n) otherwise
  const char* meaning;
};

template <typename S>
std::vector<StateTensor<S>> state_tensors(Network<S>& net) {
  const int L = net.depth();
  std::vector<StateTensor<S>> out;
  net.for_each_parameter([&](int l, ParameterKind kind, S* data, S*, std::size_t size) {
    const std::string tensor = to_string(kind);
    if (kind == ParameterKind::weight) {
      const Matrix<S>& w = net.parameters(l).weight;
      out.push_back({l, tensor, data, {std::size_t(w.rows()), std::size_t(w.cols())},
                     l <= L ? "W_l (width x fan_in): z_l = W_l h_{l-1} (+ b_l)"
                            : "W_out (classes x width): logits = W_out h_L + b_out"});
    } else {
      const char* meaning = kind == ParameterKind::bias    ? (l <= L ? "b_l" : "b_out")
                            : kind == ParameterKind::gamma ? "normalization scale, one per feature"
                            : kind == ParameterKind::beta  ? "normalization shift, one per feature"
                                                           : residual_alpha_meaning(net.config());
      out.push_back({l, tensor, data, {size}, meaning});
    }
  });
  for (int l = 1; l <= L; ++l) {
    BatchNormBuffers<S>& b = net.buffers(l);
    if (b.running_mean.size())
      out.push_back({l, "running_mean", b.running_mean.data(), {std::size_t(b.running_mean.size())},
                     "batch norm running mean (eval mode uses it): r <- (1 - momentum) r + momentum batch_mean"});
    if (b.running_var.size())
      out.push_back({l, "running_var", b.running_var.data(), {std::size_t(b.running_var.size())},
                     "batch norm running variance (unbiased batch variance in the update)"});
  }
  return out;
}

Json number(double v) { return std::isfinite(v) ? Json(v) : Json(nullptr); }

const char* const sampler_text =
    "Epochs of a random permutation of the 60000 training images: order = 0..59999, then Fisher-Yates last "
    "position first (for i = 59999 down to 1: swap order[i] and order[Rng(seed, stream 5).below(i + 1)]); "
    "step s takes the next `batch` entries; when fewer than `batch` remain the epoch's rest is dropped and a "
    "new permutation of the current order is drawn from the same Rng. batch_indices.npy holds the result, "
    "so a replay needs no Rng.";
const char* const data_text =
    "Indices are positions in the training split in file order (the pack's, or train-images-idx3-ubyte's). "
    "Image i is the column x[:, i] of 784 pixels, x[r * 28 + c] = 1 where the original grey level is >= 128, "
    "else 0; its label is the training label i. A batch is x[:, batch_indices[s - 1]] (784 x batch, one "
    "column per sample) in the row's order. The test loss and accuracy are over the first test_samples "
    "test images in file order, in eval mode (batch norm uses running_mean and running_var).";
const char* const step_text =
    "One step: forward in train mode (batch statistics, biased variance; the running statistics are updated), "
    "loss = mean cross-entropy of softmax(W_out h_L + b_out), backward, then the optimizer updates every "
    "parameter. step<S>_* files hold the state after S steps; train_loss of step S is the loss of batch S "
    "before its update.";

}  // namespace

template <typename S>
TrainingDump<S>::TrainingDump(const TrainOptions& options, const MnistData& data) : options_(options), data_(data) {
  std::error_code error;
  std::filesystem::create_directories(options.dump_dir, error);
  if (error) throw std::runtime_error("--dump: cannot create '" + options.dump_dir + "': " + error.message());
}

template <typename S>
std::string TrainingDump<S>::path(const std::string& file) const {
  return (std::filesystem::path(options_.dump_dir) / file).string();
}

template <typename S>
void TrainingDump<S>::parameters(Network<S>& net, long step, double train_loss, double test_loss,
                                 double test_accuracy) {
  for (const StateTensor<S>& t : state_tensors(net)) {
    char file[96];
    std::snprintf(file, sizeof file, "step%ld_layer%d_%s.npy", step, t.layer, t.tensor.c_str());
    // write_npy's C order: a (rows, cols) weight from Eigen's column-major buffer goes through a Matrix.
    if (t.shape.size() == 2) {
      const Matrix<S> m = Eigen::Map<const Matrix<S>>(t.data, Eigen::Index(t.shape[0]), Eigen::Index(t.shape[1]));
      write_npy(path(file), m);
    } else {
      write_npy(path(file), static_cast<const S*>(t.data), t.shape[0]);
    }
    files_.push_back(Json{{"file", file},
                          {"step", step},
                          {"layer", t.layer},
                          {"tensor", t.tensor},
                          {"shape", t.shape},
                          {"dtype", npy_dtype<S>()},
                          {"meaning", t.meaning}});
  }
  steps_.push_back(Json{{"step", step},
                        {"train_loss", number(train_loss)},
                        {"test_loss", number(test_loss)},
                        {"test_accuracy", number(test_accuracy)},
                        {"test_samples", options_.config.test_samples}});
}

template <typename S>
void TrainingDump<S>::finish(long steps_done, const Json& diverged) {
  const std::size_t batch = std::size_t(options_.config.network.batch);
  const std::size_t rows = batch ? batch_indices_.size() / batch : 0;
  write_npy(path("batch_indices.npy"), batch_indices_.data(), std::vector<std::size_t>{rows, batch});
  Json files = files_;
  files.push_back(Json{{"file", "batch_indices.npy"},
                       {"step", nullptr},
                       {"layer", nullptr},
                       {"tensor", "batch_indices"},
                       {"shape", {rows, batch}},
                       {"dtype", npy_dtype<std::int32_t>()},
                       {"meaning", "row s - 1: the training-image indices of step s's batch, column j = sample j"}});
  Json index;
  index["layerscope"] = 1;
  index["kind"] = "training";
  index["scalar"] = sizeof(S) == sizeof(float) ? "float" : "double";
  index["layout"] = "NumPy 1.0, C order: weights a[out, in], vectors a[feature]; layers 1..L hidden, L+1 the "
                    "output layer (weight classes x width, bias classes)";
  index["config"] = training_config_json(options_.config);
  index["data"] = Json{{"source", options_.data_path},
                       {"train_count", data_.train.count},
                       {"test_count", data_.test.count},
                       {"pixels", data_.train.pixels()},
                       {"order", data_text}};
  index["sampler"] = sampler_text;
  index["step"] = step_text;
  index["steps_done"] = steps_done;
  if (!diverged.is_null()) index["diverged"] = diverged;
  index["steps"] = steps_;
  index["files"] = files;
  write_json_file(path("index.json"), index);
}

template <typename S>
long init_from_dump(Network<S>& net, const std::string& dir) {
  const std::string index_path = (std::filesystem::path(dir) / "index.json").string();
  std::ifstream in(index_path);
  if (!in) throw std::runtime_error("--init-from: cannot read '" + index_path + "'");
  Json index;
  try {
    index = Json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error("--init-from: '" + index_path + "' is not valid JSON: " + e.what());
  }
  if (!index.contains("files") || !index["files"].is_array())
    throw std::runtime_error("--init-from: '" + index_path + "' has no \"files\" list (not a train --dump index?)");

  // (layer, tensor) -> file, from the earliest step listed.
  long earliest = -1;
  for (const Json& f : index["files"])
    if (f.value("step", Json()).is_number_integer() && (earliest < 0 || f["step"].get<long>() < earliest))
      earliest = f["step"].get<long>();
  if (earliest < 0) throw std::runtime_error("--init-from: '" + index_path + "' lists no parameters of any step");
  std::map<std::pair<int, std::string>, std::string> listed;
  for (const Json& f : index["files"])
    if (f.value("step", Json()).is_number_integer() && f["step"].get<long>() == earliest)
      listed[{f.at("layer").get<int>(), f.at("tensor").get<std::string>()}] = f.at("file").get<std::string>();

  for (const StateTensor<S>& t : state_tensors(net)) {
    const auto it = listed.find({t.layer, t.tensor});
    if (it == listed.end())
      throw std::runtime_error("--init-from: '" + index_path + "' has no layer " + std::to_string(t.layer) + " " +
                               t.tensor + " at step " + std::to_string(earliest) + " (a different network?)");
    read_npy((std::filesystem::path(dir) / it->second).string(), t.shape, t.data);
    listed.erase(it);
  }
  if (!listed.empty())
    throw std::runtime_error("--init-from: '" + index_path + "' lists layer " + std::to_string(listed.begin()->first.first) +
                             " " + listed.begin()->first.second + ", which this network does not have (a different network?)");
  return earliest;
}

template class TrainingDump<float>;
template class TrainingDump<double>;
template long init_from_dump(Network<float>&, const std::string&);
template long init_from_dump(Network<double>&, const std::string&);

}  // namespace layerscope::cli
