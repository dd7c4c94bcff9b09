# lit configuration for ffnc's regression tests.

import ctypes
import os
import shutil
import subprocess

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "FFNC"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.ffnc_obj_root, "test")
config.excludes = ["CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py", "Unit",
                   "models", "Inputs"]

config.substitutions.append(("%PATH%", config.environment["PATH"]))
config.substitutions.append(("%ffnc_src_root", config.ffnc_src_root))
config.substitutions.append(
    ("%models", os.path.join(config.ffnc_src_root, "test", "models")))

llvm_config.with_system_environment(["HOME", "INCLUDE", "LIB", "TMP", "TEMP"])
llvm_config.use_default_substitutions()
# FileCheck, not, split-file and friends come from LLVM's tool folder.
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)

tool_dirs = [config.ffnc_tools_dir, config.llvm_tools_dir]
tools = [ToolSubst(name, unresolved="fatal")
         for name in ("ffn-opt", "ffnc", "ffn-run", "onnx-node-test")]
tools.append(ToolSubst("split-file", unresolved="fatal"))
llvm_config.add_tool_substitutions(tools, tool_dirs)


# ONNX's node tests, from Debian's libonnx-testdata.
onnx_node_tests = "/usr/share/libonnx-testdata/data/node"
if os.path.isdir(onnx_node_tests):
    config.available_features.add("onnx-testdata")
    config.substitutions.append(("%onnx_node_tests", onnx_node_tests))


# ffnc assembles cubins with the CUDA toolkit's ptxas.
if os.access("/usr/local/cuda/bin/ptxas", os.X_OK):
    config.available_features.add("ptxas")

# /dev/full fails every write with ENOSPC (Linux).
if os.path.exists("/dev/full"):
    config.available_features.add("dev-full")

# Without a CUDA driver, ffn-run must say so.
try:
    ctypes.CDLL("libcuda.so.1")
    config.available_features.add("cuda-driver")
except OSError:
    pass

# Tests that need a GPU are ctest tests (label gpu) in test/GPU, since the GPU
# machine has CMake but no lit.
