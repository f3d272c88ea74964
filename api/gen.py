#!/usr/bin/env python3
"""AvA stub generator: api/<name>.spec -> guest stubs, worker dispatch, ids,
coverage table.

usage: gen.py SPEC OUTDIR
       gen.py SPEC --coverage-only   (coverage table on stdout)
       gen.py --check SPEC...        (parse and check only)
       gen.py --export-list SPEC LIB INCDIR [-DNAME...] HEADER...
                                     (LIB: the library or its saved `nm -D` listing, NAME.defs)
                                     (the export list of LIB on stdout)

Writes OUTDIR/<api>_ids.h, OUTDIR/<api>_guest.c, OUTDIR/<api>_worker.c and
OUTDIR/<api>_exports.c (the stubs of the vendor library's other exports).
The runtime these files call is hand-written once per side (userlib/,
worker/); nothing here is specific to one API.  An error in a spec is
reported as file:line: message and the exit status is 1.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from avagen import coverage, exportlist, exportstubs, guest, tables, worker  # noqa: E402
from avagen.context import Ctx  # noqa: E402
from avagen.errors import SpecError  # noqa: E402
from avagen.parser import parse  # noqa: E402


def write_if_changed(path, text):
    old = open(path).read() if os.path.exists(path) else None
    if old != text:
        with open(path, 'w') as fh:
            fh.write(text)


def run(args):
    if args[0] == '--check':
        for path in args[1:]:
            parse(path)
        return 0
    if args[0] == '--export-list':
        defines = [a[2:] for a in args[4:] if a.startswith('-D')]
        headers = [a for a in args[4:] if not a.startswith('-D')]
        sys.stdout.write(exportlist.write(parse(args[1]), args[2], headers, defines, [args[3]]))
        return 0
    ctx = Ctx(parse(args[0]))
    if args[1] == '--coverage-only':
        sys.stdout.write(coverage.table(ctx))
        return 0
    os.makedirs(args[1], exist_ok=True)
    files = {'%s_ids.h' % ctx.api: tables.ids_header(ctx),
             '%s_guest.c' % ctx.api: guest.file_text(ctx),
             '%s_worker.c' % ctx.api: worker.file_text(ctx),
             '%s_exports.c' % ctx.api: exportstubs.file_text(ctx)}
    for name, text in files.items():
        write_if_changed(os.path.join(args[1], name), text)
    return 0


def main():
    args = sys.argv[1:]
    if len(args) < 2 or args[0] in ('-h', '--help'):
        print(__doc__.strip())
        return 0 if args and args[0] in ('-h', '--help') else 2
    try:
        return run(args)
    except SpecError as e:
        print(e, file=sys.stderr)
        return 1


if __name__ == '__main__':
    sys.exit(main())
