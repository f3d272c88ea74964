"""Parser for AvA API specifications (api/*.spec).

The language is described in docs/api-spec.md.  This module only turns the
text into data; api/gen.py writes code from it.  Python 3 standard library
only: the build must not fetch anything.
"""

import re

ANNOT_RE = re.compile(r'@(\w+)(?:\(((?:[^()]|\([^()]*(?:\([^()]*\))*[^()]*\))*)\))?')
FNPTR_RE = re.compile(r'\(\s*(?:CL_CALLBACK\s*|CUDA_CB\s*|CUDART_CB\s*)?\*\s*(\w+)\s*\)')


class SpecError(Exception):
    pass


def split_top(text, sep=','):
    """Split on sep outside parentheses."""
    parts, depth, cur = [], 0, ''
    for ch in text:
        if ch == '(':
            depth += 1
        elif ch == ')':
            depth -= 1
        if ch == sep and depth == 0:
            parts.append(cur)
            cur = ''
        else:
            cur += ch
    if cur.strip():
        parts.append(cur)
    return [p.strip() for p in parts]


def parse_annots(text):
    """'@in(size) @string' -> [('in', ['size']), ('string', [])]."""
    out = []
    for m in ANNOT_RE.finditer(text):
        args = split_top(m.group(2)) if m.group(2) is not None else []
        out.append((m.group(1), args))
    rest = ANNOT_RE.sub('', text).strip()
    if rest:
        raise SpecError('unexpected text %r' % rest)
    return out


class Annotated:
    """Something with @annotations: a parameter or a function."""

    def has(self, a):
        return a in self.annots

    def arg(self, a, i=0, default=None):
        v = self.annots.get(a)
        if v is None or len(v) <= i:
            return default
        return v[i]


class Param(Annotated):
    def __init__(self, text):
        at = text.find('@')
        decl = text if at < 0 else text[:at]
        self.annots = dict(parse_annots(text[at:])) if at >= 0 else {}
        decl = decl.strip()
        self.decl = decl
        m = FNPTR_RE.search(decl)
        if m:
            self.name = m.group(1)
            self.is_fnptr = True
            self.ctype = None
            self.ptr = 1
            return
        self.is_fnptr = False
        m = re.match(r'^(.*?)(\w+)$', decl)
        if not m:
            raise SpecError('cannot parse parameter %r' % decl)
        self.name = m.group(2)
        ctype = m.group(1).strip()
        self.ptr = ctype.count('*')
        self.ctype = ctype
        base = ctype.replace('*', ' ').replace('const', ' ')
        self.base = ' '.join(base.split())

    def kw(self, a, key, default=None):
        for item in self.annots.get(a, []):
            if item.startswith(key + '='):
                return item[len(key) + 1:]
        return default

    def pos(self, a):
        return [x for x in self.annots.get(a, []) if '=' not in x]


class Func(Annotated):
    def __init__(self, ret, name, params, annots, index):
        self.ret = ret
        self.name = name
        self.params = params
        self.annots = dict(annots)
        self.index = index

    def param(self, name):
        for p in self.params:
            if p.name == name:
                return p
        return None


class Spec:
    def __init__(self):
        self.api = None
        self.api_version = None
        self.api_const = None
        self.headers = []
        self.settings = {}
        self.handles = []       # (ctype, short, invalid_error, opts)
        self.infos = {}         # table -> [(param_value, kind)]
        self.funcs = []

    def handle_by_ctype(self, ctype):
        for h in self.handles:
            if h['ctype'] == ctype:
                return h
        return None

    def handle_by_short(self, short):
        for h in self.handles:
            if h['short'] == short:
                return h
        raise SpecError('unknown handle %r' % short)


def parse(path):
    spec = Spec()
    text = open(path, encoding='utf-8').read()
    stmts, cur = [], ''
    for raw in text.splitlines():
        line = raw.split('#', 1)[0].rstrip() if not raw.lstrip().startswith('#include') else raw
        if not line.strip():
            continue
        if line[0].isspace() and cur:
            cur += ' ' + line.strip()
        else:
            if cur:
                stmts.append(cur)
            cur = line.strip()
    if cur:
        stmts.append(cur)

    for st in stmts:
        word = st.split(None, 1)[0]
        rest = st[len(word):].strip()
        if word == 'api':
            spec.api, spec.api_version, spec.api_const = rest.split()
        elif word == 'header':
            spec.headers.append(rest)
        elif word == 'handle':
            parts = rest.split()
            opts = dict(p.split('=', 1) for p in parts[3:] if '=' in p)
            spec.handles.append({'ctype': parts[0], 'short': parts[1],
                                 'invalid': parts[2], 'opts': opts,
                                 'index': len(spec.handles) + 1})
        elif word == 'info':
            parts = rest.split()
            spec.infos[parts[0]] = [tuple(p.split('=', 1)) for p in parts[1:]]
        elif word == 'fn':
            m = re.match(r'^(.*?)\b(\w+)\s*\((.*)\)\s*((?:@.*)?)$', rest)
            if not m:
                raise SpecError('cannot parse function %r' % rest[:80])
            ret, name, ptext, atext = m.groups()
            # The parameter list ends at the parenthesis matching the first one.
            depth, end = 0, None
            body = rest[rest.index(name) + len(name):].lstrip()
            for i, ch in enumerate(body):
                if ch == '(':
                    depth += 1
                elif ch == ')':
                    depth -= 1
                    if depth == 0:
                        end = i
                        break
            ptext = body[1:end]
            atext = body[end + 1:].strip()
            params = [] if ptext.strip() in ('', 'void') else \
                [Param(p) for p in split_top(ptext)]
            spec.funcs.append(Func(ret.strip(), name, params,
                                   parse_annots(atext), len(spec.funcs) + 1))
        else:
            spec.settings[word] = rest
    return spec
