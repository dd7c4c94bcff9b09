// Loads and stores of f32 activations.
func.func private @ld(%m: memref<?x!act>, %i: index) -> f32 {
  %v = memref.load %m[%i] : memref<?x!act>
  return %v : f32
}
func.func private @st(%m: memref<?x!act>, %i: index, %v: f32) {
  memref.store %v, %m[%i] : memref<?x!act>
  return
}
// Eight consecutive elements in two 16-byte loads; %i must be a multiple of 8.
func.func private @ld8(%m: memref<?x!act>, %i: index) -> vector<8xf32> {
  %v = vector.load %m[%i] {alignment = 16} : memref<?x!act>, vector<8xf32>
  return %v : vector<8xf32>
}
func.func private @st8(%m: memref<?x!act>, %i: index, %v: vector<8xf32>) {
  vector.store %v, %m[%i] {alignment = 16} : memref<?x!act>, vector<8xf32>
  return
}
