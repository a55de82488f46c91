// Exact order statistics and numpy's linear percentiles (stats_order.cpp), shared by summarize() and
// percentile(). Internal to the statistics; stats.hpp is the interface.
#pragma once

#include <cstddef>

#include "stats.hpp"

namespace layerscope::stats_detail {

// Fills s.percentiles (summary_percentiles) from the tensor whose summary s already holds the finite count,
// zeros, min and max (at least one finite value), and sets has_percentiles.
template <typename S>
void fill_percentiles(TensorSummary& s, const S* data, std::size_t n);

// The same for `count` arbitrary percentiles qs (0..100) into out.
template <typename S>
void linear_percentiles(double* out, const double* qs, int count, const TensorSummary& s, const S* data,
                        std::size_t n);

}  // namespace layerscope::stats_detail
