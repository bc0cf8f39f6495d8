# cmake/toolchains/x86_64-linux-musl.cmake
# Linux on x86-64 with musl, built by Debian's musl-gcc wrapper (musl-tools)
# around the system gcc. Its programs run on an x86-64 Linux machine as
# they are, through musl's own dynamic loader: no emulator.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(CMAKE_C_COMPILER musl-gcc)
