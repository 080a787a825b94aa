"""Reading a notebook: the file into the model (`notebook`), IPython syntax into Python
(`magics`, `input_cleanup`, `logical_lines`), each code cell parsed once (`parsing`),
and positions in the cells (`positions`). Everything past this package reads the model.
"""
