# aviary_module(NAME SOURCES ... DEPS ...): the static library aviary_<NAME> for src/<NAME>.
function(aviary_module name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(aviary_${name} STATIC ${ARG_SOURCES})
  target_include_directories(aviary_${name} PUBLIC ${PROJECT_SOURCE_DIR}/include PRIVATE ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(aviary_${name} PUBLIC nlohmann_json::nlohmann_json Threads::Threads ${ARG_DEPS})
endfunction()

# aviary_test(NAME LABEL SOURCES ... DEPS ...): a GoogleTest binary registered with ctest under LABEL
# (unit | integration | e2e). Integration and e2e tests read the servers from the environment that
# `hack/cluster.sh env` prints.
function(aviary_test name)
  cmake_parse_arguments(ARG "" "LABEL;TIMEOUT" "SOURCES;DEPS" ${ARGN})
  if(NOT ARG_LABEL)
    set(ARG_LABEL unit)
  endif()
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 120)
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/include ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/tests)
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  add_test(NAME ${name} COMMAND ${name} --gtest_color=no)
  set_tests_properties(${name} PROPERTIES LABELS ${ARG_LABEL} TIMEOUT ${ARG_TIMEOUT}
    ENVIRONMENT "AVIARY_SOURCE_DIR=${PROJECT_SOURCE_DIR};AVIARY_BINARY_DIR=${PROJECT_BINARY_DIR}")
endfunction()
