# cmake/VaisHot.cmake
# vais_add_hot_executable() makes a program whose #[hot] functions reload
# while it runs; vais_target_hot_sources() makes files of an existing
# executable its reloadable part. Included by vais-hot's own CMakeLists.txt
# and by the package config; expects the VaisHot:: targets to exist (built
# or imported).
include_guard(GLOBAL)

#[=======================================================================[
vais_add_hot_executable(<name>
    SOURCES       <file>...        # the static core: never reloaded, owns the state
    HOT_SOURCES   <file>...        # files with #[hot] functions: reloadable
    [LINK_LIBRARIES <item>...]     # linked into the core; hot code uses them there
    [HOT ON|OFF])                  # default ON; OFF for Release and MinSizeRel

Makes <name>, the executable (the core, the generated stubs and the
runtime), and <name>_hot, the shared library (the hot sources and the
generated table). Building <name> builds both; after each successful link of
<name>_hot a stamp file beside it tells the running program to reload.
With HOT OFF, <name> is one plain executable with direct calls and
<name>_hot a target that builds nothing. It is add_executable(<name>
SOURCES), target_link_libraries(<name> PRIVATE LINK_LIBRARIES), then
vais_target_hot_sources(<name> HOT_SOURCES).

vais_target_hot_sources(<target> [HOT ON|OFF] <file>...)

Makes <file>... the reloadable part of <target>, an executable made by
add_executable (listing them there or not), with everything it has: its
properties, options and install rules stay, its include directories,
compile definitions, options and C standard reach <target>_hot too, as do
those of what it links, whenever the target gets them (also after this
call, in this directory, with target_link_libraries in either form).

Every library the core links is linked into <name> only; <name>_hot takes
the include directories, definitions, options and features of each target
among them, and links none. So each library exists once in the process,
and hot code calls the core's copy and sees its state. A static library
among them (a STATIC target, imported or not, an UNKNOWN imported one whose
file is a .a with CMake 3.24 or later, or a path to a .a) is linked whole,
so that hot code may call any of its functions, also after an edit; one
that comes through another library gives the core each function hot code
calls when it is built. Link flags and generator expressions go to both
halves.
#]=======================================================================]
function(vais_add_hot_executable name)
    set(fn "vais_add_hot_executable")
    cmake_parse_arguments(PARSE_ARGV 1 arg "" "HOT" "SOURCES;HOT_SOURCES;LINK_LIBRARIES")
    if(arg_UNPARSED_ARGUMENTS)
        message(FATAL_ERROR "${fn}(${name}): unknown argument(s) '${arg_UNPARSED_ARGUMENTS}'; "
            "the keywords are SOURCES, HOT_SOURCES, LINK_LIBRARIES and HOT")
    endif()
    # A misspelt keyword after a list keyword lands in that list: catch it
    # there, before it is taken for a file.
    foreach(value IN LISTS arg_SOURCES arg_HOT_SOURCES)
        if(value MATCHES "^[A-Z][A-Z0-9_]*$" AND NOT EXISTS "${CMAKE_CURRENT_SOURCE_DIR}/${value}")
            message(FATAL_ERROR "${fn}(${name}): unknown keyword '${value}'; the keywords are "
                "SOURCES, HOT_SOURCES, LINK_LIBRARIES and HOT")
        endif()
    endforeach()
    if(arg_KEYWORDS_MISSING_VALUES)
        message(FATAL_ERROR "${fn}(${name}): '${arg_KEYWORDS_MISSING_VALUES}' given without "
            "a value; list files after SOURCES/HOT_SOURCES, libraries after LINK_LIBRARIES, "
            "ON or OFF after HOT")
    endif()
    _vais_hot_check_name("${fn}" "${name}")
    if(TARGET ${name} OR TARGET ${name}_hot)
        message(FATAL_ERROR "${fn}(${name}): a target '${name}' or '${name}_hot' already "
            "exists; choose another name")
    endif()
    if(NOT arg_SOURCES)
        message(FATAL_ERROR "${fn}(${name}): SOURCES is missing; list the files of the core, "
            "the one with main() among them, e.g. SOURCES main.c")
    endif()
    if(NOT arg_HOT_SOURCES)
        message(FATAL_ERROR "${fn}(${name}): HOT_SOURCES is missing; list the files that "
            "hold #[hot] functions, e.g. HOT_SOURCES update.c")
    endif()
    foreach(src IN LISTS arg_HOT_SOURCES)
        cmake_path(ABSOLUTE_PATH src BASE_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}" NORMALIZE
            OUTPUT_VARIABLE abs)
        foreach(core_src IN LISTS arg_SOURCES)
            cmake_path(ABSOLUTE_PATH core_src BASE_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}"
                NORMALIZE OUTPUT_VARIABLE core_abs)
            if(core_abs STREQUAL abs)
                message(FATAL_ERROR "${fn}(${name}): '${src}' is in both SOURCES and "
                    "HOT_SOURCES; a file belongs to the core or to the hot library, not both")
            endif()
        endforeach()
    endforeach()
    _vais_hot_check_hot("${fn}(${name})" arg_HOT)
    add_executable(${name} ${arg_SOURCES})
    if(arg_LINK_LIBRARIES)
        target_link_libraries(${name} PRIVATE ${arg_LINK_LIBRARIES})
    endif()
    _vais_hot_make("${fn}(${name})" ${name} "${arg_HOT}" ${arg_HOT_SOURCES})
endfunction()

function(vais_target_hot_sources target)
    set(fn "vais_target_hot_sources(${target})")
    cmake_parse_arguments(PARSE_ARGV 1 arg "" "HOT" "")
    if(NOT TARGET ${target})
        message(FATAL_ERROR "${fn}: there is no target '${target}'; call it after "
            "add_executable(${target} ...)")
    endif()
    get_target_property(type ${target} TYPE)
    get_target_property(imported ${target} IMPORTED)
    get_target_property(aliased ${target} ALIASED_TARGET)
    if(NOT type STREQUAL "EXECUTABLE" OR imported OR aliased)
        message(FATAL_ERROR "${fn}: '${target}' is not an executable this project builds; hot "
            "sources belong to one made by add_executable")
    endif()
    get_target_property(already ${target} VAIS_HOT)
    if(NOT already STREQUAL "already-NOTFOUND")
        message(FATAL_ERROR "${fn}: '${target}' has its hot sources already; list them all in "
            "one call")
    endif()
    _vais_hot_check_name("vais_target_hot_sources" "${target}")
    if(TARGET ${target}_hot)
        message(FATAL_ERROR "${fn}: a target '${target}_hot' already exists; it is the name "
            "of the hot library")
    endif()
    if(NOT arg_UNPARSED_ARGUMENTS)
        message(FATAL_ERROR "${fn}: no files given; list the files that hold #[hot] "
            "functions, e.g. vais_target_hot_sources(${target} update.c)")
    endif()
    _vais_hot_check_hot("${fn}" arg_HOT)
    # The target loses the hot sources it lists: they become the library's.
    set(hot_abs "")
    foreach(src IN LISTS arg_UNPARSED_ARGUMENTS)
        cmake_path(ABSOLUTE_PATH src BASE_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}" NORMALIZE
            OUTPUT_VARIABLE abs)
        list(APPEND hot_abs "${abs}")
    endforeach()
    get_target_property(target_dir ${target} SOURCE_DIR)
    get_target_property(sources ${target} SOURCES)
    set(kept "")
    foreach(src IN LISTS sources)
        cmake_path(ABSOLUTE_PATH src BASE_DIRECTORY "${target_dir}" NORMALIZE
            OUTPUT_VARIABLE abs)
        if(NOT abs IN_LIST hot_abs)
            list(APPEND kept "${src}")
        endif()
    endforeach()
    set_property(TARGET ${target} PROPERTY SOURCES "${kept}")
    _vais_hot_make("${fn}" ${target} "${arg_HOT}" ${arg_UNPARSED_ARGUMENTS})
endfunction()

# The program's name names it in its hot library: it must be a C identifier.
function(_vais_hot_check_name fn name)
    if(NOT name MATCHES "^[A-Za-z_][A-Za-z0-9_]*$")
        message(FATAL_ERROR "${fn}(${name}): the name must be a C identifier "
            "(letters, digits, '_'), since it names the program in its hot library")
    endif()
endfunction()

# Checks HOT's value in the variable named var, if given: ON, OFF, or a
# generator expression on the configuration, e.g. $<CONFIG:Debug>.
function(_vais_hot_check_hot where var)
    if(DEFINED ${var} AND
       NOT ${var} MATCHES "^(ON|OFF|TRUE|FALSE|YES|NO|1|0|on|off|true|false|yes|no)$" AND
       NOT ${var} MATCHES "^\\$<.*>$")
        message(FATAL_ERROR "${where}: HOT takes ON or OFF (or a generator expression such as "
            "$<CONFIG:Debug>), not '${${var}}'")
    endif()
endfunction()

# Makes the existing executable name hot, with its hot sources ARGN (as
# given, relative to this directory), HOT as given or "" for the build
# type's; where names the call in messages.
function(_vais_hot_make where name hot)
    set(fn "${where}")
    # HOT: ON unless the build type is one meant to ship (named in any case,
    # as CMake reads build types). A multi-config generator's tree builds
    # every configuration, so there HOT is a condition on the configuration
    # (also given so: HOT $<CONFIG:Debug>), and `on` the generator
    # expression of it; else `on` is 1 or 0.
    string(TOUPPER "${CMAKE_BUILD_TYPE}" build_type)
    get_property(multi GLOBAL PROPERTY GENERATOR_IS_MULTI_CONFIG)
    set(on "")
    if(hot MATCHES "\\$<")
        set(on "$<BOOL:${hot}>")
        set(why "HOT ${hot} given")
    elseif(hot STREQUAL "" AND NOT TARGET VaisHot::runtime)
        # Where no runtime is built, a program not told otherwise is plain.
        set(hot OFF)
        set(why "no runtime for ${CMAKE_SYSTEM_NAME} on '${CMAKE_SYSTEM_PROCESSOR}' yet")
    elseif(hot STREQUAL "" AND multi)
        set(on "$<NOT:$<CONFIG:Release,MinSizeRel>>")
        set(why "a multi-config tree: Release and MinSizeRel are plain programs")
    elseif(hot STREQUAL "")
        if(build_type MATCHES "^(RELEASE|MINSIZEREL)$")
            set(hot OFF)
            set(why "build type '${CMAKE_BUILD_TYPE}', which ships")
        else()
            set(hot ON)
            if(CMAKE_BUILD_TYPE)
                set(why "build type '${CMAKE_BUILD_TYPE}'")
            else()
                set(why "no build type")
            endif()
        endif()
    else()
        set(why "HOT ${hot} given")
    endif()
    if(on STREQUAL "")
        if(hot)
            set(on 1)
            set(hot ON)
        else()
            set(on 0)
            set(hot OFF)
        endif()
    else()
        set(hot PER_CONFIG)
    endif()
    if(NOT TARGET VaisHot::runtime AND NOT hot STREQUAL "OFF")
        message(FATAL_ERROR "${fn}: ${why}, but HOT ON is not available on ${CMAKE_SYSTEM_NAME} "
            "for processor '${CMAKE_SYSTEM_PROCESSOR}' yet (Linux on x86_64, aarch64 and riscv64, "
            "and Windows on x86_64 built with mingw-w64 on Linux, only); pass HOT OFF for a plain "
            "program")
    endif()
    if(hot STREQUAL "PER_CONFIG")
        message(STATUS "vais-hot: ${name}: HOT per configuration, hot ones reload (${why})")
    elseif(hot)
        message(STATUS "vais-hot: ${name}: HOT ON, #[hot] functions reload (${why})")
    else()
        message(STATUS "vais-hot: ${name}: HOT OFF, one plain program with direct calls (${why})")
    endif()

    # Hot sources: absolute, existing, once each, each with its unit.
    set(gen_dir "${CMAKE_CURRENT_BINARY_DIR}/vais_hot/${name}")
    _vais_hot_units("${fn}" "${gen_dir}" "${hot}" ${ARGN})

    set(gen_target "${name}_vais_hot_gen")
    _vais_hot_gen("${name}" "${gen_dir}" "${hot}" "${hot_sources}" "${unit_args}" outputs)
    set(stubs "${gen_dir}/stubs.c")
    set(table "${gen_dir}/table.c")
    set(unmarked "${gen_dir}/unmarked.txt")
    if(hot STREQUAL "PER_CONFIG")
        add_custom_command(
            OUTPUT ${plain_units}
            COMMAND "$<TARGET_FILE:VaisHot::vais-hot>" gen --program "${name}" ${plain_unit_args}
            DEPENDS ${hot_sources} VaisHot::vais-hot
            COMMENT "vais-hot: scanning hot sources of '${name}' (plain configurations)"
            VERBATIM)
        list(APPEND outputs ${plain_units})
    endif()
    # One target owns the generated files, so that both halves, built in
    # parallel, never run the generator twice. In a cross build it waits
    # for the build machine's vais-hot (cmake/host_tool.cmake).
    add_custom_target(${gen_target} DEPENDS ${outputs})
    get_property(tool_target GLOBAL PROPERTY VAIS_HOT_TOOL_TARGET)
    if(tool_target)
        add_dependencies(${gen_target} ${tool_target})
    endif()
    # How one target is built while the user edits, the command without
    # its target, decided here alone: Ninja itself where it is the
    # generator, which saves cmake's start-up on every save; the portable
    # cmake --build elsewhere. A multi-config tree builds the program's own
    # configuration. hot_start's rebuild (the stubs) and `vais-hot watch`
    # (the description) both run it.
    if(CMAKE_GENERATOR STREQUAL "Ninja")
        set(build_command "${CMAKE_MAKE_PROGRAM}" -C "${CMAKE_BINARY_DIR}")
    elseif(multi)
        set(build_command "${CMAKE_COMMAND}" --build "${CMAKE_BINARY_DIR}" --config "$<CONFIG>"
            --target)
    else()
        set(build_command "${CMAKE_COMMAND}" --build "${CMAKE_BINARY_DIR}" --target)
    endif()
    if(hot STREQUAL "PER_CONFIG")
        _vais_hot_describe("${name}" "$<IF:${on},ON,OFF>" "${gen_dir}" "${hot_sources}" "${units}"
            "${build_command}" description)
    else()
        _vais_hot_describe("${name}" "${hot}" "${gen_dir}" "${hot_sources}" "${units}"
            "${build_command}" description)
    endif()
    _vais_hot_ide_sources("${name}" "${hot}" "${hot_sources}")

    # The core's own links are the user's, in whichever form of
    # target_link_libraries they use: vais-hot's go in by the property.
    if(NOT hot)
        target_sources(${name} PRIVATE ${units})
        add_dependencies(${name} ${gen_target})
        set_property(TARGET ${name} APPEND PROPERTY LINK_LIBRARIES VaisHot::std_off)
        add_custom_target(${name}_hot COMMENT "vais-hot: '${name}' is built with HOT OFF; nothing to reload")
        set_target_properties(${name} PROPERTIES VAIS_HOT OFF)
        return()
    endif()

    add_library(${name}_hot SHARED ${units} "${table}")
    add_dependencies(${name}_hot ${gen_target})
    _vais_hot_library(${name}_hot)
    _vais_hot_color(${name}_hot)
    _vais_hot_color(${name})
    if(WIN32)
        _vais_hot_windows("${fn}" ${name} "${gen_dir}" "${on}" "${multi}")
    else()
        _vais_hot_elf_links(${name} "${description}" "${gen_dir}" "${on}" "${multi}")
    endif()
    _vais_hot_stamp(${name}_hot)

    # A configuration that is not hot has its plain units where the stubs go.
    target_sources(${name} PRIVATE "$<${on}:${stubs}>")
    if(hot STREQUAL "PER_CONFIG")
        target_sources(${name} PRIVATE "$<$<NOT:${on}>:${plain_units}>")
    endif()
    add_dependencies(${name} ${gen_target} ${name}_hot)
    set_target_properties(${name} PROPERTIES ENABLE_EXPORTS ON VAIS_HOT ON)
    set_property(TARGET ${name} APPEND PROPERTY LINK_LIBRARIES
        "$<IF:${on},VaisHot::std,VaisHot::std_off>")
    # All of the API, which hot code calls in the core: also a function of
    # it that hot code first calls in an edit the running program loads.
    target_link_options(${name} PRIVATE "$<${on}:LINKER:--whole-archive,$<TARGET_FILE:VaisHot::std>,--no-whole-archive>")
    # What the core is compiled with and links reaches the hot library once
    # the directory is done with the core: calls after this one count too.
    # (A deferred call reads its arguments when it runs: name goes in now.)
    cmake_language(EVAL CODE "cmake_language(DEFER CALL _vais_hot_share [[${name}]])")
    # The runtime refuses a build whose types shared with the core changed
    # layout; it reads both halves' layouts from their debug information.
    target_compile_options(${name} PRIVATE $<$<AND:$<COMPILE_LANGUAGE:C,CXX>,${on}>:-g>)
    # The core's summary (written after its link) names the core's build ID,
    # which most toolchains write anyway: a start reads the summary only
    # when the ID is its own.
    target_link_options(${name} PRIVATE "$<${on}:LINKER:--build-id>")
    # When the core's link fails because it calls a function a hot source
    # defines without its marker, `vais-hot link` names each one (see
    # tool/link.h). A launcher, not an input: a new helper in a hot
    # source relinks nothing, and a link that succeeds is left alone.
    _vais_hot_tool_path(tool)
    if(tool)
        get_target_property(launcher ${name} C_LINKER_LAUNCHER)
        set(ours "${tool}" link "${unmarked}" --)
        if(launcher) # the user's own launcher runs the link under ours
            list(APPEND ours ${launcher})
        endif()
        set_target_properties(${name} PROPERTIES C_LINKER_LAUNCHER "${ours}")
    endif()
    # After the core's link, its summary, so that each start reads that, not
    # its debug information (which takes long for a large core); where the
    # hot library's imports are not checked by its own link (ELF), first a
    # check that the core exports them.
    # (A plain configuration's description says HOT OFF: check passes it.)
    set(after_core "")
    if(NOT WIN32)
        set(after_core COMMAND "$<TARGET_FILE:VaisHot::vais-hot>" check "${description}" --after-core)
    endif()
    add_custom_command(TARGET ${name} POST_BUILD
        ${after_core}
        COMMAND "$<TARGET_FILE:VaisHot::vais-hot>" summarize "${description}"
        VERBATIM)

    # Machine paths reach the stubs as definitions, never as generated text;
    # as the program will open them (a Windows one built on Linux runs under
    # Wine, whose drive Z: is the Linux root).
    set(run_prefix "")
    if(WIN32 AND CMAKE_HOST_UNIX)
        set(run_prefix "Z:")
    endif()
    set(run_sources ${hot_sources})
    set(run_units ${units})
    list(TRANSFORM run_sources PREPEND "${run_prefix}")
    list(TRANSFORM run_units PREPEND "${run_prefix}")
    _vais_hot_c_strings(quoted_sources ${run_sources})
    _vais_hot_c_strings(quoted_units ${run_units})
    # hot_start's rebuild: the build command, of the hot library.
    _vais_hot_c_strings(rebuild ${build_command} "${name}_hot")
    # The stubs are assembly that calls the lazy entry: a link-time
    # optimiser, if the project uses one, would not see what they define.
    set_source_files_properties("${stubs}" PROPERTIES GENERATED TRUE
        COMPILE_OPTIONS "$<$<C_COMPILER_ID:GNU,Clang,AppleClang>:-fno-lto>" COMPILE_DEFINITIONS
        "VAIS_HOT_LIBRARY=\"${run_prefix}$<TARGET_FILE:${name}_hot>\";VAIS_HOT_SOURCES=${quoted_sources};VAIS_HOT_UNITS=${quoted_units};VAIS_HOT_REBUILD=${rebuild};VAIS_HOT_PATH_PREFIX=\"${run_prefix}\"")
endfunction()

# Sets out to the needs file of the program generating into gen_dir (ELF):
# what `vais-hot needs` writes for the core's link, one per configuration
# under a multi-config generator ($<CONFIG> in it).
function(_vais_hot_needs_file gen_dir out)
    get_property(multi GLOBAL PROPERTY GENERATOR_IS_MULTI_CONFIG)
    if(multi)
        set(${out} "${gen_dir}/needs-$<CONFIG>.rsp" PARENT_SCOPE)
    else()
        set(${out} "${gen_dir}/needs.rsp" PARENT_SCOPE)
    endif()
endfunction()

# How the halves of a hot program find each other on ELF systems, for
# _vais_hot_make: the hot library is linked with undefined symbols, which
# the core resolves at load. After each link of the library, `vais-hot
# check` fails the build by name if it needs a symbol the core hides, and
# `vais-hot needs` writes what it needs from elsewhere as the core's link
# options (but what a shared library it links gives, looked for also in the
# compiler's implicit link directories, as the dynamic loader will find
# that there), before the stamp lands (and check runs again after the core
# links, which a first build does last).
function(_vais_hot_elf_links name description gen_dir on multi)
    _vais_hot_needs_file("${gen_dir}" needs)
    add_custom_command(TARGET ${name}_hot POST_BUILD
        COMMAND "$<TARGET_FILE:VaisHot::vais-hot>" check "${description}"
        COMMAND "$<TARGET_FILE:VaisHot::vais-hot>" needs "$<TARGET_FILE:${name}_hot>" "${needs}"
                ${CMAKE_C_IMPLICIT_LINK_DIRECTORIES}
        BYPRODUCTS "${needs}"
        VERBATIM)
    # Hot code calls back into the core (its functions and globals) by name,
    # and into the shared libraries the core links, which the hot library
    # may not link itself (a static library's dependencies): the core keeps
    # each one even when it calls nothing of it (--as-needed is a default).
    target_link_options(${name} PRIVATE "$<${on}:LINKER:--no-as-needed>")
    # Each symbol hot code needs is one the core's link must resolve, so a
    # static library it reaches (also through another library or an
    # INTERFACE target) gives the core that function, once. The file is
    # replaced only when the needs change; it exists before the first link.
    if(multi)
        foreach(config IN LISTS CMAKE_CONFIGURATION_TYPES)
            string(REPLACE "$<CONFIG>" "${config}" file "${needs}")
            if(NOT EXISTS "${file}")
                file(WRITE "${file}" "")
            endif()
        endforeach()
    elseif(NOT EXISTS "${needs}")
        file(WRITE "${needs}" "")
    endif()
    target_link_options(${name} PRIVATE "$<${on}:@${needs}>")
    set_property(TARGET ${name} APPEND PROPERTY LINK_DEPENDS "${needs}")
endfunction()

# How the halves of a hot program find each other on Windows (mingw-w64),
# for _vais_hot_make: a DLL cannot leave a symbol undefined, so the hot
# library links an import library of the core's executable, which dlltool
# makes from the core's objects and vais-hot's libraries before the core
# links (the core still builds after its hot library, so that building it
# builds both, and an edit of a hot body relinks the DLL alone). The core
# exports every symbol, as its import library says it does; mingw-w64's
# linker reaches the core's variables through the import address table
# (auto-import). The hot library's own link then fails by name on what the
# core does not define. Only Ninja's generators see a file of one target
# (the core's objects) as an input of another's command.
function(_vais_hot_windows fn name gen_dir on multi)
    if(NOT CMAKE_GENERATOR MATCHES "^Ninja")
        message(FATAL_ERROR "${fn}: a hot program for Windows is built with Ninja or Ninja "
            "Multi-Config so far, and this build uses '${CMAKE_GENERATOR}' (pass -G Ninja, or "
            "HOT OFF)")
    endif()
    if(NOT CMAKE_DLLTOOL)
        message(FATAL_ERROR "${fn}: no dlltool, which makes the import library of '${name}' "
            "(set CMAKE_DLLTOOL, e.g. to x86_64-w64-mingw32-dlltool)")
    endif()
    if(multi)
        set(imports "${gen_dir}/$<CONFIG>/lib${name}_core.dll.a")
    else()
        set(imports "${gen_dir}/lib${name}_core.dll.a")
    endif()
    # Made once the static libraries the core links are known (the command:
    # _vais_hot_import_library, from _vais_hot_share).
    set_target_properties(${name} PROPERTIES VAIS_HOT_IMPORTS "${imports}")
    # The command's owner; the hot library's link takes its file, and must
    # not wait for this target, which waits for the core's objects, which
    # wait for the hot library's generated files.
    add_custom_target(${name}_vais_hot_imports DEPENDS "${imports}")
    target_link_libraries(${name}_hot PRIVATE "${imports}")
    target_link_options(${name} PRIVATE "$<${on}:LINKER:--export-all-symbols>")
    # The import library lists every function of the runtime too (the API
    # is whole in every core): the core has them all.
    target_link_options(${name} PRIVATE "$<${on}:LINKER:--whole-archive,$<TARGET_FILE:VaisHot::runtime>,--no-whole-archive>")
endfunction()

# The import library imports of a Windows core name, which exports every
# symbol (_vais_hot_windows): dlltool makes it from the core's objects,
# vais-hot's libraries, and the static libraries the core links whole and
# the object libraries it links (ARGN), before the core links.
function(_vais_hot_import_library name imports)
    set(archives "$<TARGET_FILE:VaisHot::std>" "$<TARGET_FILE:VaisHot::runtime>" ${ARGN})
    # dlltool leaves two empty files in TMPDIR at each run: a directory of
    # the command's own takes them, and goes.
    set(scratch "${imports}.tmp")
    add_custom_command(OUTPUT "${imports}"
        COMMAND "${CMAKE_COMMAND}" -E make_directory "${scratch}"
        COMMAND "${CMAKE_COMMAND}" -E env "TMPDIR=${scratch}"
                "${CMAKE_DLLTOOL}" --export-all-symbols -D "$<TARGET_FILE_NAME:${name}>"
                -l "${imports}" "$<TARGET_OBJECTS:${name}>" ${archives}
        COMMAND "${CMAKE_COMMAND}" -E rm -rf "${scratch}"
        DEPENDS "$<TARGET_OBJECTS:${name}>" ${archives}
        COMMENT "vais-hot: the import library of '${name}', for its hot library"
        COMMAND_EXPAND_LISTS VERBATIM)
endfunction()

# At the end of the directory that made <name> hot (cmake_language(DEFER)),
# when <name> has all its properties and libraries: gives <name>_hot what
# compiling needs of <name> itself (its include directories, definitions,
# options, features and C standard), and of the libraries it links. Those
# are linked into <name> only, and each static library among them whole as
# well (once, before the objects), so that every function in it is there
# and exported for hot code to call, also one that only a later edit calls
# (and, for a Windows core, is in the import library its hot DLL links).
# <name>_hot links no library (hot code uses the core's, and the core links
# every shared one it is given, used or not): of each target it takes the
# include directories, definitions, options and features, transitively,
# and no code. A static library is a STATIC target, an UNKNOWN (imported)
# one whose file is a .a (CMake 3.24 and later), or a path to a .a. Static
# libraries the items bring with them (a STATIC target's own links, an
# INTERFACE target's) are linked as CMake links them, and the core's needs
# file (vais-hot needs) makes the link take from them each function hot
# code calls; a Windows core, which has none, links those whole too, as
# far as the targets defined by the end of the directory tell.
#
# LINK_LIBRARIES records target_link_libraries' debug and optimized items
# as $<$<CONFIG:...>:item> and $<$<NOT:$<CONFIG:...>>:item>, a target as
# $<TARGET_NAME:item>, and calls from another directory between ::@ marks;
# each is read back as what was given. A target's TYPE is read at generate
# time, as the target may be defined later still. $<TARGET_PROPERTY:x,...>
# is an error unless x is a target and $<TARGET_EXISTS:x> unless x is spelt
# as one, and only $<cond:...> leaves its text unevaluated ($<IF>, $<AND> and
# $<OR> evaluate every argument): so only items spelt as a target are looked
# up, each lookup behind a $<cond:>. Link flags and generator expressions,
# which cannot be looked into, go to both halves as given; other items (-l
# flags and paths) to the core only.
function(_vais_hot_share name)
    set(hot ${name}_hot)
    foreach(property INCLUDE_DIRECTORIES COMPILE_DEFINITIONS COMPILE_OPTIONS COMPILE_FEATURES)
        get_target_property(values ${name} ${property})
        if(values)
            set_property(TARGET ${hot} APPEND PROPERTY ${property} ${values})
        endif()
    endforeach()
    foreach(property C_STANDARD C_STANDARD_REQUIRED C_EXTENSIONS)
        get_target_property(value ${name} ${property})
        get_target_property(own ${hot} ${property})
        if(NOT value MATCHES "-NOTFOUND$" AND own MATCHES "-NOTFOUND$")
            set_property(TARGET ${hot} PROPERTY ${property} "${value}")
        endif()
    endforeach()
    get_target_property(libraries ${name} LINK_LIBRARIES)
    if(NOT libraries)
        set(libraries "")
    endif()
    set(whole "") # the static libraries linked whole and object libraries, as generator expressions
    set(direct "") # the targets among the items
    foreach(entry IN LISTS libraries)
        # vais-hot's own: the core's runtime, which hot code calls there
        # (the API, <vais/hot.h>), as given or behind the expression that
        # picks it by configuration.
        if(entry MATCHES "^::@" OR entry MATCHES "(^|[:,])VaisHot::")
            continue()
        endif()
        # The configurations the item is linked in.
        set(when 1)
        set(item "${entry}")
        if(entry MATCHES "^\\$<\\$<CONFIG:([^>]*)>:(.*)>$")
            set(when "$<CONFIG:${CMAKE_MATCH_1}>")
            set(item "${CMAKE_MATCH_2}")
        elseif(entry MATCHES "^\\$<\\$<NOT:\\$<CONFIG:([^>]*)>>:(.*)>$")
            set(when "$<NOT:$<CONFIG:${CMAKE_MATCH_1}>>")
            set(item "${CMAKE_MATCH_2}")
        endif()
        if(item MATCHES "^\\$<TARGET_NAME:([^>]*)>$")
            set(item "${CMAKE_MATCH_1}")
        endif()
        if(item MATCHES "\\$<" OR (item MATCHES "^-" AND NOT item MATCHES "^-l"))
            target_link_libraries(${hot} PRIVATE "${entry}")
        elseif(item MATCHES "\\.a$")
            target_link_options(${name} PRIVATE "$<${when}:LINKER:--whole-archive,${item},--no-whole-archive>")
            list(APPEND whole "$<${when}:${item}>")
        elseif(item MATCHES "^[A-Za-z0-9_.+][A-Za-z0-9_.:+-]*$")
            list(APPEND direct "${item}")
            set(exists "$<TARGET_EXISTS:${item}>")
            set(type "$<${exists}:$<TARGET_PROPERTY:${item},TYPE>>")
            set(file "$<TARGET_FILE:${item}>")
            set(static "$<STREQUAL:${type},STATIC_LIBRARY>")
            if(CMAKE_VERSION VERSION_GREATER_EQUAL 3.24) # for $<PATH:...>
                set(extension "$<$<STREQUAL:${type},UNKNOWN_LIBRARY>:$<PATH:GET_EXTENSION,LAST_ONLY,${file}>>")
                set(static "$<OR:${static},$<STREQUAL:${extension},.a>>")
            endif()
            target_link_options(${name} PRIVATE
                "$<$<AND:${when},${static}>:LINKER:--whole-archive,${file},--no-whole-archive>")
            list(APPEND whole "$<$<AND:${when},${static}>:${file}>")
            # An object library's objects are the core's own.
            set(objects "$<STREQUAL:${type},OBJECT_LIBRARY>")
            list(APPEND whole "$<$<AND:${when},${objects}>:$<TARGET_OBJECTS:${item}>>")
            if(WIN32)
                # A DLL's functions reach a hot DLL only through its import
                # library, which the hot DLL links too: the library's state
                # stays one, the DLL's.
                set(shared "$<STREQUAL:${type},SHARED_LIBRARY>")
                target_link_libraries(${hot} PRIVATE "$<$<AND:${when},${shared}>:${item}>")
            endif()
            # What compiling needs; include directories of a SYSTEM target
            # (an imported one, by default) as system ones, as linking does.
            set(take "$<AND:${when},${exists}>")
            set(includes "$<TARGET_PROPERTY:${item},INTERFACE_INCLUDE_DIRECTORIES>")
            set(system "$<BOOL:$<TARGET_PROPERTY:${item},SYSTEM>>")
            target_include_directories(${hot} PRIVATE "$<${take}:$<$<NOT:${system}>:${includes}>>")
            target_include_directories(${hot} SYSTEM PRIVATE "$<${take}:$<${system}:${includes}>>"
                "$<${take}:$<TARGET_PROPERTY:${item},INTERFACE_SYSTEM_INCLUDE_DIRECTORIES>>")
            target_compile_definitions(${hot} PRIVATE
                "$<${take}:$<TARGET_PROPERTY:${item},INTERFACE_COMPILE_DEFINITIONS>>")
            target_compile_options(${hot} PRIVATE
                "$<${take}:$<TARGET_PROPERTY:${item},INTERFACE_COMPILE_OPTIONS>>")
            target_compile_features(${hot} PRIVATE
                "$<${take}:$<TARGET_PROPERTY:${item},INTERFACE_COMPILE_FEATURES>>")
        endif()
    endforeach()
    get_target_property(imports ${name} VAIS_HOT_IMPORTS)
    if(imports)
        # A DLL cannot leave what hot code calls to the core's link (ELF's
        # needs file): the static libraries the items bring with them are
        # linked whole too, and are in the import library.
        _vais_hot_brought("${direct}" brought)
        foreach(archive IN LISTS brought)
            target_link_options(${name} PRIVATE "LINKER:--whole-archive,${archive},--no-whole-archive")
            list(APPEND whole "${archive}")
        endforeach()
        _vais_hot_import_library(${name} "${imports}" ${whole})
    endif()
endfunction()

# Sets out to the name of the target an ALIAS target item stands for, or
# to item.
function(_vais_hot_real_name item out)
    set(name "${item}")
    if(TARGET "${item}")
        get_target_property(real "${item}" ALIASED_TARGET)
        if(real)
            set(name "${real}")
        endif()
    endif()
    set(${out} "${name}" PARENT_SCOPE)
endfunction()

# Sets out to the static libraries that the targets in items bring with
# them, as far as the targets defined by now tell (their
# INTERFACE_LINK_LIBRARIES, a static library's own links among them as
# $<LINK_ONLY:...>; items spelt as other generator expressions are not
# looked into): each once, as $<TARGET_FILE:...> or a path, and none of
# the items themselves.
function(_vais_hot_brought items out)
    set(seen "")
    foreach(item IN LISTS items)
        _vais_hot_real_name("${item}" key)
        list(APPEND seen "${key}")
    endforeach()
    set(found "")
    set(stack ${items})
    while(stack)
        list(POP_BACK stack current)
        if(NOT TARGET "${current}")
            continue()
        endif()
        get_target_property(links "${current}" INTERFACE_LINK_LIBRARIES)
        foreach(link IN LISTS links)
            if(link MATCHES "^\\$<LINK_ONLY:([^$<>]*)>$")
                set(link "${CMAKE_MATCH_1}")
            endif()
            if(link MATCHES "^::@" OR link MATCHES "\\$<" OR link STREQUAL "")
                continue()
            endif()
            _vais_hot_real_name("${link}" key)
            if(key IN_LIST seen)
                continue()
            endif()
            list(APPEND seen "${key}")
            if(TARGET "${link}")
                get_target_property(type "${link}" TYPE)
                if(type STREQUAL "STATIC_LIBRARY")
                    list(APPEND found "$<TARGET_FILE:${key}>")
                endif()
                if(type MATCHES "^(STATIC|INTERFACE)_LIBRARY$")
                    list(APPEND stack "${key}")
                endif()
            elseif(link MATCHES "\\.a$")
                list(APPEND found "${link}")
            endif()
        endforeach()
    endwhile()
    set(${out} ${found} PARENT_SCOPE)
endfunction()

# Sets out to the path of the vais-hot tool as configure time can tell it (a
# linker launcher takes no generator expression): an installed one's, or
# where this build puts it; "" with a multi-config generator, whose path
# depends on the configuration.
function(_vais_hot_tool_path out)
    get_target_property(imported VaisHot::vais-hot IMPORTED)
    get_property(multi_config GLOBAL PROPERTY GENERATOR_IS_MULTI_CONFIG)
    if(imported)
        get_target_property(tool VaisHot::vais-hot LOCATION)
    elseif(multi_config)
        set(tool "")
    else()
        get_target_property(dir VaisHot::vais-hot RUNTIME_OUTPUT_DIRECTORY)
        if(NOT dir)
            get_target_property(dir VaisHot::vais-hot BINARY_DIR)
        endif()
        set(tool "${dir}/vais-hot${CMAKE_EXECUTABLE_SUFFIX}")
    endif()
    set(${out} "${tool}" PARENT_SCOPE)
endfunction()

# Sets out to the strings given, as the items of a C initializer: "a","b".
function(_vais_hot_c_strings out)
    set(items ${ARGN})
    list(TRANSFORM items REPLACE "\\\\" "\\\\\\\\") # a path's \ and " escaped, as C wants
    list(TRANSFORM items REPLACE "\"" "\\\\\"")
    list(TRANSFORM items PREPEND "\"")
    list(TRANSFORM items APPEND "\"")
    list(JOIN items "," joined)
    set(${out} "${joined}" PARENT_SCOPE)
endfunction()

# The hot sources given to fn (a name for messages), made absolute, checked
# (existing, once each), each with its unit under gen_dir/units (placed as
# the source is below the current source directory), and, for a PER_CONFIG
# program, its plain unit under gen_dir/plain/units. Sets hot_sources,
# units, unit_args, plain_units and plain_unit_args in the caller.
function(_vais_hot_units fn gen_dir hot)
    set(hot_sources "")
    set(units "")
    set(unit_args "")
    set(plain_units "")
    set(plain_unit_args "")
    foreach(src IN LISTS ARGN)
        cmake_path(ABSOLUTE_PATH src BASE_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}"
            NORMALIZE OUTPUT_VARIABLE abs)
        if(NOT EXISTS "${abs}" OR IS_DIRECTORY "${abs}")
            message(FATAL_ERROR "${fn}: hot source '${src}' does not exist "
                "(looked for '${abs}'); fix its path")
        endif()
        if(abs IN_LIST hot_sources)
            message(FATAL_ERROR "${fn}: hot source '${src}' is listed twice")
        endif()
        list(APPEND hot_sources "${abs}")
        # Each hot source compiles from a unit: its text with bare markers
        # blanked under #line, so diagnostics point at the user's file.
        cmake_path(RELATIVE_PATH abs BASE_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}"
            OUTPUT_VARIABLE rel)
        if(rel MATCHES "^\\.\\./" OR IS_ABSOLUTE "${rel}")
            list(LENGTH units index)
            cmake_path(GET abs FILENAME file)
            set(rel "outside/${index}_${file}")
        endif()
        set(unit "${gen_dir}/units/${rel}")
        list(APPEND units "${unit}")
        list(APPEND unit_args --unit "${abs}" "${unit}")
        _vais_hot_unit("${abs}" "${unit}")
        # A tree with hot and plain configurations has plain units too.
        if(hot STREQUAL "PER_CONFIG")
            set(unit "${gen_dir}/plain/units/${rel}")
            list(APPEND plain_units "${unit}")
            list(APPEND plain_unit_args --unit "${abs}" "${unit}")
            _vais_hot_unit("${abs}" "${unit}")
        endif()
    endforeach()
    foreach(var hot_sources units unit_args plain_units plain_unit_args)
        set(${var} "${${var}}" PARENT_SCOPE)
    endforeach()
endfunction()

# `vais-hot gen` for program: its units (unit_args), and with hot also the
# stubs, the table and the list of unmarked functions in gen_dir. Sets
# outputs_var to what it writes.
function(_vais_hot_gen program gen_dir hot hot_sources unit_args outputs_var)
    set(units "")
    set(args ${unit_args})
    while(args)
        list(POP_FRONT args flag src unit)
        list(APPEND units "${unit}")
    endwhile()
    if(hot)
        set(outputs "${gen_dir}/stubs.c" "${gen_dir}/table.c" "${gen_dir}/unmarked.txt" ${units})
        get_target_property(hot_target VaisHot::runtime VAIS_HOT_TARGET)
        set(hot_args --stubs "${gen_dir}/stubs.c" --table "${gen_dir}/table.c"
            --unmarked "${gen_dir}/unmarked.txt" --target "${hot_target}")
    else()
        set(outputs ${units})
        set(hot_args "")
    endif()
    add_custom_command(
        OUTPUT ${outputs}
        COMMAND "$<TARGET_FILE:VaisHot::vais-hot>" gen --program "${program}" ${hot_args}
                ${unit_args}
        DEPENDS ${hot_sources} VaisHot::vais-hot
        COMMENT "vais-hot: scanning hot sources of '${program}'"
        VERBATIM)
    set(${outputs_var} ${outputs} PARENT_SCOPE)
endfunction()

# After each link of a hot library: the summary of its debug information
# beside it, then the stamp, which vouches for both (`vais-hot stamp`).
function(_vais_hot_stamp target)
    add_custom_command(TARGET ${target} POST_BUILD
        COMMAND "$<TARGET_FILE:VaisHot::vais-hot>" stamp "$<TARGET_FILE:${target}>"
                "$<TARGET_FILE:${target}>.stamp"
        VERBATIM)
endfunction()

# Another build of program's hot library, from other hot sources, made as
# <program>_hot is (the same units, generator, flags and stamp step): what
# vais-hot's own tests load as the program's next build. Not an API.
function(_vais_hot_another_build target program)
    set(gen_dir "${CMAKE_CURRENT_BINARY_DIR}/${target}")
    _vais_hot_units("${target}" "${gen_dir}" ON ${ARGN})
    _vais_hot_gen("${program}" "${gen_dir}" ON "${hot_sources}" "${unit_args}" outputs)
    add_library(${target} SHARED "${gen_dir}/table.c" ${units})
    _vais_hot_library(${target})
    # A Windows build links the program's import library, as its own does
    # (a program that is not a target has none: a build for another one).
    set(imports "")
    if(TARGET ${program})
        get_target_property(imports ${program} VAIS_HOT_IMPORTS)
    endif()
    if(imports)
        target_link_libraries(${target} PRIVATE "${imports}")
    endif()
    _vais_hot_stamp(${target})
endfunction()

# Makes the generated unit compile as its hot source src would. Quoted
# includes of the original resolve from its own directory.
function(_vais_hot_unit src unit)
    cmake_path(GET src PARENT_PATH src_dir)
    set_source_files_properties("${unit}" PROPERTIES
        GENERATED TRUE COMPILE_OPTIONS "-iquote;${src_dir}")
endfunction()

# Internal (as _vais_hot_unit): makes the shared library target a hot
# library. The library's references to its own functions bind inside it: the
# core exports stubs under the same names, which must not capture them (a
# DLL's always do). Its
# debug information gives the runtime the layouts of the types it shares and
# its functions; their patchable entries let the runtime send pointers stored
# to an old version's functions on to the new version's.
function(_vais_hot_library target)
    if(WIN32)
        # Every function exported, as on ELF: the guard names the function a
        # fault is in by the DLL's exports.
        target_link_options(${target} PRIVATE "LINKER:--export-all-symbols")
    else()
        set_target_properties(${target} PROPERTIES NO_SONAME ON)
        target_link_options(${target} PRIVATE "LINKER:-Bsymbolic-functions")
    endif()
    target_link_libraries(${target} PRIVATE VaisHot::api)
    get_target_property(patch_options VaisHot::runtime VAIS_HOT_PATCH_OPTIONS)
    target_compile_options(${target} PRIVATE $<$<COMPILE_LANGUAGE:C,CXX>:-g ${patch_options}>)
    # clang leaves out of the debug information the types that code reaches
    # only through an extern variable (a core global): with every type a
    # unit declares in it, the runtime compares those too.
    target_compile_options(${target} PRIVATE
        $<$<COMPILE_LANG_AND_ID:C,Clang,AppleClang>:-fno-eliminate-unused-debug-types>)
endfunction()

# Writes <build>/vais_hot/<name>.watch, what `vais-hot watch <build> <name>`
# and the build's `vais-hot check` read about the program (see
# tool/description.h): one "key value" line each (values are absolute
# paths or names; "source", "unit" and "build" repeat); sets out to its path. Its
# generator expressions name both halves' files without making either depend
# on the other. Multi-config generators get one file per configuration,
# <name>-<CONFIG>.watch, with a "config" line: what `watch --config` reads.
function(_vais_hot_describe name hot gen_dir hot_sources units build_command out)
    if(hot MATCHES "^\\$<") # ON or OFF per configuration
    elseif(hot)
        set(hot ON)
    else()
        set(hot OFF)
    endif()
    set(lines "vais-hot watch 2" "program ${name}" "hot ${hot}" "library ${name}_hot"
        "executable $<TARGET_FILE:${name}>" "generator ${CMAKE_GENERATOR}"
        "make ${CMAKE_MAKE_PROGRAM}" "build_dir ${CMAKE_BINARY_DIR}"
        "project_dir ${CMAKE_SOURCE_DIR}")
    foreach(arg IN LISTS build_command)
        list(APPEND lines "build ${arg}")
    endforeach()
    # What runs the program (a cross build's emulator, from its toolchain),
    # one word per line; none when it runs as itself.
    set(emulator "$<TARGET_PROPERTY:${name},CROSSCOMPILING_EMULATOR>")
    list(APPEND lines "$<$<BOOL:${emulator}>:emulator $<JOIN:${emulator},\nemulator >>")
    if(hot)
        list(APPEND lines "stubs ${gen_dir}/stubs.c" "library_file $<TARGET_FILE:${name}_hot>"
            "core_object $<JOIN:$<TARGET_OBJECTS:${name}>,\ncore_object >")
        if(NOT WIN32)
            _vais_hot_needs_file("${gen_dir}" needs)
            list(APPEND lines "needs ${needs}")
        endif()
    endif()
    foreach(src IN LISTS hot_sources)
        list(APPEND lines "source ${src}")
    endforeach()
    foreach(unit IN LISTS units)
        list(APPEND lines "unit ${unit}")
    endforeach()
    list(JOIN lines "\n" content)
    get_property(multi GLOBAL PROPERTY GENERATOR_IS_MULTI_CONFIG)
    if(multi)
        list(APPEND lines "config $<CONFIG>")
        list(JOIN lines "\n" content)
        set(file "${CMAKE_BINARY_DIR}/vais_hot/${name}-$<CONFIG>.watch")
    else()
        set(file "${CMAKE_BINARY_DIR}/vais_hot/${name}.watch")
    endif()
    file(GENERATE OUTPUT "${file}" CONTENT "${content}\n")
    set(${out} "${file}" PARENT_SCOPE)
endfunction()

# Makes <name>_vais_hot_ide, an object library that no build builds, of the
# hot sources as the user wrote them, compiled as <name>_hot (or the HOT OFF
# <name>) compiles their units: its entries in compile_commands.json, and its
# place in IDEs' target models, give clangd and CLion the right flags for the
# user's own files. Bare `#[hot]` lines show there as an "invalid
# preprocessing directive" (skipped; the rest is analysed normally).
function(_vais_hot_ide_sources name hot hot_sources)
    if(hot)
        set(like ${name}_hot)
        set(api VaisHot::api)
    else()
        set(like ${name})
        set(api VaisHot::std_off)
    endif()
    set(ide ${name}_vais_hot_ide)
    add_library(${ide} OBJECT EXCLUDE_FROM_ALL ${hot_sources})
    if(hot) # as a shared library's sources are
        set_property(TARGET ${ide} PROPERTY POSITION_INDEPENDENT_CODE ON)
        target_compile_definitions(${ide} PRIVATE ${name}_hot_EXPORTS)
    endif()
    target_link_libraries(${ide} PRIVATE ${api})
    foreach(property INCLUDE_DIRECTORIES COMPILE_DEFINITIONS COMPILE_OPTIONS)
        set_property(TARGET ${ide} APPEND PROPERTY ${property}
            "$<TARGET_PROPERTY:${like},${property}>")
    endforeach()
endfunction()

# Ninja passes a compiler's colours on only to a terminal (elsewhere it strips
# them), so ask for them always, unless the project chose with
# CMAKE_COLOR_DIAGNOSTICS: `vais-hot watch`, hot_start and builds started at a
# terminal then show the hot sources' errors in colour.
function(_vais_hot_color target)
    if(CMAKE_GENERATOR MATCHES "Ninja" AND NOT DEFINED CMAKE_COLOR_DIAGNOSTICS
       AND NOT DEFINED ENV{CMAKE_COLOR_DIAGNOSTICS})
        target_compile_options(${target} PRIVATE
            "$<$<C_COMPILER_ID:GNU,Clang,AppleClang>:-fdiagnostics-color=always>")
    endif()
endfunction()
