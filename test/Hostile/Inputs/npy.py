"""Writes an .npy file to stdout without numpy, so that the hostile cases
need nothing beyond python3:

  npy.py DESCR SHAPE [VALUE ...]     e.g. npy.py '<i8' 1,4 1 2 3 4
  npy.py --header 'HEADER TEXT' [N]  a raw header and N zero bytes of data
"""
import struct
import sys

FORMATS = {"<i8": "q", "<i4": "i", "<f4": "f", "<f8": "d", "|b1": "?"}


def write(header, data):
    header += " " * ((64 - (11 + len(header)) % 64) % 64) + "\n"
    sys.stdout.buffer.write(b"\x93NUMPY\x01\x00" +
                            struct.pack("<H", len(header)) + header.encode() +
                            data)


if sys.argv[1] == "--header":
    write(sys.argv[2], bytes(int(sys.argv[3]) if len(sys.argv) > 3 else 0))
else:
    descr, shape, values = sys.argv[1], sys.argv[2], sys.argv[3:]
    dims = [d for d in shape.split(",") if d]
    text = ", ".join(dims) + ("," if len(dims) == 1 else "")
    fmt = FORMATS[descr]
    cast = float if fmt in "fd" else int
    write("{'descr': '%s', 'fortran_order': False, 'shape': (%s), }" %
          (descr, text),
          struct.pack("<%d%s" % (len(values), fmt), *map(cast, values)))
