"""What every writer needs to know about the spec: its settings, names."""


# The writers' names for the spec settings they read as they are
# (settings.py describes each setting).
SETTING_ATTRS = {
    'status': 'status_type', 'success': 'success', 'terr': 'transport_error', 'nomem': 'nomem_error',
    'unsup': 'unsupported_error', 'invalid_value': 'invalid_value', 'errcode': 'errcode', 'callconv': 'callconv',
    'dl': 'worker_dlopen', 'dl_err': 'worker_missing_error', 'dl_extra': 'worker_syms',
    'devptr_check': 'worker_devptr_check', 'range_check': 'worker_range_check', 'pmode': 'pointer_mode',
    'scale': 'scale_factor', 'guest_impl': 'guest_impl_prefix',
}


class Ctx:
    def __init__(self, sp):
        s = sp.settings
        self.sp = sp
        self.api = sp.api
        self.API = sp.api.upper()
        for attr, key in SETTING_ATTRS.items():
            setattr(self, attr, s[key])
        self.ok = '(ret == %s)' % self.success
        # handles shared with another spec's table (the CUDA runtime uses
        # the driver API's objects)
        self.hapi, self.htprefix = sp.api_const, self.API
        if s['handles_of']:
            other, self.hapi = s['handles_of']
            self.htprefix = other.upper()
        self.exports = s['exports'] == 'yes'
        self.defer_async = s['async_errors'] != 'last_error'
        self._exports = None

    def export_list(self):
        """The vendor library's exports (exports_list), or None."""
        from . import exportlist
        path = exportlist.list_path(self.sp)
        if path and self._exports is None:
            self._exports = exportlist.read(path)
        return self._exports

    def other_exports(self):
        """The exports no spec function defines: (ret, name, params, noproto)."""
        el = self.export_list()
        if el is None:
            return []
        defined = {el.aliases.get(f.name, f.name) for f in self.sp.funcs if not f.has('internal')}
        return [e for e in el.fns if e[1] not in defined]

    def forwarded_export(self, e):
        """The served function a per-thread default stream variant forwards to, or None."""
        el, name = self.export_list(), e[1]
        if e[3] or not name.endswith(('_ptsz', '_ptds')):
            return None
        served = {el.aliases.get(f.name, f.name) for f in self.sp.funcs
                  if not f.has('internal') and not f.has('unsupported')}
        return name[:-5] if name[:-5] in served else None

    def unsupported_exports(self):
        """The exports that answer the unsupported error."""
        return [e for e in self.other_exports() if not self.forwarded_export(e)]

    def traced(self):
        """The functions AVA_TRACE counts, in table order."""
        return [f for f in self.sp.funcs if not f.has('internal')]

    def ht(self, short):
        return 'AVA_HT_%s_%s' % (self.htprefix, short)

    def fid(self, f):
        return 'AVA_FN_%s_%s' % (self.API, f.name)

    def handle_of(self, ctype):
        return self.sp.handle_by_ctype(ctype.replace('const', '').strip())

    def int_handle(self, ctype):
        """guest_value= of an integer handle type (cuFFT's plans), else None."""
        h = self.handle_of(ctype)
        return h['opts'].get('guest_value') if h else None

    @staticmethod
    def is_async(f):
        """Is f sent without waiting (@async or @async_create, perhaps conditionally)?"""
        return f.has('async') or f.has('async_create')

    @staticmethod
    def async_cond(f):
        """The condition under which an asynchronous f is sent without waiting (None: always)."""
        return f.arg('async') or f.arg('async_create')

    def returns_obj(self, f):
        return f.ret != self.status

    def sig(self, f, prefix):
        ps = ', '.join(p.decl for p in f.params) or 'void'
        return '%s %s %s%s(%s)' % (f.ret, self.callconv, prefix, f.name, ps)

    def fail_stmt(self, f, err):
        """Returns err from f: through its error output if it returns an object."""
        if not self.returns_obj(f):
            return 'return %s;' % err
        ec = f.param(self.errcode) if self.errcode else None
        s = 'if (%s) *%s = %s; ' % (ec.name, ec.name, err) if ec else ''
        return '{ %sreturn NULL; }' % s

    def guest_generated(self, f):
        """Does the guest library have a generated stub for f?"""
        return not f.has('guest')

    def worker_generated(self, f):
        """Does the worker have a generated function for f?"""
        return not (f.has('unsupported') or f.has('guest') or f.has('retain') or f.has('release')
                    or self.release_callback(f))

    @staticmethod
    def callback_param(f):
        for p in f.params:
            if p.is_fnptr:
                return p
        return None

    def release_callback(self, f):
        cb = self.callback_param(f)
        return cb if cb is not None and cb.arg('callback') == 'on_release' else None


def esize(p):
    """The C size of one element the pointer parameter p points to."""
    if p.base == 'void' and p.ptr >= 2:
        return 'sizeof(void %s)' % ('*' * (p.ptr - 1))
    return '1' if p.base == 'void' else 'sizeof(%s)' % p.base


def indent(lines, n=1):
    return ['\t' * n + s for s in lines]
