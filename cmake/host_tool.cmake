# cmake/host_tool.cmake
# VaisHot::vais-hot for a build that cannot run the one it would build: a
# cross build (CMAKE_CROSSCOMPILING), whose compiler makes programs for its
# target, while the build runs vais-hot on the build machine. The command
# is then the build machine's own: the one VAIS_HOT_HOST_TOOL names (the
# vais-hot of an install for this machine), or else one this build makes
# with the build machine's compiler, in a build of its own under
# <build>/vais-hot-host that builds the command alone (VAIS_HOT_TOOL_ONLY),
# rebuilt with every build so that it follows vais-hot's sources.
# VAIS_HOT_HOST_C_COMPILER picks that compiler (default: CMake's choice for
# a build with no toolchain file, the build machine's cc).
set(VAIS_HOT_HOST_C_COMPILER "" CACHE FILEPATH
    "The build machine's C compiler, for the vais-hot command of a cross build (default: cc)")
add_executable(VaisHot::vais-hot IMPORTED GLOBAL)
if(VAIS_HOT_HOST_TOOL)
    if(NOT EXISTS "${VAIS_HOT_HOST_TOOL}" OR IS_DIRECTORY "${VAIS_HOT_HOST_TOOL}")
        message(FATAL_ERROR "vais-hot: VAIS_HOT_HOST_TOOL is '${VAIS_HOT_HOST_TOOL}', which is "
            "no file; name the vais-hot command of an install for this machine "
            "(<prefix>/bin/vais-hot), or leave it empty to build one")
    endif()
    set_target_properties(VaisHot::vais-hot PROPERTIES IMPORTED_LOCATION "${VAIS_HOT_HOST_TOOL}")
    message(STATUS "vais-hot: the build runs '${VAIS_HOT_HOST_TOOL}' (VAIS_HOT_HOST_TOOL)")
    return()
endif()

include(ExternalProject)
set(vais_hot_host "${PROJECT_BINARY_DIR}/vais-hot-host")
set(vais_hot_host_tool "${vais_hot_host}/build/tool/vais-hot${CMAKE_HOST_EXECUTABLE_SUFFIX}")
set(vais_hot_host_args -DVAIS_HOT_TOOL_ONLY=ON -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF
    -DVAIS_HOT_INSTALL=OFF)
if(VAIS_HOT_HOST_C_COMPILER)
    list(APPEND vais_hot_host_args "-DCMAKE_C_COMPILER=${VAIS_HOT_HOST_C_COMPILER}")
endif()
# One configuration, where the command's path above is: a multi-config
# tree's host build is plain Ninja.
set(vais_hot_host_generator "")
if(CMAKE_GENERATOR STREQUAL "Ninja Multi-Config")
    set(vais_hot_host_generator CMAKE_GENERATOR Ninja)
endif()
ExternalProject_Add(vais_hot_host_tool
    SOURCE_DIR "${PROJECT_SOURCE_DIR}"
    PREFIX "${vais_hot_host}"
    BINARY_DIR "${vais_hot_host}/build"
    ${vais_hot_host_generator}
    CMAKE_ARGS ${vais_hot_host_args}
    INSTALL_COMMAND ""
    BUILD_ALWAYS ON
    BUILD_BYPRODUCTS "${vais_hot_host_tool}"
    EXCLUDE_FROM_ALL ON)
set_target_properties(VaisHot::vais-hot PROPERTIES IMPORTED_LOCATION "${vais_hot_host_tool}")
# What runs the command depends on the build that makes it.
set_property(GLOBAL PROPERTY VAIS_HOT_TOOL_TARGET vais_hot_host_tool)
message(STATUS "vais-hot: a cross build: the build machine's vais-hot is built in "
    "'${vais_hot_host}' (or set VAIS_HOT_HOST_TOOL to an installed one)")
