"""Function annotations: what each takes and where it may appear."""

from . import resources
from .errors import SpecError

# name -> (min, max positional arguments; None: any), meaning
FUNC_ANNOTS = {
    'new': ((0, 0), 'returns a new object (the guest chooses its id)'),
    'async': ((0, 1), 'sent without waiting (when the condition holds)'),
    'async_create': ((0, 1), 'creates without waiting (when the condition holds): the guest-chosen id is the object'),
    'sync_point': ((0, 0), 'returns an earlier asynchronous call\'s error'),
    'defer_errors': ((0, 0), 'an @async call that defers its error even under async_errors last_error'),
    'retain': ((1, 1), 'reference count kept in the guest (handle type)'),
    'release': ((1, 1), 'the last release drops the host handle (handle type)'),
    'map': ((5, 5), 'returns a mapping mirrored in guest memory (queue, mem, flags, offset, size)'),
    'after': ((1, 1), 'guest hook after success (ret: the status; obj: a @new object)'),
    'wrap': ((0, 0), 'the entry point is a hand-written wrapper around the generated stub'),
    'guest': ((0, 0), 'answered in the guest library (hand-written)'),
    'via': ((1, None), 'the internal calls a @guest function uses (coverage)'),
    'internal': ((0, 0), 'not an API entry point; called by the runtime'),
    'wimpl': ((1, 1), 'the worker calls this function instead of the vendor\'s'),
    'unsupported': ((0, 0), 'not remoted: returns unsupported_error'),
}

# annotations that need another one
NEEDS = {'via': ('guest',), 'defer_errors': ('async', 'async_create')}
# annotations that exclude each other
ALONE = ('unsupported', 'guest')
# what @async_create cannot go with: it is @async; the caller reads nothing back
NOT_WITH_ASYNC_CREATE = ('async', 'sync_point', 'map')


def err(f, msg, line=None):
    return SpecError('%s: %s' % (f.name, msg), (f.where[0], line or f.where[1]))


def check_args(f):
    for name, an in f.annots.items():
        if name in resources.ANNOTS:
            continue    # resources.check
        if name not in FUNC_ANNOTS:
            raise err(f, 'unknown function annotation @%s' % name, an.line)
        lo, hi = FUNC_ANNOTS[name][0]
        if len(an.args) < lo or (hi is not None and len(an.args) > hi) or an.kw:
            want = lo if lo == hi else ('%d or more' % lo if hi is None else '%d to %d' % (lo, hi))
            raise err(f, '@%s takes %s argument(s), got %d' % (name, want, len(an.args)), an.line)


def check_placement(ctx, f):
    for name, an in f.annots.items():
        need = NEEDS.get(name)
        if need and not any(f.has(n) for n in need):
            raise err(f, '@%s applies only with @%s' % (name, ' or @'.join(need)), an.line)
    for alone in ALONE:
        others = [a for a in f.annots if a not in (alone, 'via')]
        if f.has(alone) and others:
            raise err(f, '@%s with @%s: a function that is not remoted takes no other annotation' %
                      (others[0], alone), f.annots[others[0]].line)
    for which in ('retain', 'release'):
        if f.has(which):
            if not ctx.sp.handle_by_short(f.arg(which)):
                raise err(f, '@%s(%s): not a handle type of this spec' % (which, f.arg(which)))
            if len(f.params) != 1 or not ctx.handle_of(f.params[0].ctype or ''):
                raise err(f, '@%s needs one handle parameter' % which)
    if f.has('new') and not ctx.handle_of(f.ret):
        raise err(f, '@new: the return type %s is not a handle type' % f.ret)
    if f.has('map') and not ctx.returns_obj(f):
        raise err(f, '@map: the function must return the mapped pointer')
    if f.has('async_create'):
        check_async_create(ctx, f)
    for which in ('async', 'sync_point'):
        if f.has(which) and ctx.returns_obj(f):
            raise err(f, '@%s needs a function that returns its status' % which, f.annots[which].line)
    if ctx.returns_obj(f) and ctx.worker_generated(f) and not (f.has('new') or f.has('map')):
        raise err(f, 'returns %s, not the status type: needs @new or @map' % f.ret)
    if ctx.dl and ctx.worker_generated(f) and (f.has('map') or f.has('new')):
        raise err(f, 'worker_dlopen supports status-returning functions only')


def check_async_create(ctx, f):
    """@async_create: one new object (the function's or one @new parameter)."""
    line = f.annots['async_create'].line
    for other in NOT_WITH_ASYNC_CREATE:
        if f.has(other):
            raise err(f, '@%s with @async_create (which is sent without waiting)' % other, f.annots[other].line)
    news = [p.name for p in f.params if p.has('new')] + (['the function'] if f.has('new') else [])
    if len(news) != 1:
        raise err(f, '@async_create needs one new object (@new on the function or one parameter), found %d' %
                  len(news), line)


def check_async_create_kinds(f):
    """After the kinds: nothing but the new object may come back to the caller."""
    if not f.has('async_create'):
        return
    for p in f.params:
        if p.kind.replies():
            raise err(f, '@async_create: %s comes back in the reply, which the caller does not wait for' %
                      p.name, f.annots['async_create'].line)
