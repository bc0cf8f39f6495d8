# cmake/install.cmake
# `cmake --install` puts the generator, the runtime, the headers and
# VaisHot.cmake where find_package(VaisHot CONFIG) finds them; the package
# config recreates the same VaisHot:: targets that add_subdirectory makes.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(VAIS_HOT_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/VaisHot")
set(vais_hot_install_targets vais_hot_abi vais_hot_api vais_hot_std_off)
if(TARGET vais_hot_os) # not where only HOT OFF programs are built
    list(APPEND vais_hot_install_targets vais_hot_os vais_hot_image)
endif()
# The command builds run, if it is ours: a cross build runs the build
# machine's, and installs none (the one its suite tests is not installed).
get_target_property(vais_hot_tool VaisHot::vais-hot ALIASED_TARGET)
if(vais_hot_tool STREQUAL "vais-hot")
    list(APPEND vais_hot_install_targets vais-hot)
endif()
if(TARGET vais_hot_runtime)
    list(APPEND vais_hot_install_targets vais_hot_runtime vais_hot_std)
endif()
# Three components: tool (the vais-hot command), runtime (the static
# libraries a program links) and development (headers, the package config
# and VaisHot.cmake); a plain `cmake --install` installs all three.
install(TARGETS ${vais_hot_install_targets} EXPORT VaisHotTargets
    RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT tool
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT runtime)
install(DIRECTORY include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
    COMPONENT development)
install(EXPORT VaisHotTargets NAMESPACE VaisHot:: DESTINATION ${VAIS_HOT_INSTALL_CMAKEDIR}
    COMPONENT development)
install(FILES LICENSE DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT development)

configure_package_config_file(cmake/VaisHotConfig.cmake.in
    "${PROJECT_BINARY_DIR}/VaisHotConfig.cmake"
    INSTALL_DESTINATION ${VAIS_HOT_INSTALL_CMAKEDIR})
write_basic_package_version_file("${PROJECT_BINARY_DIR}/VaisHotConfigVersion.cmake"
    COMPATIBILITY SameMinorVersion)
install(FILES "${PROJECT_BINARY_DIR}/VaisHotConfig.cmake"
    "${PROJECT_BINARY_DIR}/VaisHotConfigVersion.cmake" cmake/VaisHot.cmake
    DESTINATION ${VAIS_HOT_INSTALL_CMAKEDIR} COMPONENT development)
