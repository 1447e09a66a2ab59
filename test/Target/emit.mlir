// The C ABI: inputs, then caller-allocated outputs, int32 status; every
// --emit kind; objects for both targets.
// RUN: lowbit-compile %s --emit=llvm --target=x86_64-linux-gnu -o - | FileCheck %s --check-prefix=LLVM
// RUN: lowbit-compile %s --emit=mlir -o - | FileCheck %s --check-prefix=MLIR
// RUN: rm -rf %t && mkdir -p %t
// RUN: lowbit-compile %s --target=x86_64-linux-gnu -o %t/x86.o
// RUN: llvm-readobj --file-headers %t/x86.o | FileCheck %s --check-prefix=X86OBJ
// RUN: llvm-nm %t/x86.o | FileCheck %s --check-prefix=SYMS
// RUN: lowbit-compile %s --target=aarch64-linux-gnu --mcpu=cortex-a76 -O3 -o %t/a64.o
// RUN: llvm-readobj --file-headers %t/a64.o | FileCheck %s --check-prefix=A64OBJ
// RUN: FileCheck %s --check-prefix=HEADER < %t/a64.h
// RUN: lowbit-compile %s -O0 --emit=asm -o %t/o0.s
// RUN: lowbit-compile %s --mcpu=native -o %t/native.o

// LLVM: target triple = "x86_64-unknown-linux-gnu"
// LLVM: define {{.*}}i32 @add(ptr {{.*}}, ptr {{.*}}, ptr {{.*}})
// LLVM: ret i32 0
// MLIR: llvm.func @add(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr) -> i32
// X86OBJ: Format: elf64-x86-64
// X86OBJ: Machine: EM_X86_64
// A64OBJ: Format: elf64-littleaarch64
// A64OBJ: Machine: EM_AARCH64
// The weights are read-only data; the only undefined symbols are libc's.
// SYMS: T add
// SYMS-NOT: U memrefCopy
// SYMS-NOT: U _mlir

// HEADER: #ifndef LOWBIT_A64_H
// HEADER: #include <stdint.h>
// HEADER:  *   in0: 2x8 !quant.uniform<i8:f32, 5.000000e-02:-3>
// HEADER-NEXT:  *        int8_t[16], one stored value per byte
// HEADER:  *   in1: 2x8 !quant.uniform<i4:f32, 2.500000e-01:1>
// HEADER-NEXT:  *        uint8_t[8], 2 4-bit values per byte in row-major order, lowest bits first (two's complement)
// HEADER:  *   out0: 2x8 !quant.uniform<u8:f32, 1.000000e-01:128>
// HEADER-NEXT:  *        uint8_t[16], one stored value per byte
// HEADER: #define ADD_IN0_ELEMENTS 16
// HEADER: #define ADD_IN0_SCALE 0.0500000007f
// HEADER: #define ADD_IN0_ZERO_POINT -3
// HEADER: #define ADD_IN1_BYTES 8
// HEADER: #define ADD_OUT0_ZERO_POINT 128
// HEADER: int add(const int8_t *in0, const uint8_t *in1, uint8_t *out0);
func.func @add(%a: tensor<2x8x!quant.uniform<i8:f32, 0.05:-3>>, %b: tensor<2x8x!quant.uniform<i4:f32, 0.25:1>>)
    -> tensor<2x8x!quant.uniform<u8:f32, 0.1:128>> {
  %c = lowbit.add %a, %b act(relu) : tensor<2x8x!quant.uniform<i8:f32, 0.05:-3>>, tensor<2x8x!quant.uniform<i4:f32, 0.25:1>>
      -> tensor<2x8x!quant.uniform<u8:f32, 0.1:128>>
  return %c : tensor<2x8x!quant.uniform<u8:f32, 0.1:128>>
}
