"""AvA's stub generator: api/<name>.spec -> guest stubs, worker dispatch.

Modules: parser (the spec language, strict), settings (the settings a spec
may give), kinds and codecs (one class per parameter kind: validation,
guest encode/decode and worker decode/check/reply/free side by side),
functions (function annotations), guest, worker, tables, coverage.
Python 3 standard library only: the build must not fetch anything.
"""
