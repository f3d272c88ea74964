"""The worker's dispatch: <api>_worker.c.

Each function decodes every parameter, checks them all (a malformed
command goes to `bad`, an argument the API refuses to `reply` with its
error), calls the vendor library, and replies.  Each parameter's part is
its kind's (kinds.py); this file holds the function-level frame and the
function annotations' parts (@new, @map, @async, @sync_point).
"""

from . import resources, tables
from .context import indent


class WorkerFn:
    def __init__(self, ctx, f):
        self.ctx, self.f, self.ok = ctx, f, ctx.ok
        self.kinds = [p.kind for p in f.params]
        self.res = resources.WorkerParts(self)

    # check helpers the kinds use (worker/worker_call.h: the return convention)
    @staticmethod
    def bad_if(cond):
        return ['if (%s)' % cond, '\tgoto bad;']

    @staticmethod
    def reply_if(cond, err):
        return ['if (%s) {' % cond, '\tret = %s;' % err, '\tgoto reply;', '}']

    def status_check(self, expr):
        """A check returning 0, AVAW_BAD or the API error to reply with."""
        return ['e = %s;' % expr] + self.bad_if('e == AVAW_BAD') + self.reply_if('e', '(%s)e' % self.ctx.status)

    def text(self):
        decode, check = self.decode(), self.check()
        head = ['%s ret = %s;' % (self.ctx.status, self.ctx.success)]
        if self.ctx.hapi != self.ctx.sp.api_const:
            head.append('c->api = %s;\t/* handles live in that API\'s table */' % self.ctx.hapi)
        if any(s.startswith('e = ') for s in check):
            head.append('int64_t e;')
        body = head + decode + self.bad_if('avaw_bad(c)') + check + self.res.before_call() + self.call() + self.post() + ['goto reply;']
        tail = self.async_failed() + ['avaw_put_u64(c, (uint64_t)(int64_t)ret);'] + self.reply() + \
            self.free(self.ok) + ['return;']
        bad = ['avaw_set_bad(c);'] + self.free('0')
        return '\n'.join(['static void w_%s(struct avaw_call *c)' % self.f.name, '{'] + indent(body) +
                         ['reply:'] + indent(tail) + ['bad:'] + indent(bad) + ['}', ''])

    def each(self, method, *args):
        out = []
        for k in self.kinds:
            out += getattr(k, method)(self, *args)
        return out

    def map_args(self):
        return self.f.annots['map'].args if self.f.has('map') else None

    def decode(self):
        out = ['uint64_t new_id = avaw_get_u64(c);'] if self.f.has('new') else []
        out += self.each('w_decode')
        if self.f.has('map'):
            out += ['uint64_t map_s = avaw_get_u64(c);', 'struct avaw_out o_map;', 'avaw_get_out(c, &o_map);',
                    'uint64_t map_id = 0, map_len = 0;']
        return out

    def check(self):
        out = self.each('w_check')
        if self.f.has('map'):
            out += self.bad_if('avaw_out(c, &o_map, ava_%s_map_reads(%s) ? map_s : 0, 1)' %
                               (self.ctx.api, self.map_args()[2]))
        if self.f.has('new'):
            out += self.bad_if('avaw_new_id_refused(c, new_id)')
        return out

    def call(self):
        f, ctx = self.f, self.ctx
        args = [k.w_arg(self) for k in self.kinds]
        callee = f.arg('wimpl') or f.name
        cargs = ', '.join((['c'] if f.has('wimpl') else []) + args)
        if ctx.dl:
            ready = 'avaw_%s_ready(c)' % ctx.api
            if not f.has('wimpl'):
                callee = 'avaw_%s_sym.%s' % (ctx.api, f.name)
                ready += ' || !%s' % callee
            run = ['if (!%s)' % ready, '\tret = %s;' % ctx.dl_err, 'else', '\tret = %s(%s);' % (callee, cargs)]
        elif f.has('map'):
            run = ['void *mptr = %s(%s);' % (callee, cargs)]
        elif f.has('new'):
            run = ['%s obj = %s(%s);' % (f.ret, callee, cargs)]
        else:
            run = ['ret = %s(%s);' % (callee, cargs)]
        return ['avaw_call_timer_start(c);'] + run + ['avaw_call_timer_stop(c);']

    def post(self):
        f, ctx, ok = self.f, self.ctx, self.ok
        out = self.res.after_vendor()
        if f.has('new'):
            # an object returned with an error is not ours to keep or release
            h = ctx.handle_of(f.ret)
            out += ['if (%s && obj && avaw_handle_new(c, new_id, %s, obj))' % (ok, ctx.ht(h['short'])),
                    '\tret = %s;' % ctx.terr]
        out += self.each('w_post') + self.res.after_call()
        if f.has('map'):
            queue, mobj, mflags, _, msize = self.map_args()
            out += ['if (%s && mptr)' % ok,
                    '\tret = avaw_%s_map_done(c, %s, %s, mptr, (uint64_t)(%s), map_s, %s, &o_map, &map_id, &map_len);'
                    % (ctx.api, queue, mobj, msize, mflags)]
        if f.has('sync_point'):
            out += ['if (%s)' % ok, '\tret = (%s)avaw_take_deferred(c, (int64_t)ret);' % ctx.status]
        return out

    def async_failed(self):
        """A call sent without waiting failed (its checks or the vendor): the ids it
        names for new objects stay taken by failed markers, its error is deferred."""
        f, ctx = self.f, self.ctx
        if not ctx.is_async(f):
            return []
        out = []
        if f.has('new'):
            out.append('avaw_handle_failed(c, new_id, %s);' % ctx.ht(ctx.handle_of(f.ret)['short']))
        out += self.each('w_failed')
        if ctx.defer_async or f.has('defer_errors'):
            out.append('avaw_defer(c, (int64_t)ret);')
        if not out:
            return []
        return ['if (!%s && avaw_is_async(c)) {' % self.ok] + indent(out) + ['}']

    def reply(self):
        out = self.each('w_reply')
        if self.f.has('map'):
            out += ['avaw_put_u64(c, map_id);', 'avaw_put_out(c, &o_map, map_len);']
        return out

    def free(self, ok):
        return self.each('w_free', ok)


def file_text(ctx):
    sp = ctx.sp
    header = sp.settings['worker_rt_header'] or '%s_worker_rt.h' % ctx.api
    out = ['/* Generated by api/gen.py from api/%s.spec: do not edit. */' % ctx.api,
           '#include "%s"' % header, '', tables.info_tables(ctx, 'ava_info_entry')]
    impl = [f for f in sp.funcs if ctx.worker_generated(f)]
    out += [WorkerFn(ctx, f).text() for f in impl]
    out.append('const avaw_fn avaw_%s_fns[AVA_FN_%s_COUNT] = {' % (ctx.api, ctx.API))
    out += ['\t[%s] = w_%s,' % (ctx.fid(f), f.name) for f in impl]
    out += ['};', '']
    if ctx.dl:
        out += tables.dl_loader(ctx)
    if ctx.hapi == sp.api_const:        # else the handle types are the other API's
        out += tables.handle_types(ctx)
    return '\n'.join(out) + '\n'
