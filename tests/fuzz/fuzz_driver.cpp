// layerscope_fuzz: a seeded random fuzzer of the command-line tool's two ways in, the config JSON file and
// the flags, for a bounded time.
//
//   layerscope_fuzz CORPUS_DIR [--seconds S] [--seed N]
//
// Each input is a corpus entry (CORPUS_DIR/json/*.json: a config file's text; CORPUS_DIR/flags/*.args: one
// argument a line), first as it is and then mutated: bytes flipped, inserted (NUL, CR, ESC, the UTF-8 of a
// C1 control) or deleted, ranges duplicated, and tokens from a dictionary of what broke parsers before
// (hex, inf, nan, -0.0, 1e309, denormals, field names, choices, JSON punctuation) spliced in. It goes
// through the tool's own parsers (apply_config_text, parse_options); a config they accept whose work is
// small enough is run (forward, backward, summaries, every histogram), as the tool would.
//
// What counts as a failure (exit status 1, the input printed escaped):
//   - a refusal whose message is empty, over 4 kB, or holds a control character (it reaches a terminal);
//   - an exception that is not the parsers' own kind (ConfigError, UsageError);
//   - a summary whose counts do not add up, or a std that is not finite for all-finite data;
//   - a histogram that loses or invents a value (bins + zeros + outside + non-finite != size), or whose
//     edges are not finite and non-decreasing.
// A crash is a failure too: under the sanitizer build (ctest in build-asan/) any out-of-bounds access
// or undefined behaviour aborts the run. The corpus holds the three reproducers of the histogram crash.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "network.hpp"
#include "options.hpp"
#include "report.hpp"

using namespace layerscope;

namespace {

// Work (config.hpp estimated_flops) above which a mutated config is only parsed, not run: keeps the
// fuzzer at thousands of inputs a second. Corpus entries as given run up to the tool's own budget.
constexpr double mutated_run_flops = 2e8;

struct Input {
  bool is_json = false;
  std::string json;
  std::vector<std::string> args;
};

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::vector<Input> load_corpus(const std::filesystem::path& dir) {
  std::vector<Input> corpus;
  std::vector<std::filesystem::path> files;
  for (const char* sub : {"json", "flags"})
    if (std::filesystem::is_directory(dir / sub))
      for (const auto& entry : std::filesystem::directory_iterator(dir / sub)) files.push_back(entry.path());
  std::sort(files.begin(), files.end());  // the same order, and so the same run, for a seed
  for (const auto& path : files) {
    Input input;
    const std::string text = read_file(path);
    if (path.extension() == ".json") {
      input.is_json = true;
      input.json = text;
    } else {
      std::size_t start = 0;
      while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        input.args.push_back(text.substr(start, end - start));
        start = end + 1;
      }
    }
    corpus.push_back(input);
  }
  return corpus;
}

std::vector<std::string> dictionary() {
  std::vector<std::string> words = {
      "0", "-0", "-0.0", "0.0", "1", "2", "7", "1e309", "-1e309", "1e-320", "4.9e-324", "1.7976931348623157e308",
      "0x10", "0x1p3", "nan", "NaN", "inf", "-inf", "Infinity", "9007199254740993", "1000", "1024", "4096",
      "333333", "1e6", ".5", "5.", "1e", "+", "\"", "{", "}", "[", "]", ",", ":", "\\u0000", "\\\"", "true",
      "false", "null", "[]", "{}", "--", "=", "--preset", "--config", "--bins", "--range", "--binning",
      "--scalar", "shared", "symlog", "double", "float", std::string(1, '\0'), "\r", "\x1b[2J", "\xc2\x9b",
  };
  for (const FieldSpec& spec : config_schema()) {
    words.push_back(spec.name);
    words.push_back("--" + spec.name);
    words.push_back("\"" + spec.name + "\"");
    for (const std::string& choice : spec.choices) words.push_back(choice);
  }
  for (const PresetInfo& p : preset_list()) words.push_back(p.name);
  return words;
}

class Mutator {
 public:
  explicit Mutator(std::uint64_t seed) : rng_(seed), words_(dictionary()) {}

  std::size_t below(std::size_t n) { return n ? std::size_t(rng_() % n) : 0; }

  void mutate_text(std::string& s) {
    const int edits = 1 + int(below(4));
    for (int e = 0; e < edits; ++e) {
      const std::size_t at = below(s.size() + 1);
      switch (below(6)) {
        case 0:  // flip a byte
          if (!s.empty()) s[below(s.size())] = char(rng_());
          break;
        case 1: {  // insert a hostile byte
          static const char hostile[] = {'\0', '\r', '\n', '\x1b', '\t', '\x7f', '"', '\\', '-', '.', 'e', '0'};
          s.insert(s.begin() + std::ptrdiff_t(at), hostile[below(sizeof hostile)]);
          break;
        }
        case 2:  // delete a range
          if (!s.empty()) s.erase(at < s.size() ? at : s.size() - 1, 1 + below(8));
          break;
        case 3: {  // duplicate a range (duplicate keys, repeated flags)
          if (s.empty()) break;
          const std::size_t from = below(s.size()), len = 1 + below(std::min<std::size_t>(32, s.size() - from));
          s.insert(at, s.substr(from, len));
          break;
        }
        default:  // splice a dictionary word
          s.insert(at, words_[below(words_.size())]);
          break;
      }
    }
  }

  void mutate_args(std::vector<std::string>& args) {
    const int edits = 1 + int(below(3));
    for (int e = 0; e < edits; ++e) {
      switch (below(4)) {
        case 0:
          if (!args.empty()) mutate_text(args[below(args.size())]);
          break;
        case 1:
          if (!args.empty()) args[below(args.size())] = words_[below(words_.size())];
          break;
        case 2:
          if (!args.empty()) args.erase(args.begin() + std::ptrdiff_t(below(args.size())));
          break;
        default: {
          const std::size_t at = below(args.size() + 1);
          args.insert(args.begin() + std::ptrdiff_t(at), words_[below(words_.size())]);
          break;
        }
      }
    }
  }

 private:
  std::mt19937_64 rng_;
  std::vector<std::string> words_;
};

struct Failure {
  std::string what;
};

void check_message(const char* message) {
  const std::string m = message;
  if (m.empty()) throw Failure{"an empty refusal message"};
  if (m.size() > 4096) throw Failure{"a refusal message of " + std::to_string(m.size()) + " bytes"};
  for (unsigned char c : m)
    if (c < 0x20 || c == 0x7f) throw Failure{"a control character in the message: " + escape_for_message(m)};
}

template <typename S>
void run_and_check(const NetworkConfig& config, const cli::Options& options) {
  Network<S> net(config);
  const RunReport report = run_and_summarize(net, true);
  for (std::size_t l = 0; l < report.layers.size(); ++l) {
    for (int k = 0; k < tensor_kind_count; ++k) {
      if (!report.layers[l].present[std::size_t(k)]) continue;
      const TensorSummary& s = report.layers[l].tensors[std::size_t(k)];
      const std::string where = "layer " + std::to_string(l) + " " + to_string(TensorKind(k));
      if (s.finite_count + s.nan_count + s.inf_count != s.count) throw Failure{where + ": counts do not add up"};
      if (s.count > 0 && s.finite_count == s.count && !(std::isfinite(s.std) && s.std >= 0))
        throw Failure{where + ": std " + std::to_string(s.std) + " for finite data"};
    }
  }
  for (int k = 0; k < tensor_kind_count; ++k) {
    const TensorKind kind = TensorKind(k);
    const std::vector<Histogram> hists =
        layer_histograms(net, report, kind, options.bins, options.range, options.binning);
    for (std::size_t l = 0; l < hists.size(); ++l) {
      const TensorRef<S> t = tensor(net, kind, int(l));
      if (!t.exists()) continue;
      const Histogram& h = hists[l];
      std::uint64_t total = h.zero_count + h.outside_count + h.nonfinite_count;
      for (std::uint32_t c : h.counts) total += c;
      const std::string where = "layer " + std::to_string(l) + " " + to_string(kind) + " histogram";
      if (total != t.size) throw Failure{where + ": " + std::to_string(total) + " counted of " + std::to_string(t.size)};
      for (std::size_t b = 0; b < h.edges.size(); ++b)
        if (!std::isfinite(h.edges[b]) || (b > 0 && h.edges[b] < h.edges[b - 1]))
          throw Failure{where + ": edges not finite and non-decreasing"};
    }
  }
}

// One input through the parsers and, when accepted and small, a run. Returns whether a network ran.
bool exercise(const Input& input, bool as_given) {
  cli::Options options;
  try {
    if (input.is_json) {
      cli::apply_config_text(input.json, "fuzz.json", [&](const std::string& field, const std::string& value) {
        set_field(options.config, field, value);
      });
      validate(options.config);
    } else {
      std::vector<std::string> storage = {"layerscope"};
      storage.insert(storage.end(), input.args.begin(), input.args.end());
      std::vector<char*> argv;
      for (std::string& a : storage) argv.push_back(a.data());
      options = cli::parse_options(int(argv.size()), argv.data());
      if (!options.json_path.empty() || !options.dump_dir.empty() || options.help) return false;  // no files
    }
  } catch (const ConfigError& e) {
    check_message(e.what());
    return false;
  } catch (const cli::UsageError& e) {
    check_message(e.what());
    return false;
  } catch (const std::exception& e) {
    throw Failure{std::string("an unexpected exception from the parsers: ") + escape_for_message(e.what())};
  }
  if (!as_given && estimated_flops(options.config).total() > mutated_run_flops) return false;
  if (options.use_double) run_and_check<double>(options.config, options);
  else run_and_check<float>(options.config, options);
  return true;
}

std::string describe(const Input& input) {
  if (input.is_json) return "config JSON: " + escape_for_message(input.json);
  std::string line = "flags:";
  for (const std::string& a : input.args) line += " '" + escape_for_message(a) + "'";
  return line;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: layerscope_fuzz CORPUS_DIR [--seconds S] [--seed N]\n");
    return 2;
  }
  double seconds = 10;
  std::uint64_t seed = 1;
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--seconds") seconds = std::atof(argv[i + 1]);
    else if (flag == "--seed") seed = std::strtoull(argv[i + 1], nullptr, 10);
  }
  const std::vector<Input> corpus = load_corpus(argv[1]);
  if (corpus.empty()) {
    std::fprintf(stderr, "layerscope_fuzz: no corpus in %s (json/*.json, flags/*.args)\n", argv[1]);
    return 2;
  }
  Mutator mutator(seed);
  using clock = std::chrono::steady_clock;
  const auto start = clock::now();
  long inputs = 0, runs = 0, json_inputs = 0;
  const Input* current = nullptr;
  Input mutated;
  try {
    for (const Input& input : corpus) {  // every corpus entry as it is, reproducers included
      current = &input;
      runs += exercise(input, true);
      ++inputs;
      json_inputs += input.is_json;
    }
    while (std::chrono::duration<double>(clock::now() - start).count() < seconds) {
      mutated = corpus[mutator.below(corpus.size())];
      if (mutated.is_json) mutator.mutate_text(mutated.json);
      else mutator.mutate_args(mutated.args);
      current = &mutated;
      runs += exercise(mutated, false);
      ++inputs;
      json_inputs += mutated.is_json;
    }
  } catch (const Failure& f) {
    std::fprintf(stderr, "layerscope_fuzz: FAILED (seed %llu, input %ld): %s\n  input: %s\n",
                 static_cast<unsigned long long>(seed), inputs, f.what.c_str(), describe(*current).c_str());
    return 1;
  }
  const double elapsed = std::chrono::duration<double>(clock::now() - start).count();
  std::printf("layerscope_fuzz: %ld inputs in %.1f s (%ld config JSON, %ld flag lists; %zu corpus entries), "
              "%ld networks run, seed %llu, 0 failures\n",
              inputs, elapsed, json_inputs, inputs - json_inputs, corpus.size(), runs,
              static_cast<unsigned long long>(seed));
  return 0;
}
