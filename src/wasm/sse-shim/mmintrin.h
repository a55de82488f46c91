/* Empty on purpose. Emscripten 3.1.6 ships xmmintrin.h/emmintrin.h (SSE on top of wasm SIMD128) but no
   mmintrin.h, which they include; Eigen needs nothing from MMX. See src/wasm/CMakeLists.txt. */
#pragma once
