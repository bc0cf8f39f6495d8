# cmake/toolchains/riscv64-linux-gnu.cmake
# Linux on RISC-V 64 (rv64gc, LP64D) with glibc, built by Debian's cross
# compiler (gcc-riscv64-linux-gnu) and run under qemu-user (qemu-riscv64),
# which finds the target's C library in the cross compiler's sysroot.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR riscv64)
set(CMAKE_C_COMPILER riscv64-linux-gnu-gcc)
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-riscv64 -L /usr/riscv64-linux-gnu)
