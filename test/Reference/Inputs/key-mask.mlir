func.func @main(%ids: tensor<?x?xi64> {ffn.name = "input_ids"}, %mask: tensor<?x?xi64> {ffn.name = "attention_mask"}) -> tensor<?x?x2xf32> {
  %table = arith.constant dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]]> : tensor<4x2xf32>
  %x = ffn.embedding %table[%ids] : tensor<4x2xf32>, tensor<?x?xi64> -> tensor<?x?x2xf32>
  %o = ffn.attention %x, %x, %x key_mask(%mask : tensor<?x?xi64>) heads(1, 1) scale 0.0 : tensor<?x?x2xf32>, tensor<?x?x2xf32>, tensor<?x?x2xf32>
  return %o : tensor<?x?x2xf32>
}
