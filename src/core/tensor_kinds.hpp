#pragma once
// What each tensor kind is called, beside its name (report.cpp holds the one table): the words the page's
// controls, captions, compact histograms and sentences use, so that no page file writes them again.

#include "report.hpp"

namespace layerscope {

struct TensorKindWords {
  const char* label;        // a control's and a caption's name: "pre-activation p"
  const char* short_label;  // a compact histogram's: "p"
  const char* words;        // in a sentence, plural: "pre-activations p"
  bool forward;             // a forward-pass tensor (false: a gradient)
};

const TensorKindWords& tensor_kind_words(TensorKind kind);

}  // namespace layerscope
