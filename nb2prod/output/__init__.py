"""Putting a generated package on disk without ever losing a file the user owns.

`manifest` records what nb2prod wrote, `ownership` decides what a new write may touch,
`paths` keeps every write inside the output folder, `exchange` swaps two folders in one
step, and `replace` carries out (and recovers) a replacement. `nb2prod.writer` is the
entry point.
"""
