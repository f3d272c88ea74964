"""The spec language (docs/api-spec.md): text -> Spec, strictly.

Every statement, setting, annotation and annotation argument is checked;
anything unknown, misplaced or malformed raises SpecError with the spec's
file and line.  The checks of what an annotation means (which parameter
kinds exist, what their arguments must name) are in kinds.py, codecs.py and
functions.py, next to the code each writes.
"""

import re

from . import settings as settingsmod
from .errors import SpecError

ANNOT_RE = re.compile(r'@(\w+)(?:\(((?:[^()]|\([^()]*(?:\([^()]*\))*[^()]*\))*)\))?')
# a function pointer: (*name) or (CALLCONV *name)
FNPTR_RE = re.compile(r'\(\s*(?:\w+\s*)?\*\s*(\w+)\s*\)')
KW_RE = re.compile(r'^(\w+)=(?!=)(.*)$')
STATEMENTS = ('api', 'header', 'handle', 'info', 'fn')
HANDLE_OPTS = ('release', 'retain', 'destroy', 'guest_id', 'worker_lookup', 'guest_value')


class Text:
    """One statement: continuation lines joined, each offset -> its line."""

    def __init__(self, path):
        self.path = path
        self.text = ''
        self.starts = []        # (offset, line number)

    def add(self, line, lineno):
        if self.text:
            self.text += ' '
        self.starts.append((len(self.text), lineno))
        self.text += line

    def line_at(self, offset):
        line = self.starts[0][1]
        for off, n in self.starts:
            if off <= offset:
                line = n
        return line

    def error(self, msg, offset=0):
        return SpecError(msg, (self.path, self.line_at(offset)))


def split_top(text, base=0, sep=','):
    """Splits on sep outside parentheses: [(part, offset of part)]."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text + sep):
        depth += (ch == '(') - (ch == ')')
        if ch == sep and depth == 0:
            part = text[start:i]
            lead = len(part) - len(part.lstrip())
            if part.strip():
                parts.append((part.strip(), base + start + lead))
            start = i + 1
    return parts


class Annotation:
    """@name(args): positional arguments and key=value options."""

    def __init__(self, name, args, line):
        self.name = name
        self.args = args
        self.line = line
        self.pos = [a for a in args if not KW_RE.match(a)]
        self.kw = dict(KW_RE.match(a).groups() for a in args if KW_RE.match(a))


def parse_annots(st, text, base):
    """'@in(size) @string' at offset base of statement st -> [Annotation]."""
    out, last = [], 0
    for m in ANNOT_RE.finditer(text):
        gap = text[last:m.start()].strip()
        if gap:
            raise st.error('unexpected text %r' % gap, base + last)
        args = [a for a, _ in split_top(m.group(2))] if m.group(2) is not None else []
        if m.group(2) is not None and not args:
            raise st.error('@%s(): empty argument list' % m.group(1), base + m.start())
        out.append(Annotation(m.group(1), args, st.line_at(base + m.start())))
        last = m.end()
    if text[last:].strip():
        raise st.error('unexpected text %r' % text[last:].strip(), base + last)
    return out


class Annotated:
    """Something with @annotations: a parameter or a function."""

    def has(self, a):
        return a in self.annots

    def arg(self, a, i=0, default=None):
        v = self.annots.get(a)
        return v.args[i] if v is not None and len(v.args) > i else default

    def kw(self, a, key, default=None):
        v = self.annots.get(a)
        return v.kw.get(key, default) if v is not None else default

    def pos(self, a):
        v = self.annots.get(a)
        return v.pos if v is not None else []

    def set_annots(self, st, annots):
        self.annots = {}
        for an in annots:
            if an.name in self.annots:
                raise SpecError('@%s given twice' % an.name, (st.path, an.line))
            self.annots[an.name] = an


class Param(Annotated):
    def __init__(self, st, text, offset):
        self.where = (st.path, st.line_at(offset))
        at = text.find('@')
        decl = (text if at < 0 else text[:at]).strip()
        self.set_annots(st, parse_annots(st, text[at:], offset + at) if at >= 0 else [])
        self.decl = decl
        self.kind = None        # set by the checks (kinds.classify)
        m = FNPTR_RE.search(decl)
        self.is_fnptr = bool(m)
        if m:
            self.name, self.ctype, self.base, self.ptr = m.group(1), None, None, 1
            return
        m = re.match(r'^(.*?)(\w+)$', decl)
        if not m or not m.group(1).strip():
            raise SpecError('cannot parse parameter %r' % decl, self.where)
        self.name = m.group(2)
        self.ctype = m.group(1).strip()
        self.ptr = self.ctype.count('*')
        self.base = ' '.join(self.ctype.replace('*', ' ').replace('const', ' ').split())


class Func(Annotated):
    def __init__(self, st, ret, name, params, annots, index):
        self.where = (st.path, st.line_at(0))
        self.ret = ret
        self.name = name
        self.params = params
        self.set_annots(st, annots)
        self.index = index

    def param(self, name):
        for p in self.params:
            if p.name == name:
                return p
        return None


class Spec:
    def __init__(self, path):
        self.path = path
        self.api = self.api_version = self.api_const = None
        self.headers = []
        self.settings = {}
        self.handles = []       # {'ctype', 'short', 'invalid', 'opts', 'index'}
        self.infos = {}         # table -> [(param value, kind)]
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
        return None


def statements(path):
    """The spec's statements, comments and blank lines dropped."""
    out, cur = [], None
    for n, raw in enumerate(open(path, encoding='utf-8').read().splitlines(), 1):
        line = raw.split('#', 1)[0].rstrip()
        if not line.strip():
            continue
        if line[0].isspace():
            if cur is None:
                raise SpecError('continuation line without a statement', (path, n))
            cur.add(line.strip(), n)
            continue
        cur = Text(path)
        cur.add(line.strip(), n)
        out.append(cur)
    return out


def parse_api(sp, st, rest):
    words = rest.split()
    if len(words) != 3 or sp.api:
        raise st.error('api takes <name> <version> <API id constant>, once')
    sp.api, sp.api_version, sp.api_const = words


def parse_handle(sp, st, rest):
    parts = rest.split()
    if len(parts) < 3:
        raise st.error('handle takes <C type> <short name> <invalid error> [option=value ...]')
    opts = {}
    for p in parts[3:]:
        key, eq, val = p.partition('=')
        if not eq or key not in HANDLE_OPTS or not val:
            raise st.error('handle %s: unknown option %r (options: %s)' % (parts[1], p, ', '.join(HANDLE_OPTS)))
        opts[key] = val
    if sp.handle_by_short(parts[1]) or sp.handle_by_ctype(parts[0]):
        raise st.error('handle %s declared twice' % parts[1])
    if 'destroy' in opts and 'release' in opts:
        raise st.error('handle %s: release= or destroy=, not both' % parts[1])
    if 'guest_value' in opts and 'guest_id' not in opts:
        raise st.error('handle %s: guest_value= (an integer handle) needs guest_id=' % parts[1])
    sp.handles.append({'ctype': parts[0], 'short': parts[1], 'invalid': parts[2],
                       'opts': opts, 'index': len(sp.handles) + 1})


def parse_info(sp, st, rest):
    parts = rest.split()
    if len(parts) < 2:
        raise st.error('info takes <table> <param value>=<kind> ...')
    ents = []
    for p in parts[1:]:
        key, eq, kind = p.partition('=')
        short = kind[:-2] if kind.endswith('[]') else kind
        if not eq or not (kind == 'props' or sp.handle_by_short(short)):
            raise st.error('info %s: %r is not <param value>=<handle>, <handle>[] or props' % (parts[0], p))
        ents.append((key, kind))
    sp.infos[parts[0]] = ents


def param_list(st, body):
    """The text between the parenthesis after the name and its match."""
    depth = 0
    for i, ch in enumerate(body):
        depth += (ch == '(') - (ch == ')')
        if depth == 0:
            return body[1:i], i
    raise st.error('unbalanced parentheses in the parameter list')


def parse_fn(sp, st, rest, base):
    m = re.match(r'^(.*?)\b(\w+)\s*\(', rest)
    if not m or not m.group(1).strip():
        raise st.error('cannot parse function %r' % rest[:80])
    ret, name = m.group(1).strip(), m.group(2)
    ptext, end = param_list(st, rest[m.end() - 1:])
    pbase = base + m.end()
    tail = m.end() - 1 + end + 1
    params = [] if ptext.strip() in ('', 'void') else \
        [Param(st, t, pbase + off) for t, off in split_top(ptext)]
    annots = parse_annots(st, rest[tail:], base + tail)
    if any(f.name == name for f in sp.funcs):
        raise st.error('function %s declared twice' % name)
    sp.funcs.append(Func(st, ret, name, params, annots, len(sp.funcs) + 1))


def parse_syntax(path):
    """The spec's statements as data, before the checks of their meaning."""
    sp = Spec(path)
    given = {}
    for st in statements(path):
        word = st.text.split(None, 1)[0]
        rest = st.text[len(word):].strip()
        if word == 'api':
            parse_api(sp, st, rest)
        elif word == 'header':
            sp.headers.append(rest)
        elif word == 'handle':
            parse_handle(sp, st, rest)
        elif word == 'info':
            parse_info(sp, st, rest)
        elif word == 'fn':
            parse_fn(sp, st, rest, len(st.text) - len(rest))
        elif word in settingsmod.SETTINGS:
            if word in given:
                raise st.error('setting %s given twice' % word)
            given[word] = settingsmod.parse_value(word, rest, st.error)
        else:
            raise st.error('unknown statement or setting %r (statements: %s; settings: %s)' %
                           (word, ', '.join(STATEMENTS), ', '.join(sorted(settingsmod.SETTINGS))))
    first = (path, 1)
    if not sp.api:
        raise SpecError('no api statement', first)
    sp.settings = settingsmod.with_defaults(given, lambda msg: SpecError(msg, first))
    return sp


def parse(path):
    """Parses and checks the spec at path; raises SpecError."""
    from . import check
    sp = parse_syntax(path)
    check.spec(sp)
    return sp
