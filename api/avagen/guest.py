"""The guest library's stubs: <api>_guest.c.

A remoted stub prepares (new objects, callback cookies), begins the call,
puts each parameter, exchanges, reads each result and finishes (publishes
new objects, runs hooks).  Each parameter's part is its kind's
(kinds.py); this file holds the function-level frame.
"""

from . import tables, trace
from .context import indent


class GuestFn:
    def __init__(self, ctx, f):
        self.ctx, self.f, self.ok = ctx, f, ctx.ok
        self.kinds = [p.kind for p in f.params]
        self.undo = []          # what a failure before the exchange undoes

    def fail_if(self, cond, err):
        """Lines returning err when cond holds, undoing what was prepared."""
        body = list(reversed(self.undo)) + [self.ctx.fail_stmt(self.f, err)]
        if len(body) == 1:
            return ['if (%s)' % cond, '\t' + body[0]]
        return ['if (%s) {' % cond] + indent(body) + ['}']

    def signature(self):
        f, ctx = self.f, self.ctx
        if ctx.exports and not (f.has('wrap') or f.has('internal')):
            return 'AVA_EXPORT %s' % ctx.sig(f, '')
        static = '' if (f.has('wrap') or f.has('internal')) else 'static '
        return '%s%s' % (static, ctx.sig(f, 'avagen_'))

    def text(self):
        f = self.f
        if f.has('unsupported'):
            body = self.unsupported()
        elif f.has('retain') or f.has('release'):
            body = self.refcount()
        elif self.ctx.release_callback(f):
            body = self.on_release()
        else:
            body = self.remote()
        return '\n'.join([self.signature(), '{'] + indent(self.trace_hit() + body) + ['}', ''])

    def trace_hit(self):
        traced = self.ctx.traced()
        return [trace.hit('trace_calls', traced.index(self.f))] if self.f in traced else []

    def guest_impl(self):
        """A @guest function's entry point: counts, calls the hand-written one."""
        f, ctx = self.f, self.ctx
        call = '%s%s(%s);' % (ctx.guest_impl, f.name, ', '.join(p.name for p in f.params))
        body = self.trace_hit() + [call if f.ret == 'void' else 'return ' + call]
        return '\n'.join(['%s;' % ctx.sig(f, ctx.guest_impl), 'AVA_EXPORT %s' % ctx.sig(f, ''), '{'] +
                         indent(body) + ['}', ''])

    # ------------------------------------------------------------ small shapes
    def unsupported(self):
        return ['(void)%s;' % p.name for p in self.f.params] + \
            ['ava_unsupported("%s");' % self.f.name, self.ctx.fail_stmt(self.f, self.ctx.unsup)]

    def refcount(self):
        f, ctx = self.f, self.ctx
        which = 'retain' if f.has('retain') else 'release'
        h = ctx.sp.handle_by_short(f.arg(which))
        return ['return ava_obj_%s(%s, %s) ? %s : %s;' %
                (which, f.params[0].name, ctx.ht(h['short']), h['invalid'], ctx.success)]

    def on_release(self):
        cb = self.ctx.release_callback(self.f)
        obj = cb.kind.a(1)
        h = self.ctx.handle_of(self.f.param(obj).ctype)
        return ['return ava_obj_on_release(%s, %s, (void (*)(void))%s, %s, %s, %s);' %
                (obj, self.ctx.ht(h['short']), cb.name, cb.kind.user_data(), h['invalid'],
                 self.ctx.invalid_value)]

    # ------------------------------------------------------------ remoted call
    def remote(self):
        sent = self.declarations() + self.prepare() + self.begin() + self.puts() + \
            ['st = ava_call_exchange(&c);'] + self.async_return()
        if self.ctx.is_async(self.f) and not self.async_cond():
            return sent         # never waits for the reply
        return sent + self.transport_failure() + ['ret = (%s)ava_get_u64(&c);' % self.ctx.status] + \
            self.gets() + ['ava_call_end(&c);'] + self.finish() + self.return_value()

    def async_cond(self):
        return self.ctx.async_cond(self.f)

    def declarations(self):
        f, ctx = self.f, self.ctx
        out = ['struct ava_call c;', 'int st;']
        if ctx.returns_obj(f):
            out.append('%s ret = %s;' % (ctx.status, ctx.success))
        elif not ctx.is_async(f) or self.async_cond() or f.has('after'):
            out.append('%s ret;' % ctx.status)
        if self.async_cond():
            out.append('const int async_ = (%s) != 0;' % self.async_cond())
        return out

    def prepare(self):
        f, ctx, out = self.f, self.ctx, []
        if f.has('new'):
            h = ctx.handle_of(f.ret)
            out.append('struct ava_obj *nobj = ava_obj_new(%s, %s);' % (ctx.hapi, ctx.ht(h['short'])))
            out += self.fail_if('!nobj', ctx.nomem)
            self.undo.append('ava_obj_discard(nobj);')
        for k in self.kinds:
            out += k.g_prepare(self)
        if f.has('map'):
            out.append('uint64_t map_s = (uint64_t)(%s);' % f.arg('map', 4))
        return out

    def begin(self):
        f, ctx = self.f, self.ctx
        mode = 'async_' if self.async_cond() else ('1' if ctx.is_async(f) else '0')
        out = self.fail_if('ava_call_begin(&c, %s, %s, %s)' % (ctx.sp.api_const, ctx.fid(f), mode), ctx.terr)
        # the host module holds flagged submissions; the worker refuses unflagged ones
        return out + (['c.flags = AVA_CMD_SUBMIT;'] if f.has('submit') else [])

    def puts(self):
        out = ['ava_put_u64(&c, nobj->id);'] if self.f.has('new') else []
        for k in self.kinds:
            out += k.g_put(self)
        if self.f.has('map'):
            out += ['ava_put_u64(&c, map_s);',
                    'ava_put_out(&c, &c, ava_%s_map_reads(%s) ? map_s : 0);' % (self.ctx.api, self.f.arg('map', 2))]
        return out

    def status_error(self):
        ctx = self.ctx
        return 'ava_status_error(st, %s, %s, %s)' % (ctx.terr, ctx.nomem, ctx.unsup)

    def async_return(self):
        """A call sent without waiting returns here: success, or its transport error."""
        f, ctx = self.f, self.ctx
        if not ctx.is_async(f):
            return []
        out = ['ava_call_end(&c);', 'if (st != AVA_S_OK) {'] + indent(list(reversed(self.undo))) + \
            ['\t' + ctx.fail_stmt(f, self.status_error()), '}']
        for k in self.kinds:
            out += k.g_async_done(self)
        out += self.async_created()
        if not self.async_cond():
            return out
        return ['if (ava_call_is_async(&c)) {'] + indent(out) + ['}']

    def async_created(self):
        """@async_create: the new object is the caller's at once (the worker binds its id)."""
        f, ctx = self.f, self.ctx
        out = ['ava_obj_publish(nobj);'] if f.has('new') else []
        if f.has('after'):     # the hook sees ret (success) and obj, as after a reply
            obj = ['\tstruct ava_obj *obj = nobj;'] if f.has('new') else []
            out += ['ret = %s;' % ctx.success, '{'] + obj + ['\t%s;' % f.arg('after'), '}']
        if not ctx.returns_obj(f):
            return out + ['return %s;' % ctx.success]
        ec = f.param(ctx.errcode) if ctx.errcode else None
        out += ['if (%s)' % ec.name, '\t*%s = %s;' % (ec.name, ctx.success)] if ec else []
        return out + ['return (%s)nobj;' % f.ret]

    def transport_failure(self):
        out = ['ava_call_end(&c);'] + list(reversed(self.undo)) + ['ret = %s;' % self.status_error()]
        out += self.errcode_write() + ['return %s;' % ('NULL' if self.ctx.returns_obj(self.f) else 'ret')]
        return ['if (st != AVA_S_OK) {'] + indent(out) + ['}']

    def errcode_write(self):
        ec = self.f.param(self.ctx.errcode) if self.ctx.errcode else None
        return ['if (%s)' % ec.name, '\t*%s = ret;' % ec.name] if ec else []

    def gets(self):
        out = []
        for k in self.kinds:
            out += k.g_get(self)
        if self.f.has('map'):
            _, mobj, mflags, moff, _ = self.f.annots['map'].args
            out += ['uint64_t map_id = ava_get_u64(&c);', 'void *mp = NULL;',
                    'if (%s && !(mp = ava_map_open(%s, map_id, %s, map_s, ava_%s_map_writes(%s))))' %
                    (self.ok, mobj, moff, self.ctx.api, mflags),
                    '\tret = %s;' % self.ctx.nomem, 'ava_get_out(&c, mp, mp ? map_s : 0);']
        return out

    def finish(self):
        f, out = self.f, []
        if f.has('new'):
            out += ['if (!%s) {' % self.ok, '\tava_obj_discard(nobj);', '\tnobj = NULL;',
                    '} else {', '\tava_obj_publish(nobj);', '}']
        if f.has('after'):
            # the hook sees ret (the status) and, for @new, obj (the new object)
            obj = ['\tstruct ava_obj *obj = nobj;'] if f.has('new') else []
            out += ['if (%s) {' % self.ok] + obj + ['\t%s;' % f.arg('after'), '}']
        for k in self.kinds:
            out += k.g_finish(self)
        return out

    def return_value(self):
        if not self.ctx.returns_obj(self.f):
            return ['return ret;']
        return self.errcode_write() + ['return %s;' % ('mp' if self.f.has('map') else '(%s)nobj' % self.f.ret)]


def file_text(ctx):
    sp = ctx.sp
    header = sp.settings['guest_rt_header'] or '%s_guest_rt.h' % ctx.api
    out = ['/* Generated by api/gen.py from api/%s.spec: do not edit. */' % ctx.api,
           '#include "%s"' % header, '#include "guest_trace.h"', '', tables.info_tables(ctx, 'ava_info_entry'),
           trace.table(ctx, 'trace_calls', [(f.name, f.has('unsupported')) for f in ctx.traced()])]
    for f in sp.funcs:
        if ctx.guest_generated(f):
            out.append(GuestFn(ctx, f).text())
        elif ctx.guest_impl and ctx.exports:
            out.append(GuestFn(ctx, f).guest_impl())
    out.append(tables.icd_table(ctx))
    return '\n'.join(out) + '\n'
