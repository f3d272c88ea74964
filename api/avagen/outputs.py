"""Parameter kinds the call writes: @out, @out_handles, @new."""

from . import resources
from .context import esize
from .kinds import Kind


class Out(Kind):
    """@out[(count)]: an output array (one element without count).

    Options: inout (the current content goes along), always (returned even
    on failure), ret=P (only the first *P bytes come back), info=T:K
    (handles in the info value translated by table T, keyed by K),
    deferred=COND (when COND, a non-blocking read collected later),
    stream=COND (may stream through the arena).
    """
    pointer = True
    annot = 'out'
    args = (0, 1)
    flags = ('inout', 'always')
    keys = ('ret', 'info', 'deferred', 'stream')

    def check(self):
        r = self.kw('ret')
        if r:
            self.names_param(r, 'out')
        info = self.kw('info')
        if info:
            table, _, key = info.partition(':')
            if table not in self.ctx.sp.infos or not key:
                raise self.error('info=%s: not <info table>:<parameter>' % info)
            self.names_param(key)
        if self.kw('deferred') and not self.event():
            raise self.error('deferred= needs a @new event parameter in the function')

    def kw(self, key):
        return self.p.kw('out', key)

    def has_flag(self, flag):
        return flag in self.p.pos('out')

    def bytes(self):
        return '(uint64_t)(%s) * %s' % (self.a(0, '1'), esize(self.p))

    def event(self):
        for q in self.f.params:
            if q.has('new'):
                return q
        return None

    def replies(self):
        return True

    def ok_or_always(self, w):
        return '1' if self.has_flag('always') else w.ok

    # guest side
    def g_prepare(self, g):
        d = self.kw('deferred')
        return ['const int df_%s = (%s) && %s != NULL;' % (self.n, d, self.n)] if d else []

    def g_put(self, g):
        n = self.n
        pre = ['ava_put_u64(&c, df_%s);' % n] if self.kw('deferred') else []
        if self.kw('stream'):
            # large outputs may stream through the arena; a deferred one's
            # stream only carries its length (the worker aborts it and the
            # data streams when collected)
            # (inout: what the call leaves alone goes along when it does not stream)
            allow = '(%s)' % self.kw('stream')
            fn = 'ava_put_inout_stream' if self.has_flag('inout') else 'ava_put_out_stream'
            return pre + ['%s(&c, %s, %s, %s);' % (fn, n, self.bytes(), allow)]
        # inout: the call writes only part of the buffer; the rest must survive
        fn = 'ava_put_inout' if self.has_flag('inout') else 'ava_put_out'
        return pre + ['%s(&c, %s, %s);' % (fn, n, self.bytes())]

    def g_get(self, g):
        n, get = self.n, 'ava_get_out(&c, %s ? %s : NULL, %s)' % (self.ok_or_always(g), self.n, self.bytes())
        if self.kw('deferred'):
            # a non-blocking read: the data arrives after the call completes
            return ['if (df_%s) {' % n,
                    '\tuint64_t pid = ava_get_u64(&c);',
                    '\tava_get_out(&c, NULL, 0);',
                    '\tif (%s && pid)' % g.ok,
                    '\t\tava_pending_add(pid, %s, %s);' % (n, self.bytes()),
                    '} else {', '\t%s;' % get, '}']
        if not self.kw('info'):
            return [get + ';']
        table, key = self.kw('info').split(':')
        return ['{', '\tuint64_t got = %s;' % get,
                '\tif (%s && %s)' % (g.ok, n),
                '\t\tava_info_from_wire(%s, info_%s, %s, %s, got);' % (self.ctx.hapi, table, key, n), '}']

    # worker side
    def size_param_of(self):
        """The @out parameter whose ret= names this one, if any."""
        for q in self.f.params:
            if q.kw('out', 'ret') == self.n:
                return q
        return None

    def private(self):
        # outputs the worker reads back (handles to translate, sizes) are
        # kept in private memory, never in caller-writable memory
        # and so is an address the worker remembers (@alloc(ptr=))
        return bool(self.kw('info') or self.kw('ret') or self.size_param_of() or
                    self.f.kw('alloc', 'ptr') == self.n)

    def w_decode(self, w):
        n, out = self.n, []
        if self.kw('deferred'):
            out += ['uint64_t df_%s = avaw_get_u64(c);' % n, 'uint64_t pid_%s = 0;' % n]
        get = 'avaw_get_out_stream' if self.kw('stream') else 'avaw_get_out'
        out += ['struct avaw_out o_%s;' % n, '%s(c, &o_%s);' % (get, n), '%s %s = NULL;' % (self.p.ctype, n)]
        if self.size_param_of():
            out.append('size_t lr_%s = 0;' % n)
        return out

    def w_check(self, w):
        n = self.n
        fn = 'avaw_out_private' if self.private() else 'avaw_out'
        out = w.bad_if('%s(c, &o_%s, (uint64_t)(%s), %s)' % (fn, n, self.a(0, '1'), esize(self.p)))
        d = self.kw('deferred')
        if d:
            out += w.bad_if('df_%s && avaw_out_defer(c, &o_%s)' % (n, n))
            flag = d.strip()[1:] if d.strip().startswith('!') else None
            if flag and flag.isidentifier():
                # not deferred, the output is transient: a non-blocking
                # call would write it after the reply (the guest never asks)
                out += w.bad_if('!df_%s && !%s && o_%s.present' % (n, flag, n))
        return out + ['%s = (%s)o_%s.p;' % (n, self.p.ctype, n)]

    def w_arg(self, w):
        if self.size_param_of():
            return '(o_%s.present ? %s : &lr_%s)' % (self.n, self.n, self.n)
        return self.n

    def reply_len(self):
        n, r = self.n, self.kw('ret')
        if r:
            return 'avaw_min(o_%s.cap, o_%s.present ? *(size_t *)o_%s.p : lr_%s)' % (n, r, r, r)
        return 'o_%s.cap' % n

    def w_post(self, w):
        n, out = self.n, []
        if self.kw('info'):
            table, key = self.kw('info').split(':')
            out += ['if (%s && o_%s.p)' % (w.ok, n),
                    '\tavaw_info_to_wire(c, info_%s, %s, o_%s.p, %s);' % (table, key, n, self.reply_len())]
        if self.kw('deferred'):
            ev = self.event()
            h = self.ctx.handle_of(ev.base)
            out += ['if (df_%s && %s)' % (n, w.ok),
                    '\tpid_%s = avaw_pending_add(c, &o_%s, %s, l_%s);' % (n, n, self.ctx.ht(h['short']), ev.name)]
        return out

    def w_reply(self, w):
        n = self.n
        put = 'avaw_put_out(c, &o_%s, %s ? %s : 0);' % (n, self.ok_or_always(w), self.reply_len())
        if not self.kw('deferred'):
            return [put]
        return ['if (df_%s) {' % n, '\tavaw_put_u64(c, pid_%s);' % n, '\tavaw_put_out(c, &o_%s, 0);' % n,
                '} else {', '\t' + put, '}']


class OutHandles(Kind):
    """@out_handles(count[, owned]): an output array of handles."""
    pointer = True
    annot = 'out_handles'
    args = (1, 1)
    flags = ('owned',)

    def check(self):
        self.handle(self.p.base)

    def owned(self):
        return 1 if 'owned' in self.p.pos('out_handles') else 0

    def replies(self):
        return True

    def g_put(self, g):
        return ['ava_put_out(&c, %s, (uint64_t)(%s) * sizeof(uint64_t));' % (self.n, self.a())]

    def g_get(self, g):
        return ['ava_get_handles(&c, %s ? (void **)%s : NULL, (uint64_t)(%s), %s, %s, %d);' %
                (g.ok, self.n, self.a(), self.ctx.hapi, self.ht(), self.owned())]

    def w_decode(self, w):
        n = self.n
        return ['struct avaw_out o_%s;' % n, 'avaw_get_out(c, &o_%s);' % n, '%s %s = NULL;' % (self.p.ctype, n)]

    def w_check(self, w):
        n = self.n
        return w.bad_if('avaw_out_private(c, &o_%s, (uint64_t)(%s), sizeof(void *))' % (n, self.a())) + \
            ['%s = (%s)o_%s.p;' % (n, self.p.ctype, n)]

    def w_post(self, w):
        n = self.n
        return ['if (%s && o_%s.p)' % (w.ok, n),
                '\tavaw_export_array(c, o_%s.p, o_%s.cap / sizeof(void *), %s, %d);' %
                (n, n, self.ht(), self.owned())]

    def w_reply(self, w):
        return ['avaw_put_out(c, &o_%s, %s ? o_%s.cap : 0);' % (self.n, w.ok, self.n)]


class New(Kind):
    """@new: the output handle of a new object; the guest chooses its id."""
    pointer = True
    annot = 'new'

    def check(self):
        self.handle(self.p.base)

    def deferred(self):
        return [q.name for q in self.f.params if q.kw('out', 'deferred')]

    def g_prepare(self, g):
        n = self.n
        out = ['struct ava_obj *n_%s = NULL;' % n]
        out += g.fail_if('%s && !(n_%s = ava_obj_new(%s, %s))' % (n, n, self.ctx.hapi, self.ht()), self.ctx.nomem)
        g.undo.append('ava_obj_discard(n_%s);' % n)
        return out

    def g_put(self, g):
        return ['ava_put_u64(&c, n_%s ? n_%s->id : 0);' % (self.n, self.n)]

    def value(self):
        """What the caller receives: the object, or an integer handle's value."""
        num = self.ctx.int_handle(self.p.base)
        return '%s(n_%s)' % (num, self.n) if num else '(%s)n_%s' % (self.p.base, self.n)

    def g_async_done(self, g):
        n = self.n
        return ['if (n_%s) {' % n, '\tava_obj_publish(n_%s);' % n,
                '\t*%s = %s;' % (n, self.value()), '}']

    def g_finish(self, g):
        n = self.n
        return ['if (n_%s) {' % n, '\tif (%s) {' % g.ok, '\t\tava_obj_publish(n_%s);' % n,
                '\t\t*%s = %s;' % (n, self.value()), '\t} else {',
                '\t\tava_obj_discard(n_%s);' % n, '\t}', '}']

    def w_decode(self, w):
        null = '0' if self.ctx.int_handle(self.p.base) else 'NULL'
        return ['uint64_t n_%s = avaw_get_u64(c);' % self.n, '%s l_%s = %s;' % (self.p.base, self.n, null)]

    def w_check(self, w):
        return w.bad_if('n_%s && avaw_new_id_refused(c, n_%s)' % (self.n, self.n))

    def w_failed(self, w):
        return ['if (n_%s)' % self.n, '\tavaw_handle_failed(c, n_%s, %s);' % (self.n, self.ht())]

    def measured(self):
        """The worker measures the call's device time by this event (@submit)."""
        return resources.submit_event(self.f) == self.n

    def w_arg(self, w):
        want = ['n_%s' % self.n] + ['df_%s' % d for d in self.deferred()]
        want += ['avaw_time_on()'] if self.measured() else []
        return '((%s) ? &l_%s : NULL)' % (' || '.join(want), self.n)

    def w_post(self, w):
        n = self.n
        if self.ctx.int_handle(self.p.base):    # any value (0 too) is a plan
            return ['if (%s && n_%s)' % (w.ok, n),
                    '\tavaw_handle_new(c, n_%s, %s, (void *)(intptr_t)l_%s);' % (n, self.ht(), n)]
        out = ['if (%s && n_%s && l_%s)' % (w.ok, n, n),
               '\tavaw_handle_new(c, n_%s, %s, l_%s);' % (n, self.ht(), n)]
        if self.deferred() or self.measured():
            # an event only the worker wanted (a deferred read, the device time)
            out += ['else if (l_%s)' % n, '\tavaw_obj_release(c, %s, l_%s);' % (self.ht(), n)]
        return out
