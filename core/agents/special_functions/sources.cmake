# special_functions agent: Boost.Math (header-only) split by family to keep each TU small;
# FFT through Eigen's unsupported FFT module (kissfft backend).
target_sources(sciagents_core PRIVATE
  agents/special_functions/special_functions_agent.cpp
  agents/special_functions/sf_registry.cpp
  agents/special_functions/sf_gamma.cpp
  agents/special_functions/sf_exp.cpp
  agents/special_functions/sf_bessel.cpp
  agents/special_functions/sf_poly.cpp
  agents/special_functions/sf_hyper.cpp
  agents/special_functions/task_evaluate.cpp
  agents/special_functions/task_fft.cpp
)
target_link_libraries(sciagents_core PRIVATE Boost::headers)
# GCC 12 reports a false -Warray-bounds inside Boost's pFq series (std::sort over a 5-element
# table, inlined into our TU): silence it for this one file only.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  set_source_files_properties(agents/special_functions/sf_hyper.cpp TARGET_DIRECTORY sciagents_core
    PROPERTIES COMPILE_OPTIONS "-Wno-array-bounds")
endif()
