"""Array kernels shared by the loaders, the embedded store and the snapshot build: strings as
padded 64-bit words and their hash index (``sid_index``), integer and string sorts.

Imports numpy and pyarrow only: no other linkrisk package.
"""
