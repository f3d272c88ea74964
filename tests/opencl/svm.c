/*
 * Coarse-grained buffer SVM: clSVMAlloc, map/write/unmap, a kernel walking
 * a linked list whose next pointers are SVM pointers stored in SVM memory
 * (clSetKernelArgSVMPointer for the head, CL_KERNEL_EXEC_INFO_SVM_PTRS for
 * the rest), clEnqueueSVMMemcpy (SVM to SVM, host to SVM, SVM to host),
 * clEnqueueSVMMemFill, clCloneKernel keeping the SVM argument and exec
 * info, clEnqueueSVMFree, and the argument errors of the SVM calls.
 * Without coarse-grained buffer SVM on the device it prints that and stops.
 */
#undef CL_TARGET_OPENCL_VERSION
#define CL_TARGET_OPENCL_VERSION 300
#include "cltest.h"

#include <stdio.h>
#include <string.h>

#define NODES 4
#define N 256

struct node {
    cl_int value;
    cl_int pad;
    cl_ulong next;	/* an SVM pointer, as the kernel sees it */
};

static const char *src =
    "struct node { int value; int pad; __global struct node *next; };\n"
    "__kernel void walk(__global struct node *head, __global int *out)\n"
    "{\n"
    "    int sum = 0, n = 0;\n"
    "    for (__global struct node *p = head; p; p = p->next) { sum += p->value; n++; }\n"
    "    out[0] = sum;\n"
    "    out[1] = n;\n"
    "}\n";

static void *svm(struct cltest *t, size_t size)
{
    void *p = clSVMAlloc(t->context, CL_MEM_READ_WRITE, size, 0);

    EXPECT(p != NULL, "clSVMAlloc(%zu) returned NULL", size);
    return p;
}

/* The list: node i holds 10 * (i + 1); returns the head. */
static struct node *make_list(struct cltest *t, struct node **nodes)
{
    int i;

    for (i = 0; i < NODES; i++)
        nodes[i] = svm(t, sizeof(struct node));
    for (i = 0; i < NODES; i++) {
        if (!nodes[i] || !CHECK(clEnqueueSVMMap(t->queue, CL_TRUE, CL_MAP_WRITE, nodes[i], sizeof(struct node),
                                                0, NULL, NULL)))
            return NULL;
        nodes[i]->value = 10 * (i + 1);
        nodes[i]->pad = 0;
        nodes[i]->next = i + 1 < NODES ? (cl_ulong)(uintptr_t)nodes[i + 1] : 0;
        CHECK(clEnqueueSVMUnmap(t->queue, nodes[i], 0, NULL, NULL));
    }
    return nodes[0];
}

static void run_walk(struct cltest *t, cl_kernel k, cl_int *out, const char *what)
{
    size_t one = 1;

    CHECK(clSetKernelArgSVMPointer(k, 1, out));
    CHECK(clEnqueueNDRangeKernel(t->queue, k, 1, NULL, &one, NULL, 0, NULL, NULL));
    CHECK(clFinish(t->queue));
    if (CHECK(clEnqueueSVMMap(t->queue, CL_TRUE, CL_MAP_READ, out, 2 * sizeof(cl_int), 0, NULL, NULL))) {
        printf("%s: sum %d, nodes %d\n", what, out[0], out[1]);
        CHECK(clEnqueueSVMUnmap(t->queue, out, 0, NULL, NULL));
    }
}

static void list_kernel(struct cltest *t)
{
    struct node *nodes[NODES] = { NULL };
    struct node *head = make_list(t, nodes);
    cl_int *out = svm(t, 2 * sizeof(cl_int));
    cl_program prog = cltest_build(t, src, "-cl-std=CL2.0");
    cl_kernel k = prog ? cltest_kernel(prog, "walk") : NULL, clone;
    cl_int err;
    int i;

    if (head && out && k) {
        CHECK(clSetKernelArgSVMPointer(k, 0, head));
        CHECK(clSetKernelExecInfo(k, CL_KERNEL_EXEC_INFO_SVM_PTRS, sizeof(nodes), nodes));
        run_walk(t, k, out, "walk");
        clone = clCloneKernel(k, &err);
        if (CHECK(err)) {
            run_walk(t, clone, out, "clone");
            /* a clone keeps the source's arguments; changing one leaves the other */
            CHECK(clSetKernelArgSVMPointer(clone, 0, nodes[2]));
            run_walk(t, clone, out, "clone from node 2");
            run_walk(t, k, out, "source again");
            clReleaseKernel(clone);
        }
    }
    if (k)
        clReleaseKernel(k);
    if (prog)
        clReleaseProgram(prog);
    for (i = 0; i < NODES; i++)
        clSVMFree(t->context, nodes[i]);
    clSVMFree(t->context, out);
}

static int sum(const cl_int *v, int n)
{
    int s = 0, i;

    for (i = 0; i < n; i++)
        s += v[i] * (i % 7 + 1);
    return s;
}

static void copies(struct cltest *t)
{
    cl_int *a = svm(t, N * sizeof(cl_int)), *b = svm(t, N * sizeof(cl_int)), host[N], back[N];
    cl_int pattern = 7;
    cl_event ev = NULL;
    int i;

    if (!a || !b)
        return;
    for (i = 0; i < N; i++)
        host[i] = i * 3 - 100;
    CHECK(clEnqueueSVMMemcpy(t->queue, CL_TRUE, a, host, sizeof(host), 0, NULL, NULL));
    CHECK(clEnqueueSVMMemcpy(t->queue, CL_FALSE, b, a, sizeof(host), 0, NULL, &ev));
    CHECK(clWaitForEvents(1, &ev));
    clReleaseEvent(ev);
    memset(back, 0, sizeof(back));
    CHECK(clEnqueueSVMMemcpy(t->queue, CL_TRUE, back, b, sizeof(back), 0, NULL, NULL));
    printf("memcpy: host->svm->svm->host %s, checksum %d\n", memcmp(host, back, sizeof(host)) ? "differs" : "same",
           sum(back, N));
    CHECK(clEnqueueSVMMemFill(t->queue, b + 16, &pattern, sizeof(pattern), 32 * sizeof(cl_int), 0, NULL, NULL));
    CHECK(clFinish(t->queue));
    if (CHECK(clEnqueueSVMMap(t->queue, CL_TRUE, CL_MAP_READ | CL_MAP_WRITE, b, N * sizeof(cl_int), 0, NULL,
                              NULL))) {
        printf("fill: checksum %d, b[15] %d, b[16] %d, b[47] %d, b[48] %d\n", sum(b, N), b[15], b[16], b[47],
               b[48]);
        b[0] = 12345;
        CHECK(clEnqueueSVMUnmap(t->queue, b, 0, NULL, NULL));
    }
    CHECK(clEnqueueSVMMemcpy(t->queue, CL_TRUE, back, b, sizeof(cl_int), 0, NULL, NULL));
    printf("unmap wrote back: %d\n", back[0]);
    CHECK(clEnqueueSVMMemcpy(t->queue, CL_TRUE, back, host, sizeof(host), 0, NULL, NULL));
    printf("host->host: %s\n", memcmp(host, back, sizeof(host)) ? "differs" : "same");
    CHECK(clEnqueueSVMMigrateMem(t->queue, 1, (const void **)&a, NULL, 0, 0, NULL, NULL));
    {
        void *both[2] = { a, b };

        CHECK(clEnqueueSVMFree(t->queue, 2, both, NULL, NULL, 0, NULL, NULL));
        CHECK(clFinish(t->queue));
    }
}

static void errors(struct cltest *t)
{
    cl_int *a = svm(t, 64), pattern = 1;

    printf("map NULL: %s\n", cl_err_name(clEnqueueSVMMap(t->queue, CL_TRUE, CL_MAP_READ, NULL, 4, 0, NULL, NULL)));
    printf("map size 0: %s\n", cl_err_name(clEnqueueSVMMap(t->queue, CL_TRUE, CL_MAP_READ, a, 0, 0, NULL, NULL)));
    printf("memcpy NULL: %s\n", cl_err_name(clEnqueueSVMMemcpy(t->queue, CL_TRUE, NULL, a, 4, 0, NULL, NULL)));
    printf("memcpy overlap: %s\n", cl_err_name(clEnqueueSVMMemcpy(t->queue, CL_TRUE, a + 1, a, 8, 0, NULL, NULL)));
    printf("fill pattern 3: %s\n", cl_err_name(clEnqueueSVMMemFill(t->queue, a, &pattern, 3, 12, 0, NULL, NULL)));
    printf("fill size not a multiple: %s\n",
           cl_err_name(clEnqueueSVMMemFill(t->queue, a, &pattern, 4, 6, 0, NULL, NULL)));
    printf("alloc size 0: %s\n", clSVMAlloc(t->context, CL_MEM_READ_WRITE, 0, 0) ? "pointer" : "NULL");
    printf("svm free none: %s\n", cl_err_name(clEnqueueSVMFree(t->queue, 1, NULL, NULL, NULL, 0, NULL, NULL)));
    clSVMFree(t->context, a);
}

int main(void)
{
    struct cltest t;
    cl_device_svm_capabilities caps = 0;

    if (cltest_init(&t, 0))
        return cltest_done("svm");
    CHECK(clGetDeviceInfo(t.device, CL_DEVICE_SVM_CAPABILITIES, sizeof(caps), &caps, NULL));
    printf("coarse-grained buffer SVM: %s\n", caps & CL_DEVICE_SVM_COARSE_GRAIN_BUFFER ? "yes" : "no");
    if (caps & CL_DEVICE_SVM_COARSE_GRAIN_BUFFER) {
        list_kernel(&t);
        copies(&t);
        errors(&t);
    }
    cltest_release(&t);
    return cltest_done("svm");
}
