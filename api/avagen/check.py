"""The checks of a parsed spec's meaning: every parameter gets its kind."""

from . import callbacks, codecs, functions, kinds, outputs, resources
from .context import Ctx
from .errors import SpecError

KINDS = [kinds.DevPtr, kinds.PModeScalar, kinds.ByVal, kinds.Fixed, kinds.Scratch, kinds.In, kinds.ScaleFactor, kinds.String, kinds.Handles,
         kinds.Errcode, kinds.Opaque, kinds.Consumed, outputs.Out, outputs.OutHandles,
         outputs.New, callbacks.Callback, codecs.Strings, codecs.Blobs, codecs.Props,
         codecs.ZList, codecs.ImageDesc, codecs.KernelArg, codecs.Unmap, codecs.KParams,
         codecs.RtKParams, codecs.HostFn]
BY_ANNOT = {k.annot: k for k in KINDS}
MODIFIERS = {'wfix': kinds.Scalar}      # annotations that modify a kind


def param_error(f, p, msg, an=None):
    line = p.annots[an].line if an else p.where[1]
    return SpecError('%s: %s: %s' % (f.name, p.name, msg), (p.where[0], line))


def kind_of(ctx, f, p):
    """The kind class of parameter p of f, from its annotations and type."""
    for a in p.annots:
        if a not in BY_ANNOT and a not in MODIFIERS:
            where = ' (a function annotation)' if a in functions.FUNC_ANNOTS and a != 'new' else ''
            raise param_error(f, p, 'unknown parameter annotation @%s%s' % (a, where), a)
    found = [a for a in p.annots if a in BY_ANNOT]
    if len(found) > 1:
        raise param_error(f, p, '@%s and @%s: one kind per parameter' % tuple(found[:2]), found[1])
    if found:
        return BY_ANNOT[found[0]]
    if p.is_fnptr:
        raise param_error(f, p, 'a function pointer needs @callback')
    if p.ptr == 0:
        return kinds.Handle if ctx.handle_of(p.ctype) else kinds.Scalar
    raise param_error(f, p, 'a pointer parameter needs an annotation (@in, @out, ...)')


# names the generated stubs declare themselves (guest.py, worker.py)
RESERVED = {'c', 'st', 'ret', 'nobj', 'async_', 'map_s'}


def func(ctx, f):
    functions.check_args(f)
    functions.check_placement(ctx, f)
    resources.check(ctx, f)
    remoted = ctx.guest_generated(f) and not f.has('unsupported')
    for p in f.params if remoted else []:
        if p.name in RESERVED:
            raise param_error(f, p, 'the name is one the generated code uses; rename the parameter')
    for p in f.params:
        if not remoted:
            if p.annots:
                an = next(iter(p.annots))
                raise param_error(f, p, '@%s on a parameter of a function that is not remoted' % an, an)
            continue
        cls = kind_of(ctx, f, p)
        for m, target in MODIFIERS.items():
            if p.has(m) and cls is not target:
                raise param_error(f, p, '@%s applies to scalar parameters only' % m, m)
        p.kind = cls(ctx, f, p)
        p.kind.check_args()
    for p in f.params:
        if p.kind:
            p.kind.check()
    if remoted:
        functions.check_async_create_kinds(f)


def spec(sp):
    ctx = Ctx(sp)
    for f in sp.funcs:
        for p in f.params:
            if p.has('errcode') and ctx.errcode is None:
                raise param_error(f, p, '@errcode, but no errcode setting names the error output', 'errcode')
    for f in sp.funcs:
        func(ctx, f)
