"""Writes the first N rows of a C-order .npy file (format 1.0) to OUT.

usage: first-rows.py IN N OUT
"""
import ast
import struct
import sys

src, rows, dst = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(src, "rb") as f:
    data = f.read()
header_len = struct.unpack("<H", data[8:10])[0]
header = ast.literal_eval(data[10:10 + header_len].decode("latin1"))
shape = header["shape"]
row_bytes = (len(data) - 10 - header_len) // shape[0]
header["shape"] = (rows,) + tuple(shape[1:])
text = repr(header)
pad = (64 - (10 + len(text) + 1) % 64) % 64
text = text + " " * pad + "\n"
with open(dst, "wb") as f:
    f.write(data[:8] + struct.pack("<H", len(text)) + text.encode("latin1"))
    f.write(data[10 + header_len:10 + header_len + rows * row_bytes])
