# FindCHOLMOD: SuiteSparse's sparse Cholesky, looked up once for every agent that uses it.
# Honours SCIAGENTS_USE_CHOLMOD (OFF: CHOLMOD_FOUND is false and nothing is searched).
# Sets CHOLMOD_FOUND, CHOLMOD_INCLUDE_DIR, CHOLMOD_LIBRARY and the imported target CHOLMOD::CHOLMOD
# (the library only: users put CHOLMOD_INCLUDE_DIR on the one source file that includes cholmod.h,
# so its generic header names, e.g. amd.h, stay off the include path of everything else).
if(DEFINED SCIAGENTS_USE_CHOLMOD AND NOT SCIAGENTS_USE_CHOLMOD)
  set(CHOLMOD_FOUND FALSE)
  return()
endif()
find_path(CHOLMOD_INCLUDE_DIR cholmod.h PATH_SUFFIXES suitesparse)
find_library(CHOLMOD_LIBRARY cholmod)
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(CHOLMOD REQUIRED_VARS CHOLMOD_LIBRARY CHOLMOD_INCLUDE_DIR)
mark_as_advanced(CHOLMOD_INCLUDE_DIR CHOLMOD_LIBRARY)
if(CHOLMOD_FOUND AND NOT TARGET CHOLMOD::CHOLMOD)
  add_library(CHOLMOD::CHOLMOD UNKNOWN IMPORTED)
  set_target_properties(CHOLMOD::CHOLMOD PROPERTIES IMPORTED_LOCATION "${CHOLMOD_LIBRARY}")
endif()
