// Loads and stores of 16-bit activations; arithmetic is always f32.
func.func private @ld(%m: memref<?x!act>, %i: index) -> f32 {
  %v = memref.load %m[%i] : memref<?x!act>
  %f = arith.extf %v : !act to f32
  return %f : f32
}
func.func private @st(%m: memref<?x!act>, %i: index, %v: f32) {
  %h = arith.truncf %v : f32 to !act
  memref.store %h, %m[%i] : memref<?x!act>
  return
}
// Eight consecutive elements in one 16-byte load; %i must be a multiple of 8.
func.func private @ld8(%m: memref<?x!act>, %i: index) -> vector<8xf32> {
  %v = vector.load %m[%i] {alignment = 16} : memref<?x!act>, vector<8x!act>
  %f = arith.extf %v : vector<8x!act> to vector<8xf32>
  return %f : vector<8xf32>
}
func.func private @st8(%m: memref<?x!act>, %i: index, %v: vector<8xf32>) {
  %h = arith.truncf %v : vector<8xf32> to vector<8x!act>
  vector.store %h, %m[%i] {alignment = 16} : memref<?x!act>, vector<8x!act>
  return
}
