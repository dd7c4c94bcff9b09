# Tools link against libMLIR.so by default, which keeps 2-core builds quick.
# With FFNC_STATIC_TOOLS they link the static MLIR and LLVM archives instead,
# so that the binaries run on a machine without LLVM (e.g. a GPU box).

if(FFNC_STATIC_TOOLS)
  set(MLIR_LINK_MLIR_DYLIB OFF)
  set(LLVM_LINK_LLVM_DYLIB OFF)
  # Debian's static MLIR archives name libLLVM.so as their LLVM dependency;
  # point them at the static LLVM component archives instead.
  llvm_map_components_to_libnames(FFNC_STATIC_LLVM_LIBS
    Support Core BinaryFormat Remarks BitReader BitWriter IRReader AsmParser
    TargetParser Demangle FrontendOpenMP FrontendOffloading Passes
    TransformUtils Analysis Linker MC MCParser Object ProfileData
    ${LLVM_TARGETS_TO_BUILD})
  get_property(ffnc_mlir_libs GLOBAL PROPERTY MLIR_ALL_LIBS)
  foreach(lib ${ffnc_mlir_libs})
    if(TARGET ${lib})
      get_target_property(deps ${lib} INTERFACE_LINK_LIBRARIES)
      if(deps)
        list(TRANSFORM deps REPLACE "^LLVM$" "${FFNC_STATIC_LLVM_LIBS}")
        list(TRANSFORM deps REPLACE "^\\$<LINK_ONLY:LLVM>$" "${FFNC_STATIC_LLVM_LIBS}")
        set_target_properties(${lib} PROPERTIES INTERFACE_LINK_LIBRARIES "${deps}")
      endif()
    endif()
  endforeach()
  set(CMAKE_EXE_LINKER_FLAGS "${CMAKE_EXE_LINKER_FLAGS} -static-libstdc++ -static-libgcc")
else()
  set(MLIR_LINK_MLIR_DYLIB ON)
endif()

# ffnc_add_library(name sources... [DEPENDS targets...] [LIBS ffnc libs...]
#                   [MLIR_LIBS mlir libs...])
# MLIR libraries go through mlir_target_link_libraries so that a dylib build
# never mixes static MLIR archives with libMLIR.so.
function(ffnc_add_library name)
  cmake_parse_arguments(ARG "" "" "DEPENDS;LIBS;MLIR_LIBS" ${ARGN})
  add_mlir_library(${name} ${ARG_UNPARSED_ARGUMENTS}
    EXCLUDE_FROM_LIBMLIR DISABLE_INSTALL
    DEPENDS ${ARG_DEPENDS}
    LINK_LIBS PUBLIC ${ARG_LIBS})
  mlir_target_link_libraries(${name} PUBLIC ${ARG_MLIR_LIBS})
endfunction()

# ffnc_add_tool(name sources... [LIBS ffnc libs...] [MLIR_LIBS mlir libs...])
function(ffnc_add_tool name)
  cmake_parse_arguments(ARG "" "" "LIBS;MLIR_LIBS" ${ARGN})
  add_llvm_executable(${name} ${ARG_UNPARSED_ARGUMENTS})
  llvm_update_compile_flags(${name})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS})
  mlir_target_link_libraries(${name} PRIVATE ${ARG_MLIR_LIBS})
  install(TARGETS ${name} RUNTIME DESTINATION bin)
endfunction()
