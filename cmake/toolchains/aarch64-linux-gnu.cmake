# cmake/toolchains/aarch64-linux-gnu.cmake
# Linux on AArch64 with glibc, built by Debian's cross compiler
# (gcc-aarch64-linux-gnu) and run under qemu-user (qemu-aarch64), which
# finds the target's C library in the cross compiler's sysroot.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64 -L /usr/aarch64-linux-gnu)
