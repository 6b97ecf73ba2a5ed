#!/usr/bin/env python3
"""Writes the .npy/.npz/.gz fixtures read by Tests/DatasetsTests (NPYTests, NPZTests,
IDXReaderTests). Run from the package root: python3 Scripts/reference/make_npy_fixtures.py

Needs numpy (PyPI); outputs were made with numpy 2.4. Every array is tiny and exactly
representable, so the tests compare values exactly. Tests never run this script.
"""
import gzip
import io
import os
import struct

import numpy as np

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "DatasetsTests", "Fixtures")

F32 = (np.arange(6, dtype=np.float32).reshape(2, 3) * 0.5 - 1.0)  # [[-1,-.5,0],[.5,1,1.5]]
I8 = np.array([[-3, 0], [7, 2**40]], dtype=np.int64)
U1 = np.arange(250, 260, dtype=np.int64).astype(np.uint8).reshape(2, 5)  # 250..255, 0..3
F8 = np.array([1.5, -2.25, 1e-3], dtype=np.float64)
I4 = np.array([1, -2, 2**31 - 1], dtype=np.int32)
B1 = np.array([True, False, True], dtype=np.bool_)
SCALAR = np.float32(3.25)


def save(name, array, version=None):
    path = os.path.join(OUT, name)
    if version is None:
        np.save(path, array)
    else:
        with open(path, "wb") as f:
            np.lib.format.write_array(f, np.asanyarray(array), version=version)


def write_gz(name, payload):
    # mtime=0 and no file name keep the bytes reproducible.
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0) as f:
        f.write(payload)
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(buffer.getvalue())


def main():
    os.makedirs(OUT, exist_ok=True)
    save("f4.npy", F32)
    save("i8.npy", I8)
    save("u1.npy", U1)
    save("f8.npy", F8)
    save("i4.npy", I4)
    save("b1.npy", B1)
    save("scalar_f4.npy", SCALAR)
    save("f4_v2.npy", F32, version=(2, 0))
    save("fortran_f4.npy", np.asfortranarray(F32))
    np.savez(os.path.join(OUT, "arrays.npz"), images=F32, labels=I8, mask=U1)
    np.savez_compressed(os.path.join(OUT, "arrays_compressed.npz"), images=F32, labels=I8, mask=U1)

    # IDX: three 2x4 images with pixel k*10+j and labels 2, 0, 1, gzip-compressed by Python.
    images = np.array([[k * 10 + j for j in range(8)] for k in range(3)], dtype=np.uint8)
    write_gz("tiny-images-idx3-ubyte.gz", struct.pack(">BBBBIII", 0, 0, 8, 3, 3, 2, 4)
             + images.tobytes())
    write_gz("tiny-labels-idx1-ubyte.gz", struct.pack(">BBBBI", 0, 0, 8, 1, 3)
             + bytes([2, 0, 1]))


if __name__ == "__main__":
    main()
