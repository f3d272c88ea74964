/*
 * 2D images (RGBA / UNORM_INT8): supported formats, clCreateImage and
 * clGetImageInfo, full and partial write/read with row pitches, image copy,
 * image <-> buffer copies, a sampler read by a kernel (read_imagef),
 * write_imagef, clEnqueueFillImage and clEnqueueMapImage.
 * Without CL_DEVICE_IMAGE_SUPPORT it prints "images: not supported".
 */
#include "cltest.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *src =
    "__kernel void sample(__read_only image2d_t img, sampler_t s,\n"
    "                     __global float4 *out)\n"
    "{\n"
    "    int x = get_global_id(0), y = get_global_id(1);\n"
    "    /* x - 2 is off the image for x < 2: clamped to the edge. */\n"
    "    out[y * get_global_size(0) + x] = read_imagef(img, s, (int2)(x - 2, y));\n"
    "}\n"
    "\n"
    "__kernel void gradient(__write_only image2d_t img)\n"
    "{\n"
    "    int x = get_global_id(0), y = get_global_id(1);\n"
    "    write_imagef(img, (int2)(x, y),\n"
    "                 (float4)(x, y, x + y, 255) / 255.0f);\n"
    "}\n";

enum { W = 64, H = 48, PX = 4 };
#define IMG_BYTES (W * H * PX)

static const cl_image_format rgba8 = {CL_RGBA, CL_UNORM_INT8};

/* Host emulation of copying a region between two pitched RGBA8 images. */
static void px_copy(unsigned char *dst, size_t dpitch, size_t dx, size_t dy,
                    const unsigned char *src_, size_t spitch, size_t sx,
                    size_t sy, size_t w, size_t h)
{
    for (size_t y = 0; y < h; y++)
        memcpy(dst + (dy + y) * dpitch + dx * PX,
               src_ + (sy + y) * spitch + sx * PX, w * PX);
}

static cl_mem image(struct cltest *t, cl_mem_flags flags, void *host,
                    size_t row_pitch)
{
    cl_int err;
    cl_image_desc d;
    memset(&d, 0, sizeof d);
    d.image_type = CL_MEM_OBJECT_IMAGE2D;
    d.image_width = W;
    d.image_height = H;
    d.image_row_pitch = row_pitch;
    cl_mem m = clCreateImage(t->context, flags, &rgba8, &d, host, &err);
    if (!CHECK(err))
        return NULL;
    return m;
}

static int read_image(struct cltest *t, cl_mem img, unsigned char *out)
{
    size_t o[3] = {0, 0, 0}, r[3] = {W, H, 1};
    return CHECK(clEnqueueReadImage(t->queue, img, CL_TRUE, o, r, 0, 0, out, 0,
                                    NULL, NULL));
}

static void formats(struct cltest *t)
{
    static const struct {
        cl_mem_flags flags;
        const char *name;
    } kinds[] = {{CL_MEM_READ_ONLY, "READ_ONLY"},
                 {CL_MEM_WRITE_ONLY, "WRITE_ONLY"},
                 {CL_MEM_READ_WRITE, "READ_WRITE"}};
    for (int i = 0; i < 3; i++) {
        cl_uint n = 0;
        CHECK(clGetSupportedImageFormats(t->context, kinds[i].flags,
                                         CL_MEM_OBJECT_IMAGE2D, 0, NULL, &n));
        cl_image_format *f = calloc(n ? n : 1, sizeof *f);
        CHECK(clGetSupportedImageFormats(t->context, kinds[i].flags,
                                         CL_MEM_OBJECT_IMAGE2D, n, f, NULL));
        int found = 0;
        for (cl_uint j = 0; j < n; j++)
            found |= f[j].image_channel_order == CL_RGBA &&
                     f[j].image_channel_data_type == CL_UNORM_INT8;
        printf("2D %s formats include RGBA/UNORM_INT8: %s\n", kinds[i].name,
               found ? "yes" : "NO");
        EXPECT(found, "RGBA/UNORM_INT8 missing for %s", kinds[i].name);
        free(f);
    }
}

static void image_info(struct cltest *t, cl_mem img)
{
    cl_image_format f = {0, 0};
    size_t w = 0, h = 0, elem = 0, pitch = 0;
    cl_mem_object_type type = 0;
    CHECK(clGetImageInfo(img, CL_IMAGE_FORMAT, sizeof f, &f, NULL));
    CHECK(clGetImageInfo(img, CL_IMAGE_WIDTH, sizeof w, &w, NULL));
    CHECK(clGetImageInfo(img, CL_IMAGE_HEIGHT, sizeof h, &h, NULL));
    CHECK(clGetImageInfo(img, CL_IMAGE_ELEMENT_SIZE, sizeof elem, &elem,
                         NULL));
    CHECK(clGetImageInfo(img, CL_IMAGE_ROW_PITCH, sizeof pitch, &pitch, NULL));
    CHECK(clGetMemObjectInfo(img, CL_MEM_TYPE, sizeof type, &type, NULL));
    cl_context c = NULL;
    CHECK(clGetMemObjectInfo(img, CL_MEM_CONTEXT, sizeof c, &c, NULL));
    int fmt_ok = f.image_channel_order == CL_RGBA &&
                 f.image_channel_data_type == CL_UNORM_INT8;
    printf("image info: format %s, %zux%zu, element size %zu, row pitch "
           ">= width: %s, type %s, context %s\n",
           fmt_ok ? "RGBA/UNORM_INT8" : "WRONG", w, h, elem,
           pitch >= W * PX ? "yes" : "NO",
           type == CL_MEM_OBJECT_IMAGE2D ? "IMAGE2D" : "WRONG",
           c == t->context ? "same" : "different");
    EXPECT(c == t->context && fmt_ok && w == W && h == H && elem == PX && pitch >= W * PX &&
               type == CL_MEM_OBJECT_IMAGE2D,
           "image info wrong");
}

static void transfers(struct cltest *t, unsigned char *ref, cl_mem img)
{
    unsigned char *got = malloc(IMG_BYTES);
    for (int i = 0; i < IMG_BYTES; i++)
        ref[i] = (unsigned char)(i * 13 + (i >> 7));
    size_t o[3] = {0, 0, 0}, r[3] = {W, H, 1};
    CHECK(clEnqueueWriteImage(t->queue, img, CL_TRUE, o, r, 0, 0, ref, 0, NULL,
                              NULL));
    read_image(t, img, got);
    int ok = memcmp(ref, got, IMG_BYTES) == 0;
    EXPECT(ok, "full write/read differs");
    printf("write/read full image: %s, fnv %08x\n", ok ? "ok" : "BAD",
           (unsigned)cltest_fnv1a(got, IMG_BYTES));

    /* Partial write from a host block with 16-pixel rows. */
    enum { HW = 16, HH = 8 };
    unsigned char block[HW * HH * PX];
    for (size_t i = 0; i < sizeof block; i++)
        block[i] = (unsigned char)(200 - i);
    size_t o2[3] = {5, 7, 0}, r2[3] = {10, 6, 1};
    CHECK(clEnqueueWriteImage(t->queue, img, CL_TRUE, o2, r2, HW * PX, 0,
                              block, 0, NULL, NULL));
    px_copy(ref, W * PX, 5, 7, block, HW * PX, 0, 0, 10, 6);
    read_image(t, img, got);
    ok = memcmp(ref, got, IMG_BYTES) == 0;
    EXPECT(ok, "partial write differs");
    printf("partial write with row pitch: %s\n", ok ? "ok" : "BAD");

    /* Partial read into a host block with 20-pixel rows. */
    enum { RW = 20, RH = 12 };
    unsigned char rblock[RW * RH * PX], rref[RW * RH * PX];
    memset(rblock, 0xcc, sizeof rblock);
    memset(rref, 0xcc, sizeof rref);
    size_t o3[3] = {40, 30, 0}, r3[3] = {18, 12, 1};
    CHECK(clEnqueueReadImage(t->queue, img, CL_TRUE, o3, r3, RW * PX, 0,
                             rblock, 0, NULL, NULL));
    px_copy(rref, RW * PX, 0, 0, ref, W * PX, 40, 30, 18, 12);
    ok = memcmp(rref, rblock, sizeof rref) == 0;
    EXPECT(ok, "partial read differs");
    printf("partial read with row pitch: %s\n", ok ? "ok" : "BAD");
    free(got);
}

static void copies(struct cltest *t, const unsigned char *ref, cl_mem img)
{
    unsigned char *ref2 = malloc(IMG_BYTES), *got = malloc(IMG_BYTES);

    /* Image to image; the destination starts from host data with a padded
     * row pitch. */
    size_t pitch = (W + 3) * PX;
    unsigned char *padded = calloc(H, pitch);
    for (size_t y = 0; y < H; y++)
        for (size_t x = 0; x < W * PX; x++)
            padded[y * pitch + x] = ref2[y * W * PX + x] =
                (unsigned char)(x ^ y);
    cl_mem img2 = image(t, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, padded,
                        pitch);
    size_t so[3] = {3, 4, 0}, dorg[3] = {30, 20, 0}, r[3] = {20, 10, 1};
    CHECK(clEnqueueCopyImage(t->queue, img, img2, so, dorg, r, 0, NULL, NULL));
    px_copy(ref2, W * PX, 30, 20, ref, W * PX, 3, 4, 20, 10);
    read_image(t, img2, got);
    int ok = memcmp(ref2, got, IMG_BYTES) == 0;
    EXPECT(ok, "image copy differs");
    printf("copy image region: %s, fnv %08x\n", ok ? "ok" : "BAD",
           (unsigned)cltest_fnv1a(got, IMG_BYTES));

    /* Image to buffer: a 16x16 region, tightly packed at offset 64. */
    enum { BW = 16, BH = 16, BOFF = 64 };
    size_t bsize = BOFF + BW * BH * PX;
    unsigned char *bref = calloc(1, bsize), *bgot = malloc(bsize);
    cl_mem buf = cltest_buffer(t, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR,
                               bsize, bref);
    size_t io[3] = {8, 8, 0}, ir[3] = {BW, BH, 1};
    CHECK(clEnqueueCopyImageToBuffer(t->queue, img, buf, io, ir, BOFF, 0, NULL,
                                     NULL));
    px_copy(bref + BOFF, BW * PX, 0, 0, ref, W * PX, 8, 8, BW, BH);
    CHECK(clEnqueueReadBuffer(t->queue, buf, CL_TRUE, 0, bsize, bgot, 0, NULL,
                              NULL));
    ok = memcmp(bref, bgot, bsize) == 0;
    EXPECT(ok, "image to buffer copy differs");
    printf("copy image to buffer: %s\n", ok ? "ok" : "BAD");

    /* Buffer to image: the same block back into img2 at (40, 2). */
    size_t bo[3] = {40, 2, 0};
    CHECK(clEnqueueCopyBufferToImage(t->queue, buf, img2, BOFF, bo, ir, 0,
                                     NULL, NULL));
    px_copy(ref2, W * PX, 40, 2, bref + BOFF, BW * PX, 0, 0, BW, BH);
    read_image(t, img2, got);
    ok = memcmp(ref2, got, IMG_BYTES) == 0;
    EXPECT(ok, "buffer to image copy differs");
    printf("copy buffer to image: %s, fnv %08x\n", ok ? "ok" : "BAD",
           (unsigned)cltest_fnv1a(got, IMG_BYTES));

    clReleaseMemObject(buf);
    clReleaseMemObject(img2);
    free(padded);
    free(bref);
    free(bgot);
    free(ref2);
    free(got);
}

static void sampler_kernel(struct cltest *t, cl_program p,
                           const unsigned char *ref, cl_mem img)
{
    cl_int err;
    cl_sampler s = clCreateSampler(t->context, CL_FALSE,
                                   CL_ADDRESS_CLAMP_TO_EDGE, CL_FILTER_NEAREST,
                                   &err);
    if (!CHECK(err))
        return;
    cl_bool norm = CL_TRUE;
    cl_addressing_mode am = 0;
    cl_filter_mode fm = 0;
    cl_context c = NULL;
    CHECK(clGetSamplerInfo(s, CL_SAMPLER_NORMALIZED_COORDS, sizeof norm, &norm,
                           NULL));
    CHECK(clGetSamplerInfo(s, CL_SAMPLER_ADDRESSING_MODE, sizeof am, &am,
                           NULL));
    CHECK(clGetSamplerInfo(s, CL_SAMPLER_FILTER_MODE, sizeof fm, &fm, NULL));
    CHECK(clGetSamplerInfo(s, CL_SAMPLER_CONTEXT, sizeof c, &c, NULL));
    int info_ok = norm == CL_FALSE && am == CL_ADDRESS_CLAMP_TO_EDGE &&
                  fm == CL_FILTER_NEAREST && c == t->context;
    printf("sampler info: %s\n", info_ok ? "ok" : "WRONG");
    EXPECT(info_ok, "sampler info wrong");

    size_t n = W * H * 4;
    cl_float *out = calloc(n, sizeof *out);
    cl_mem b = cltest_buffer(t, CL_MEM_WRITE_ONLY, n * sizeof *out, NULL);
    cl_kernel k = cltest_kernel(p, "sample");
    size_t gws[2] = {W, H};
    CHECK(clSetKernelArg(k, 0, sizeof img, &img));
    CHECK(clSetKernelArg(k, 1, sizeof s, &s));
    CHECK(clSetKernelArg(k, 2, sizeof b, &b));
    CHECK(clEnqueueNDRangeKernel(t->queue, k, 2, NULL, gws, NULL, 0, NULL,
                                 NULL));
    CHECK(clEnqueueReadBuffer(t->queue, b, CL_TRUE, 0, n * sizeof *out, out, 0,
                              NULL, NULL));
    int bad = 0;
    unsigned long sum = 0;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            int sx = x - 2 < 0 ? 0 : x - 2;
            for (int ch = 0; ch < 4; ch++) {
                float v = out[(y * W + x) * 4 + ch];
                float want = ref[(y * W + sx) * PX + ch] / 255.0f;
                bad += fabsf(v - want) > 1e-5f;
                sum += (unsigned long)lrintf(v * 255.0f);
            }
        }
    EXPECT(bad == 0, "read_imagef: %d values wrong", bad);
    printf("read_imagef with sampler (clamp to edge): %s, sum %lu\n",
           bad ? "BAD" : "ok", sum);
    clReleaseKernel(k);
    clReleaseMemObject(b);
    clReleaseSampler(s);
    free(out);
}

static void write_kernel(struct cltest *t, cl_program p)
{
    cl_mem img = image(t, CL_MEM_WRITE_ONLY, NULL, 0);
    cl_kernel k = cltest_kernel(p, "gradient");
    unsigned char *got = malloc(IMG_BYTES);
    size_t gws[2] = {W, H};
    CHECK(clSetKernelArg(k, 0, sizeof img, &img));
    CHECK(clEnqueueNDRangeKernel(t->queue, k, 2, NULL, gws, NULL, 0, NULL,
                                 NULL));
    read_image(t, img, got);
    int bad = 0;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            const unsigned char *px = got + (y * W + x) * PX;
            bad += px[0] != x || px[1] != y || px[2] != x + y || px[3] != 255;
        }
    EXPECT(bad == 0, "write_imagef: %d pixels wrong", bad);
    printf("write_imagef: %s, fnv %08x\n", bad ? "BAD" : "ok",
           (unsigned)cltest_fnv1a(got, IMG_BYTES));
    clReleaseKernel(k);
    clReleaseMemObject(img);
    free(got);
}

static void fill_and_map(struct cltest *t, unsigned char *ref, cl_mem img)
{
    unsigned char *got = malloc(IMG_BYTES);
    /* Channel values k / 255 convert back to exactly k. */
    cl_float4 color = {{51 / 255.0f, 102 / 255.0f, 204 / 255.0f, 1.0f}};
    size_t o[3] = {10, 10, 0}, r[3] = {20, 5, 1};
    CHECK(clEnqueueFillImage(t->queue, img, &color, o, r, 0, NULL, NULL));
    for (size_t y = 10; y < 15; y++)
        for (size_t x = 10; x < 30; x++) {
            unsigned char *px = ref + (y * W + x) * PX;
            px[0] = 51;
            px[1] = 102;
            px[2] = 204;
            px[3] = 255;
        }
    read_image(t, img, got);
    int ok = memcmp(ref, got, IMG_BYTES) == 0;
    EXPECT(ok, "fill image differs");
    printf("fill image region: %s\n", ok ? "ok" : "BAD");

    /* Map an 8x8 region, check it through the returned row pitch, invert
     * it and unmap. */
    cl_int err;
    size_t mo[3] = {4, 4, 0}, mr[3] = {8, 8, 1}, pitch = 0, slice = 0;
    unsigned char *m = clEnqueueMapImage(t->queue, img, CL_TRUE,
                                         CL_MAP_READ | CL_MAP_WRITE, mo, mr,
                                         &pitch, &slice, 0, NULL, NULL, &err);
    if (CHECK(err)) {
        ok = pitch >= 8 * PX;
        for (size_t y = 0; ok && y < 8; y++)
            for (size_t x = 0; x < 8 * PX; x++) {
                unsigned char *v = m + y * pitch + x;
                unsigned char *rv = ref + ((4 + y) * W + 4) * PX + x;
                ok &= *v == *rv;
                *v = (unsigned char)~*v;
                *rv = (unsigned char)~*rv;
            }
        EXPECT(ok, "mapped image region wrong");
        CHECK(clEnqueueUnmapMemObject(t->queue, img, m, 0, NULL, NULL));
        read_image(t, img, got);
        int ok2 = memcmp(ref, got, IMG_BYTES) == 0;
        EXPECT(ok2, "changes through a mapped image lost");
        printf("map image region: read %s, write back %s, fnv %08x\n",
               ok ? "ok" : "BAD", ok2 ? "ok" : "BAD",
               (unsigned)cltest_fnv1a(got, IMG_BYTES));
    }
    free(got);
}

/*
 * A 1D image array written from and read into layers a slice pitch apart
 * (the sizes both sides computed once stepped layers by the row pitch,
 * short by the pads: a backend that follows the specification would have
 * read past the worker's copy).  PoCL 3.1 itself steps them by the row
 * pitch, so the test compares with the backend (hashes of what came back)
 * and tests/unit/test_opencl_sizes asserts the specification's layout.
 */
static void array1d(struct cltest *t)
{
    enum { AW = 64, AN = 8, ROW = AW * PX, SLICE = ROW + 64, RSLICE = ROW + 128 };
    cl_image_desc d;
    memset(&d, 0, sizeof d);
    d.image_type = CL_MEM_OBJECT_IMAGE1D_ARRAY;
    d.image_width = AW;
    d.image_array_size = AN;
    cl_int err;
    cl_mem img = clCreateImage(t->context, CL_MEM_READ_WRITE, &rgba8, &d, NULL, &err);
    unsigned char *src = malloc(SLICE * AN), *packed = malloc(ROW * AN), *got = malloc(RSLICE * AN);
    const size_t o[3] = {0, 0, 0}, r[3] = {AW, AN, 1};
    if (CHECK(err) && src && packed && got) {
        for (size_t i = 0; i < SLICE * AN; i++)
            src[i] = (unsigned char)(i * 7 + 3);
        memset(got, 0xEE, RSLICE * AN);
        if (CHECK(clEnqueueWriteImage(t->queue, img, CL_TRUE, o, r, 0, SLICE, src, 0, NULL, NULL)) &&
            CHECK(clEnqueueReadImage(t->queue, img, CL_TRUE, o, r, 0, 0, packed, 0, NULL, NULL)) &&
            CHECK(clEnqueueReadImage(t->queue, img, CL_TRUE, o, r, 0, RSLICE, got, 0, NULL, NULL)))
            printf("1D image array, %d layers written %d bytes apart: read packed %08x, read %d bytes apart "
                   "%08x\n", AN, SLICE, (unsigned)cltest_fnv1a(packed, ROW * AN), RSLICE,
                   (unsigned)cltest_fnv1a(got, RSLICE * AN));
    }
    if (img)
        clReleaseMemObject(img);
    free(src);
    free(packed);
    free(got);
}

int main(void)
{
    struct cltest t;
    if (cltest_init(&t, 0) != 0)
        return cltest_done("images");
    cl_bool support = CL_FALSE;
    CHECK(clGetDeviceInfo(t.device, CL_DEVICE_IMAGE_SUPPORT, sizeof support,
                          &support, NULL));
    if (!support) {
        printf("images: not supported\n");
        cltest_release(&t);
        return cltest_failures ? 1 : 0;
    }

    formats(&t);
    unsigned char *ref = malloc(IMG_BYTES);
    cl_mem img = image(&t, CL_MEM_READ_WRITE, NULL, 0);
    cl_program p = cltest_build(&t, src, "");
    if (img && p) {
        image_info(&t, img);
        transfers(&t, ref, img);
        copies(&t, ref, img);
        sampler_kernel(&t, p, ref, img);
        write_kernel(&t, p);
        fill_and_map(&t, ref, img);
        array1d(&t);
    }
    if (p)
        clReleaseProgram(p);
    if (img)
        clReleaseMemObject(img);
    free(ref);
    cltest_release(&t);
    return cltest_done("images");
}
