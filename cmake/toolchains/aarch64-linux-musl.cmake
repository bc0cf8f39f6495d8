# cmake/toolchains/aarch64-linux-musl.cmake
# Linux on AArch64 with musl: Debian's cross compiler (gcc-aarch64-linux-gnu)
# with the specs of musl for arm64 (musl-dev:arm64, a multiarch package),
# run under qemu-user (qemu-aarch64), which finds musl's dynamic loader
# where that package puts it, /lib/ld-musl-aarch64.so.1.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
# The cross compiler's libgcc is glibc's: its helpers for outline atomics
# (-moutline-atomics, gcc's default) call glibc's __getauxval, which musl
# lacks, so atomics are compiled inline.
set(CMAKE_C_FLAGS_INIT "-specs=/usr/lib/aarch64-linux-musl/musl-gcc.specs -mno-outline-atomics")
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64)
