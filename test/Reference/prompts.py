"""Writes prompts for --generate: the first len(LENGTHS) rows of an int64
C-order .npy file, row b cut to LENGTHS[b] ids and right-padded with -1.

usage: prompts.py IN OUT LENGTH...
"""
import ast
import struct
import sys

src, dst, lengths = sys.argv[1], sys.argv[2], [int(n) for n in sys.argv[3:]]
with open(src, "rb") as f:
    data = f.read()
header_len = struct.unpack("<H", data[8:10])[0]
header = ast.literal_eval(data[10:10 + header_len].decode("latin1"))
assert header["descr"] == "<i8" and not header["fortran_order"]
width = header["shape"][1]
ids = struct.unpack("<%dq" % (len(lengths) * width),
                    data[10 + header_len:10 + header_len + len(lengths) * width * 8])
longest = max(lengths)
rows = []
for b, n in enumerate(lengths):
    rows += list(ids[b * width:b * width + n]) + [-1] * (longest - n)
header = {"descr": "<i8", "fortran_order": False, "shape": (len(lengths), longest)}
text = repr(header)
text += " " * ((64 - (10 + len(text) + 1) % 64) % 64) + "\n"
with open(dst, "wb") as f:
    f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(text)) + text.encode("latin1"))
    f.write(struct.pack("<%dq" % len(rows), *rows))
