// RUN: ffn-opt %s --convert-ffn-to-gpu -verify-diagnostics

// expected-error @below {{the module has no func @main}}
module {
  func.func @forward() {
    return
  }
}
