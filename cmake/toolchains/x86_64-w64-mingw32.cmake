# cmake/toolchains/x86_64-w64-mingw32.cmake
# Windows on x86-64, built on Linux by mingw-w64's gcc (Debian: mingw-w64);
# its programs run here under Wine (Debian: wine). Hot programs need a
# Ninja generator (README, "On Windows").
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR AMD64)
set(CMAKE_C_COMPILER x86_64-w64-mingw32-gcc)
set(CMAKE_CXX_COMPILER x86_64-w64-mingw32-g++)
set(CMAKE_RC_COMPILER x86_64-w64-mingw32-windres)
set(CMAKE_CROSSCOMPILING_EMULATOR wine)
# Libraries and headers from mingw-w64's tree (Debian's layout) only,
# never the build machine's; programs (tools the build runs) from the
# build machine; packages from both (a vais-hot installed for Windows
# under any prefix in CMAKE_PREFIX_PATH).
set(CMAKE_FIND_ROOT_PATH /usr/x86_64-w64-mingw32)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)
