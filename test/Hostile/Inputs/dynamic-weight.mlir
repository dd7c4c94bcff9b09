// ffn.matmul with a weight of dynamic type: the verifier cannot check that
// it contracts with the input; the executors must.
func.func @main(%x: tensor<1x?x4xf32> {ffn.name = "x"}, %w: tensor<?x?xf32> {ffn.name = "w"}) -> (tensor<1x?x3xf32> {ffn.name = "y"}) {
  %y = ffn.matmul %x, %w : (tensor<1x?x4xf32>, tensor<?x?xf32>) -> tensor<1x?x3xf32>
  return %y : tensor<1x?x3xf32>
}
