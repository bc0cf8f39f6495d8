# cmake/toolchains/x86_64-w64-mingw32.cmake
# Windows on x86-64, built on Linux by mingw-w64's gcc (Debian: mingw-w64);
# its programs run here under Wine (Debian: wine). vais-hot makes HOT OFF
# programs for it so far.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR AMD64)
set(CMAKE_C_COMPILER x86_64-w64-mingw32-gcc)
set(CMAKE_RC_COMPILER x86_64-w64-mingw32-windres)
set(CMAKE_CROSSCOMPILING_EMULATOR wine)
