"""Source files → validated canonical record batches (``pipeline.load_file``/``load_directory``).

readers/formats/encoding read text batches; mapping maps headers; normalise/enums/identity turn
text into canonical values; kinds/validate/dedupe build the ``records`` tables; rejects writes
what was refused. May import ``arrays`` and, of ``graph``, only the store protocol
(``graph.store``): a load writes through whichever store it is given.
"""
