#include "dump.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <stdexcept>

#include "json_output.hpp"
#include "npy.hpp"

namespace layerscope::cli {

namespace {

// Writes the .npy files of one run and collects their index entries.
template <typename S>
class Dumper {
 public:
  explicit Dumper(const std::string& dir) : dir_(dir) {}

  // A matrix (features x samples, or F x I for weights), written as a (rows, cols) C-order array.
  void matrix(const std::string& tensor, int layer, const Matrix<S>& m, const std::string& meaning) {
    if (m.size() == 0) return;  // the tensor does not exist in this config
    const std::string file = file_name(tensor, layer);
    write_npy(path(file), m);
    add(file, tensor, layer, {std::size_t(m.rows()), std::size_t(m.cols())}, npy_dtype<S>(), meaning);
  }
  // A vector (Vector<S> or RowVector<S>), written as a 1-D array.
  template <typename V>
  void vector(const std::string& tensor, int layer, const V& v, const std::string& meaning) {
    if (v.size() == 0) return;
    const std::string file = file_name(tensor, layer);
    write_npy(path(file), v.data(), std::size_t(v.size()));
    add(file, tensor, layer, {std::size_t(v.size())}, npy_dtype<S>(), meaning);
  }
  void labels(const std::vector<int>& values, const std::string& meaning) {
    if (values.empty()) return;
    const std::vector<std::int32_t> as_i4(values.begin(), values.end());
    write_npy(path("labels.npy"), as_i4.data(), as_i4.size());
    add("labels.npy", "labels", -1, {as_i4.size()}, npy_dtype<std::int32_t>(), meaning);
  }

  const Json& files() const { return files_; }

 private:
  static std::string file_name(const std::string& tensor, int layer) {
    if (layer < 0) return tensor + ".npy";
    char prefix[16];
    std::snprintf(prefix, sizeof prefix, "l%03d_", layer);
    return prefix + tensor + ".npy";
  }
  std::string path(const std::string& file) const { return (std::filesystem::path(dir_) / file).string(); }
  void add(const std::string& file, const std::string& tensor, int layer, const std::vector<std::size_t>& shape,
           const char* dtype, const std::string& meaning) {
    files_.push_back(Json{{"file", file},
                          {"tensor", tensor},
                          {"layer", layer < 0 ? Json(nullptr) : Json(layer)},
                          {"shape", shape},
                          {"dtype", dtype},
                          {"meaning", meaning}});
  }

  std::string dir_;
  Json files_ = Json::array();
};

}  // namespace

template <typename S>
void dump_run(const Network<S>& net, const RunReport& report, const std::string& dir) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) throw std::runtime_error("--dump: cannot create '" + dir + "': " + error.message());

  const NetworkConfig& c = net.config();
  Dumper<S> d(dir);
  d.matrix("input", -1, net.input(), "x = h_0, the input (input_dim x batch)");
  switch (c.upstream) {
    case UpstreamSource::random:
      d.matrix("upstream", -1, net.upstream(), "G = dL/dh_L, the random upstream gradient (the loss is sum(G * h_L))");
      break;
    case UpstreamSource::mse:
      d.matrix("targets", -1, net.upstream(), "t, the MSE targets (L = 1/(2N) sum (h_L - t)^2)");
      break;
    case UpstreamSource::cross_entropy:
      d.labels(net.labels(), "class label of each sample (cross-entropy)");
      d.matrix("output_weight", -1, net.parameters(c.depth + 1).weight, "W_out, the output layer (classes x width)");
      d.matrix("logits", -1, net.logits(), "W_out h_L (classes x batch)");
      d.matrix("doutput_weight", -1, net.param_grads(c.depth + 1).weight, "dL/dW_out");
      break;
  }
  d.matrix("dinput", -1, net.dinput(), "dL/dx, the gradient of the input");

  for (int l = 1; l <= c.depth; ++l) {
    const LayerParameters<S>& p = net.parameters(l);
    const LayerActivations<S>& a = net.activations(l);
    const LayerParameters<S>& g = net.param_grads(l);
    const BatchNormBuffers<S>& running = net.buffers(l);
    d.matrix("weight", l, p.weight, "W_l (width x fan_in)");
    d.vector("bias", l, p.bias, "b_l");
    d.vector("gamma", l, p.gamma, "normalization scale, one per feature");
    d.vector("beta", l, p.beta, "normalization shift, one per feature");
    d.vector("alpha", l, p.alpha, residual_alpha_meaning(c));
    // Train mode updates the running statistics once per forward pass; these are their values after the run.
    d.vector("running_mean", l, running.running_mean, "batch norm running mean, after this run");
    d.vector("running_var", l, running.running_var, "batch norm running (unbiased) variance, after this run");
    d.matrix("linear_out", l, a.linear_out, "z_l = W_l h_{l-1} (+ b_l)");
    d.matrix("pre_activation", l, net.pre_activation(l), "p_l, the input of the activation function");
    d.matrix("normalized", l, net.normalized(l), "xhat_l, the normalized tensor before gamma and beta");
    // In eval mode forward() leaves batch_mean / batch_var as the last warm-up batch computed them, not
    // statistics of the batch that ran: they are written in train mode only.
    if (c.mode == Mode::train) {
      d.vector("batch_mean", l, a.batch_mean,
               "batch norm, train mode: mean of each feature over this batch (written in train mode only)");
      d.vector("batch_var", l, a.batch_var,
               "batch norm, train mode: biased variance of each feature over this batch (written in train mode only)");
    }
    d.vector("batch_rstd", l, a.batch_rstd,
             c.mode == Mode::train ? "batch norm: 1/sqrt(batch_var + epsilon) of each feature, this batch's"
                                   : "batch norm, eval mode: 1/sqrt(running_var + epsilon) of each feature");
    d.vector("sample_mean", l, a.sample_mean, "per-sample norm: mean of each sample over its features");
    d.vector("sample_rstd", l, a.sample_rstd, "per-sample norm: 1/sqrt(var + epsilon) of each sample");
    d.matrix("activation", l, a.activation_out, "a_l = f(p_l)");
    d.matrix("output", l, net.output(l), "h_l, the layer's output");
    d.matrix("doutput", l, net.doutput(l), "dL/dh_l");
    d.matrix("dlinear", l, net.linear_gradient(l), "dL/dz_l");
    d.matrix("dweight", l, g.weight, "dL/dW_l");
    d.vector("dbias", l, g.bias, "dL/db_l");
    d.vector("dgamma", l, g.gamma, "dL/dgamma_l");
    d.vector("dbeta", l, g.beta, "dL/dbeta_l");
    d.vector("dalpha", l, g.alpha, "dL/dalpha_l, the residual branch's scale");
  }

  Json index;
  index["layerscope"] = 1;
  index["scalar"] = sizeof(S) == sizeof(float) ? "float" : "double";
  index["layout"] = "NumPy 1.0, C order: shape (rows, cols), a[feature, sample] for activations, "
                    "a[out, in] for weights; layers numbered 1..L, layer 0 is the input";
  index["config"] = config_json(c);
  index["loss"] = std::isfinite(report.loss) ? Json(report.loss) : Json(nullptr);
  index["files"] = d.files();
  write_json_file((std::filesystem::path(dir) / "index.json").string(), index);
}

template void dump_run(const Network<float>&, const RunReport&, const std::string&);
template void dump_run(const Network<double>&, const RunReport&, const std::string&);

}  // namespace layerscope::cli
