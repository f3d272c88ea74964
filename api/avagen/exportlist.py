"""The symbols a vendor library exports (the `exports_list` setting).

A shim exports every symbol of the vendor library it stands in for, so that
no program fails to load; the ones the spec does not serve answer the API's
unsupported error.  The list (api/<api>.exports) is written from the vendor
library and its headers by `gen.py --export-list` and committed, so that the
build and docs/coverage.md do not need the toolkit to know it.  Its lines:

  header <h>          a header the stubs include (after the defines)
  define NAME         defined before the headers (cuda.h then declares the
                      old ABI versions and the _ptsz/_ptds variants)
  alias NAME SYMBOL   the headers map NAME to SYMBOL (cuMemAlloc is
                      cuMemAlloc_v2): a spec function NAME defines SYMBOL
  fn PROTOTYPE        one exported symbol, declared as the headers declare
                      it (else as the spec does, else as its base name
                      without _ptsz/_ptds; `noproto` when none declares it)
"""

import os
import re
import subprocess

from .errors import SpecError

SUFFIXES = ('_ptsz', '_ptds')


class ExportList:
    def __init__(self):
        self.headers, self.defines, self.aliases, self.fns = [], [], {}, []

    def symbols(self):
        return [name for _, name, _, _ in self.fns]


def read(path):
    """The list at path: an ExportList; raises SpecError on a bad line."""
    el = ExportList()
    for n, line in enumerate(open(path, encoding='utf-8').read().splitlines(), 1):
        line = line.split('#', 1)[0].strip()
        if not line:
            continue
        word, _, rest = line.partition(' ')
        if word == 'header':
            el.headers.append(rest)
        elif word == 'define':
            el.defines.append(rest)
        elif word == 'alias' and len(rest.split()) == 2:
            a, b = rest.split()
            el.aliases[a] = b
        elif word in ('fn', 'noproto'):
            m = re.match(r'^(.*?)\b(\w+)\s*\((.*)\)$', rest)
            if not m:
                raise SpecError('cannot parse %r' % rest, (path, n))
            el.fns.append((m.group(1).strip(), m.group(2), m.group(3).strip(), word == 'noproto'))
        else:
            raise SpecError('unknown line %r (header, define, alias, fn, noproto)' % line, (path, n))
    return el


def list_path(sp):
    rel = sp.settings['exports_list']
    return os.path.join(os.path.dirname(os.path.abspath(sp.path)), rel) if rel else None


# ------------------------------------------------------------ writing the list
def library_symbols(lib):
    """The C functions lib defines, without version suffixes.  lib is the
    library, or a saved `nm -D --defined-only` listing of it (NAME.defs).
    A shim of a C API never exports the library's C++ (_Z) or ELF
    (_init, _fini) symbols: they would stand in for libstdc++'s."""
    if lib.endswith('.defs'):
        out = open(lib, encoding='utf-8').read()
    else:
        out = subprocess.run(['nm', '-D', '--defined-only', lib], capture_output=True, text=True, check=True).stdout
    syms = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in 'TtWi':
            syms.append(parts[2].split('@')[0])
    return sorted(s for s in set(syms) if not s.startswith('_Z') and s not in ('_init', '_fini'))


def preprocess(src, args):
    cc = os.environ.get('CC') or 'cc'
    return subprocess.run([cc, '-E', '-P', '-x', 'c', '-'] + args, input=src, capture_output=True,
                          text=True, check=True).stdout


def top_statements(text):
    """Top-level C statements of preprocessed text; bodies dropped."""
    text = re.sub(r'__attribute__\s*\(\((?:[^()]|\([^()]*(?:\([^()]*\))*\))*\)\)', ' ', text)
    stmts, buf, depth = [], [], 0
    for ch in text:
        if ch == '{':
            depth += 1
            if depth == 1:
                buf.append(' {}')
            continue
        if ch == '}':
            depth -= 1
            if depth == 0:      # a body ends its statement (an inline function has no ';')
                stmts.append(' '.join(''.join(buf).split()))
                buf = []
            continue
        if depth:
            continue
        if ch == ';':
            stmts.append(' '.join(''.join(buf).split()))
            buf = []
        else:
            buf.append(ch)
    return stmts


def declarations(text):
    """name -> (return type, parameters) of the functions text declares."""
    out = {}
    for s in top_statements(text):
        if s.startswith('typedef') or s.endswith('{}'):
            continue
        m = re.match(r'^(?:extern\s+)?(.*?)\b(\w+)\s*\((.*)\)$', s)
        if m and m.group(1).strip() and '(' not in m.group(1) and '=' not in s:
            out[m.group(2)] = (m.group(1).strip(), m.group(3).strip())
    return out


def aliases(syms, headers, args):
    """NAME -> SYMBOL for each macro of the headers that names an export."""
    src = ''.join('#include %s\n' % h for h in headers)
    macros = re.findall(r'^#define (\w+) ', preprocess(src, args + ['-dM']), re.M)
    prefixes = tuple(sorted({re.match(r'^_*[a-z]+', s).group(0) for s in syms if re.match(r'^_*[a-z]+', s)}))
    names = [m for m in macros if m.startswith(prefixes)]
    text = preprocess(src + ''.join('AVA_ALIAS "%s" %s\n' % (n, n) for n in names), args)
    found = dict(re.findall(r'^AVA_ALIAS "(\w+)" (\w+)$', text, re.M))
    return {a: b for a, b in sorted(found.items()) if a != b and b in syms}


def prototype(sym, decls, spec_decls, status):
    for name in (sym, sym[:-5] if sym.endswith(SUFFIXES) else None):
        for table in (decls, spec_decls):
            if name and name in table:
                ret, params = table[name]
                return 'fn', ret, params
    return 'noproto', status, 'void'


def write(sp, lib, headers, defines, includes):
    """The text of the export list of spec sp for the vendor library lib."""
    syms = library_symbols(lib)
    args = ['-isystem%s' % d for d in includes]
    dargs = ['-D%s' % d for d in defines]
    decls = declarations(preprocess(''.join('#include %s\n' % h for h in headers), args + dargs))
    spec_decls = {f.name: (f.ret, ', '.join(p.decl for p in f.params) or 'void') for f in sp.funcs}
    out = ['# Generated by `api/gen.py --export-list` from %s and %s: do not edit.' %
           (os.path.basename(lib), ' '.join(headers)),
           '# Every symbol here is exported by the shim (api/avagen/exportlist.py).']
    out += ['define %s' % d for d in defines] + ['header %s' % h for h in headers]
    out += ['alias %s %s' % kv for kv in aliases(syms, headers, args).items()]
    for s in syms:
        word, ret, params = prototype(s, decls, spec_decls, sp.settings['status_type'])
        out.append('%s %s %s(%s)' % (word, ret, s, params))
    return '\n'.join(out) + '\n'
