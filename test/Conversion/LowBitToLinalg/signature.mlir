// --lowbit-lower-quantized converts every quantized type to its storage
// type: !quant.uniform<iN/uN...> -> iN (signless; signedness lives in the
// type and is applied when widening), !lowbit.binary -> i1 (1 means -1),
// floats unchanged. Function signatures, declarations, calls and returns
// follow, and quant.scast between a quantized tensor and its storage folds
// away. No cast ops are left behind.

// RUN: lowbit-opt %s --lowbit-lower-quantized | FileCheck %s
// RUN: lowbit-opt %s --lowbit-lower-quantized | FileCheck %s --check-prefix=NOCAST

// NOCAST-NOT: quant.scast
// NOCAST-NOT: unrealized_conversion_cast
// NOCAST-NOT: !quant.uniform
// NOCAST-NOT: !lowbit.binary

!u4 = !quant.uniform<u4:f32, 0.5:8>
!bin = !lowbit.binary<f32, 0.5>

// CHECK-LABEL: func.func private @external(tensor<4xi4>) -> tensor<4xi1>
func.func private @external(tensor<4x!u4>) -> tensor<4x!lowbit.binary>

// CHECK-LABEL: func.func @callee(
// CHECK-SAME:      %[[A:.*]]: tensor<4xi4>, %[[B:.*]]: tensor<2xi1>) -> (tensor<4xi4>, tensor<2xi1>)
// CHECK-NEXT:    return %[[A]], %[[B]] : tensor<4xi4>, tensor<2xi1>
func.func @callee(%a: tensor<4x!u4>, %b: tensor<2x!bin>) -> (tensor<4x!u4>, tensor<2x!bin>) {
  return %a, %b : tensor<4x!u4>, tensor<2x!bin>
}

// CHECK-LABEL: func.func @caller(
// CHECK-SAME:      %[[A:.*]]: tensor<4xi4>, %[[B:.*]]: tensor<2xi1>) -> tensor<4xi1>
// CHECK-NEXT:    %[[R:.*]]:2 = call @callee(%[[A]], %[[B]]) : (tensor<4xi4>, tensor<2xi1>) -> (tensor<4xi4>, tensor<2xi1>)
// CHECK-NEXT:    %[[E:.*]] = call @external(%[[R]]#0) : (tensor<4xi4>) -> tensor<4xi1>
// CHECK-NEXT:    return %[[E]] : tensor<4xi1>
func.func @caller(%a: tensor<4x!u4>, %b: tensor<2x!bin>) -> tensor<4x!lowbit.binary> {
  %0:2 = call @callee(%a, %b) : (tensor<4x!u4>, tensor<2x!bin>) -> (tensor<4x!u4>, tensor<2x!bin>)
  %1 = call @external(%0#0) : (tensor<4x!u4>) -> tensor<4x!lowbit.binary>
  return %1 : tensor<4x!lowbit.binary>
}

// Every storage width: i16, an i32 accumulator, ternary i2, a per-channel
// u8, signed i8 with a narrow range; float types are unchanged.
// CHECK-LABEL: func.func @widths(
// CHECK-SAME:      tensor<3xi16>, %{{.*}}: tensor<3xi32>, %{{.*}}: tensor<3xi2>, %{{.*}}: tensor<2x3xi8>, %{{.*}}: tensor<3xi8>, %{{.*}}: tensor<3xf16>, %{{.*}}: tensor<3xf8E4M3FN>)
// CHECK-SAME:      -> tensor<3xi16>
func.func @widths(%a: tensor<3x!quant.uniform<i16:f32, 0.1>>, %b: tensor<3x!quant.uniform<i32:f32, 0.1>>,
                  %c: tensor<3x!quant.uniform<i2<-1:1>:f32, 0.1>>, %d: tensor<2x3x!quant.uniform<u8:f32:1, {0.1:1, 0.2:2, 0.3:3}>>,
                  %e: tensor<3x!quant.uniform<i8<-127:127>:f32, 0.1>>, %f: tensor<3xf16>, %g: tensor<3xf8E4M3FN>)
    -> tensor<3x!quant.uniform<i16:f32, 0.1>> {
  return %a : tensor<3x!quant.uniform<i16:f32, 0.1>>
}

// quant.scast to the quantized type and back is the identity on storage.
// CHECK-LABEL: func.func @scast_round_trip(
// CHECK-SAME:      %[[A:.*]]: tensor<4xi8>) -> tensor<4xi8>
// CHECK-NEXT:    return %[[A]] : tensor<4xi8>
func.func @scast_round_trip(%a: tensor<4xi8>) -> tensor<4xi8> {
  %0 = quant.scast %a : tensor<4xi8> to tensor<4x!quant.uniform<i8:f32, 0.1:1>>
  %1 = quant.scast %0 : tensor<4x!quant.uniform<i8:f32, 0.1:1>> to tensor<4xi8>
  return %1 : tensor<4xi8>
}

// A storage tensor cast to a quantized type feeds a lowered op directly.
// CHECK-LABEL: func.func @scast_into_op(
// CHECK-SAME:      %[[A:.*]]: tensor<4xi8>) -> tensor<4xf32>
// CHECK-NEXT:    %[[E:.*]] = tensor.empty() : tensor<4xf32>
// CHECK-NEXT:    linalg.generic
// CHECK-SAME:        ins(%[[A]] : tensor<4xi8>)
func.func @scast_into_op(%a: tensor<4xi8>) -> tensor<4xf32> {
  %0 = quant.scast %a : tensor<4xi8> to tensor<4x!quant.uniform<i8:f32, 0.1:1>>
  %1 = lowbit.dequantize %0 : tensor<4x!quant.uniform<i8:f32, 0.1:1>> -> tensor<4xf32>
  return %1 : tensor<4xf32>
}

// A lowered result returned as storage through quant.scast.
// CHECK-LABEL: func.func @scast_out_of_op(
// CHECK-SAME:      -> tensor<4xi8>
// CHECK:         %[[Q:.*]] = linalg.generic
// CHECK:         return %[[Q]] : tensor<4xi8>
func.func @scast_out_of_op(%x: tensor<4xf32>) -> tensor<4xi8> {
  %0 = lowbit.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.1:1>>
  %1 = quant.scast %0 : tensor<4x!quant.uniform<i8:f32, 0.1:1>> to tensor<4xi8>
  return %1 : tensor<4xi8>
}

// Constants become arith.constant on the storage type: u4 values 0, 9, 15
// are the i4 bit patterns 0, -7, -1; binary +1 / -1 are bits 0 / 1.
// CHECK-LABEL: func.func @constants(
// CHECK-SAME:      -> (tensor<3xi4>, tensor<2xi1>, tensor<2xf16>)
// CHECK-DAG:     %[[U4:.*]] = arith.constant dense<[0, -7, -1]> : tensor<3xi4>
// CHECK-DAG:     %[[B:.*]] = arith.constant dense<[false, true]> : tensor<2xi1>
// CHECK-DAG:     %[[F:.*]] = arith.constant dense<[1.500000e+00, -2.000000e+00]> : tensor<2xf16>
// CHECK:         return %[[U4]], %[[B]], %[[F]]
func.func @constants() -> (tensor<3x!u4>, tensor<2x!lowbit.binary>, tensor<2xf16>) {
  %0 = lowbit.constant dense<[0, 9, 15]> : tensor<3xi8> as tensor<3x!u4>
  %1 = lowbit.constant dense<[1, -1]> : tensor<2xi8> as tensor<2x!lowbit.binary>
  %2 = lowbit.constant dense<[1.5, -2.0]> : tensor<2xf16> as tensor<2xf16>
  return %0, %1, %2 : tensor<3x!u4>, tensor<2x!lowbit.binary>, tensor<2xf16>
}

// Ops of other dialects that only move values (tensor.collapse_shape,
// tensor.extract_slice, tensor.concat) are rebuilt on the storage types.
// CHECK-LABEL: func.func @structural_tensor_ops(
// CHECK-SAME:      %[[A:.*]]: tensor<2x4xi8>) -> (tensor<8xi8>, tensor<1x2xi8>, tensor<4x4xi8>)
// CHECK-NEXT:    %[[C:.*]] = tensor.collapse_shape %[[A]] {{\[\[}}0, 1]] : tensor<2x4xi8> into tensor<8xi8>
// CHECK-NEXT:    %[[S:.*]] = tensor.extract_slice %[[A]][1, 2] [1, 2] [1, 1] : tensor<2x4xi8> to tensor<1x2xi8>
// CHECK-NEXT:    %[[K:.*]] = tensor.concat dim(0) %[[A]], %[[A]] : (tensor<2x4xi8>, tensor<2x4xi8>) -> tensor<4x4xi8>
// CHECK-NEXT:    return %[[C]], %[[S]], %[[K]]
func.func @structural_tensor_ops(%a: tensor<2x4x!quant.uniform<i8:f32, 0.1:1>>)
    -> (tensor<8x!quant.uniform<i8:f32, 0.1:1>>, tensor<1x2x!quant.uniform<i8:f32, 0.1:1>>, tensor<4x4x!quant.uniform<i8:f32, 0.1:1>>) {
  %0 = tensor.collapse_shape %a [[0, 1]] : tensor<2x4x!quant.uniform<i8:f32, 0.1:1>> into tensor<8x!quant.uniform<i8:f32, 0.1:1>>
  %1 = tensor.extract_slice %a[1, 2] [1, 2] [1, 1] : tensor<2x4x!quant.uniform<i8:f32, 0.1:1>> to tensor<1x2x!quant.uniform<i8:f32, 0.1:1>>
  %2 = tensor.concat dim(0) %a, %a : (tensor<2x4x!quant.uniform<i8:f32, 0.1:1>>, tensor<2x4x!quant.uniform<i8:f32, 0.1:1>>) -> tensor<4x4x!quant.uniform<i8:f32, 0.1:1>>
  return %0, %1, %2 : tensor<8x!quant.uniform<i8:f32, 0.1:1>>, tensor<1x2x!quant.uniform<i8:f32, 0.1:1>>, tensor<4x4x!quant.uniform<i8:f32, 0.1:1>>
}
