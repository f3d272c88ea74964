"""AVA_TRACE: the call-count table of one generated file (userlib/guest_trace.h).

Every generated entry point counts its calls in its file's table; the guest
library prints the tables at exit when AVA_TRACE is set.
"""


def hit(var, index):
    return 'ava_trace_hit(&%s, %d);' % (var, index)


def table(ctx, var, rows):
    """The table var of rows [(name, unsupported)], registered at load."""
    n = max(len(rows), 1)
    names = ''.join('\t"%s",\n' % name for name, _ in rows) or '\t"",\n'
    unsup = ', '.join('1' if u else '0' for _, u in rows) or '0'
    return ('static const char *const %s_names[%d] = {\n%s};\n' % (var, n, names) +
            'static const unsigned char %s_unsupported[%d] = { %s };\n' % (var, n, unsup) +
            'static unsigned long %s_hits[%d];\n' % (var, n) +
            'static struct ava_trace_table %s = { "%s", %d, %s_names, %s_unsupported, %s_hits, 0 };\n\n'
            % (var, ctx.api, len(rows), var, var, var) +
            'static void __attribute__((constructor)) %s_register(void)\n{\n' % var +
            '\tava_trace_register(&%s);\n}\n' % var)
