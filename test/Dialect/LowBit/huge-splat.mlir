// A splat constant is verified by its one value, so a huge one parses and
// verifies at once (checking every logical element would take hours).
// RUN: lowbit-opt %s --split-input-file --verify-diagnostics | FileCheck %s

// CHECK: lowbit.constant dense<1> : tensor<32x4294967296xi8> as tensor<32x4294967296x!lowbit.binary>
func.func @huge() -> tensor<32x4294967296x!lowbit.binary> {
  %c = lowbit.constant dense<1> : tensor<32x4294967296xi8> as tensor<32x4294967296x!lowbit.binary>
  return %c : tensor<32x4294967296x!lowbit.binary>
}

// -----

func.func @huge_invalid() -> tensor<32x4294967296x!lowbit.binary> {
  // expected-error@+1 {{'lowbit.constant' op stored value 0 at flat index 0 is not a value of '!lowbit.binary' (expected -1 or +1)}}
  %c = lowbit.constant dense<0> : tensor<32x4294967296xi8> as tensor<32x4294967296x!lowbit.binary>
  return %c : tensor<32x4294967296x!lowbit.binary>
}
