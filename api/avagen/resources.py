"""Device-memory resources a call takes or gives back (docs/api-spec.md).

Function annotations:
  @alloc(SIZE)          a @new call: the new object holds SIZE bytes of
                        device memory, returned when its handle is dropped
                        (the handle type's release function says @free)
  @alloc(SIZE, ptr=P)   the call stores the new memory's address in the
                        @out parameter P; the worker remembers SIZE for it
  @free                 on a @release function: its handles give back what
                        @alloc charged them
  @free(P)              the call frees the memory at address P
  @mem_info(total=P, free=Q, type=T, when=COND)
                        the call reports the device's memory; under a quota
                        the worker lowers *P (and *Q) to what the tenant may
                        use (T: the type P points to, when it is void)
SIZE is charged to the session's tenant before the vendor call: over the
quota the call fails with the spec's oom_error, and nothing is allocated.
The worker's runtime is worker/worker_mem.c.

Device time (the sharing policy's currency):
  @submit(event=P)      the call submits device work and returns its event
                        in the @new parameter P; the worker measures it by
                        the event (avaw_<api>_time_event)
  @submit(stream=S)     the call submits device work to stream S; the
                        worker brackets it (avaw_<api>_time_begin/_end)
The worker holds a @submit call while the tenant's policy says so
(avaw_time_hold, worker/worker_time.c).
"""

from .errors import SpecError

ANNOTS = {
    'alloc': ((1, 1), ('ptr',), 'allocates device memory (size; ptr=: the @out address)'),
    'free': ((0, 1), (), 'gives device memory back (a @release function, or the address parameter)'),
    'mem_info': ((0, 0), ('total', 'free', 'type', 'when'), 'reports device memory (clamped to the quota)'),
    'submit': ((0, 0), ('event', 'stream'), 'submits device work (event=: its @new event; stream=: its stream)'),
}


def submit_event(f):
    """The @new event parameter a @submit(event=) call is measured by, or None."""
    return f.kw('submit', 'event') if f.has('submit') else None


def err(f, an, msg):
    return SpecError('%s: @%s: %s' % (f.name, an, msg), (f.where[0], f.annots[an].line))


def check_args(f, name, an):
    (lo, hi), keys, _ = ANNOTS[name]
    if not lo <= len(an.pos) <= hi:
        raise err(f, name, 'takes %s positional argument(s), got %d' %
                  (lo if lo == hi else '%d to %d' % (lo, hi), len(an.pos)))
    for k in an.kw:
        if k not in keys:
            raise err(f, name, 'unknown option %s= (options: %s)' % (k, ', '.join(keys) or 'none'))


def out_param(f, name, an):
    p = f.param(name)
    if p is None or not p.has('out'):
        raise err(f, an, '%r is not an @out parameter' % name)
    return p


def check(ctx, f):
    """The checks of f's resource annotations; ctx.sp's other functions known."""
    for name, an in f.annots.items():
        if name in ANNOTS:
            check_args(f, name, an)
    if f.has('alloc'):
        if not ctx.sp.settings['oom_error']:
            raise err(f, 'alloc', 'needs the oom_error setting (the API\'s out-of-memory status)')
        ptr = f.kw('alloc', 'ptr')
        if ptr:
            out_param(f, ptr, 'alloc')
            if ctx.returns_obj(f):
                raise err(f, 'alloc', 'ptr= needs a function that returns its status')
        elif not f.has('new'):
            raise err(f, 'alloc', 'needs @new (the object holds the memory) or ptr=')
        else:
            h = ctx.handle_of(f.ret)
            rel = next((g for g in ctx.sp.funcs if g.arg('release') == h['short']), None)
            if rel is None or not rel.has('free'):
                raise err(f, 'alloc', 'the release function of %s handles needs @free' % h['short'])
    if f.has('free'):
        if f.has('release'):
            if f.pos('free'):
                raise err(f, 'free', 'on a @release function takes no argument')
        elif not f.pos('free') or f.param(f.arg('free')) is None:
            raise err(f, 'free', 'needs the parameter holding the address (or @release)')
    if f.has('submit'):
        check_submit(f)
    if f.has('mem_info'):
        names = [f.kw('mem_info', k) for k in ('total', 'free') if f.kw('mem_info', k)]
        if not names:
            raise err(f, 'mem_info', 'needs total= or free=')
        for n in names:
            if out_param(f, n, 'mem_info').base == 'void' and not f.kw('mem_info', 'type'):
                raise err(f, 'mem_info', '%s points to void: needs type=' % n)


def check_submit(f):
    ev, st = f.kw('submit', 'event'), f.kw('submit', 'stream')
    if bool(ev) == bool(st):
        raise err(f, 'submit', 'needs one of event= (the @new event) or stream=')
    if ev and (f.param(ev) is None or not f.param(ev).has('new')):
        raise err(f, 'submit', '%r is not a @new parameter' % ev)
    if st and f.param(st) is None:
        raise err(f, 'submit', '%r is not a parameter' % st)


def addr(expr):
    return '(uint64_t)(uintptr_t)(%s)' % expr


class WorkerParts:
    """What the worker's generated function does for these annotations."""

    def __init__(self, w):
        self.w, self.f = w, w.f

    def before_call(self):
        f, api, out = self.f, self.w.ctx.api, []
        if f.has('submit'):     # first: nothing to undo yet
            out += self.w.bad_if('avaw_submit_unflagged(c)')
        if f.has('alloc'):
            oom = self.w.ctx.sp.settings['oom_error']
            out += ['const uint64_t mem_sz = (uint64_t)(%s);' % f.arg('alloc')] + \
                self.w.reply_if('avaw_mem_charge(c, mem_sz)', oom)
        if f.has('submit'):
            out.append('avaw_time_hold(c);')
            if f.kw('submit', 'stream'):
                out.append('avaw_%s_time_begin(c, %s);' % (api, f.kw('submit', 'stream')))
        return out

    def after_vendor(self):
        """Right after the vendor call: the submission's measurement."""
        f, api = self.f, self.w.ctx.api
        if not f.has('submit'):
            return []
        if f.kw('submit', 'stream'):
            return ['avaw_%s_time_end(c, %s, %s);' % (api, f.kw('submit', 'stream'), self.w.ok)]
        return ['avaw_%s_time_event(c, l_%s);' % (api, f.kw('submit', 'event'))]

    def after_call(self):
        f, ok, out = self.f, self.w.ok, []
        if f.has('alloc'):
            ptr = f.kw('alloc', 'ptr')
            keep = 'avaw_mem_keep_ptr(c, %s, mem_sz)' % addr('*' + ptr) if ptr else \
                'avaw_mem_keep_handle(c, new_id, mem_sz)'
            cond = '%s && %s' % (ok, ptr) if ptr else ok
            out += ['if (%s)' % cond, '\t%s;' % keep, 'else', '\tavaw_mem_uncharge(c, mem_sz);']
        if f.has('free') and f.pos('free'):
            out += ['if (%s)' % ok, '\tavaw_mem_free_ptr(c, %s);' % addr(f.arg('free'))]
        if f.has('mem_info'):
            out += ['if (%s)' % ok, '\tavaw_mem_info(c, %s, %s, sizeof(%s));' % self.info_args()]
        return out

    def info_args(self):
        f = self.f
        total, free = f.kw('mem_info', 'total'), f.kw('mem_info', 'free')
        p = f.param(total or free)
        width = f.kw('mem_info', 'type') or p.base
        when = f.kw('mem_info', 'when')
        pick = (lambda n: '(%s) ? (void *)%s : NULL' % (when, n)) if when else (lambda n: '(void *)%s' % n)
        return (pick(total) if total else 'NULL', pick(free) if free else 'NULL', width)
