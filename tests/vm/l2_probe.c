// SPDX-License-Identifier: GPL-2.0-only
/*
 * l2_probe: runs inside the nested guest (L2) that QEMU started with
 * -device vfio-pci,sysfsdev=<AvA mdev>.  Finds the device on the PCI
 * bus, checks its identity and capabilities as the guest sees them,
 * then drives it through BAR 0 from user space: virtio initialisation,
 * one queue in guest-physical memory (addresses from pagemap), a PING,
 * polling the used ring.  Prints "@@TAP ok - ..." lines.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <linux/pci_regs.h>
#include <linux/virtio_config.h>
#include <linux/virtio_pci.h>
#include <linux/virtio_ring.h>

#include "uapi/ava_wire.h"
#include "uapi/ava_virtio.h"

static int failures;

static void tap(bool ok, const char *what)
{
	printf("@@TAP %s - L2: %s\n", ok ? "ok" : "not ok", what);
	fflush(stdout);
	if (!ok)
		failures++;
}

static unsigned long sysfs_ul(const char *dir, const char *name)
{
	char path[512], buf[64] = "";
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (!f)
		return ~0ul;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = 0;
	fclose(f);
	return strtoul(buf, NULL, 0);
}

static int find_dev(char *out, size_t n)
{
	DIR *d = opendir("/sys/bus/pci/devices");
	struct dirent *e;
	int found = -1;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		char dir[300];

		if (e->d_name[0] == '.')
			continue;
		snprintf(dir, sizeof(dir), "/sys/bus/pci/devices/%s", e->d_name);
		if (sysfs_ul(dir, "vendor") == AVA_PCI_VENDOR &&
		    sysfs_ul(dir, "device") >= 0x1041 &&
		    sysfs_ul(dir, "device") <= 0x107f &&
		    sysfs_ul(dir, "class") == AVA_PCI_CLASS) {
			snprintf(out, n, "%s", dir);
			found = 0;
			break;
		}
	}
	closedir(d);
	return found;
}

static volatile uint8_t *bar;

static uint32_t r32(uint32_t off) { return *(volatile uint32_t *)(bar + off); }
static uint16_t r16(uint32_t off) { return *(volatile uint16_t *)(bar + off); }
static uint8_t r8(uint32_t off) { return bar[off]; }
static void w32(uint32_t off, uint32_t v) { *(volatile uint32_t *)(bar + off) = v; }
static void w16(uint32_t off, uint16_t v) { *(volatile uint16_t *)(bar + off) = v; }
static void w8(uint32_t off, uint8_t v) { bar[off] = v; }

#define C(f)	(AVA_BAR0_COMMON + VIRTIO_PCI_COMMON_##f)

static uint64_t phys(void *p)
{
	uint64_t e = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	if (fd < 0)
		return 0;
	if (pread(fd, &e, 8, (uintptr_t)p / 4096 * 8) != 8)
		e = 0;
	close(fd);
	if (!(e & (1ull << 63)))
		return 0;
	return (e & ((1ull << 55) - 1)) * 4096 + (uintptr_t)p % 4096;
}

/* The config space through sysfs: capabilities; memory and bus mastering on. */
static int check_config(const char *dir)
{
	char path[400];
	uint8_t cfg[256];
	int fd, pos, vcaps = 0, msix = 0;
	uint16_t cmdreg;

	snprintf(path, sizeof(path), "%s/config", dir);
	fd = open(path, O_RDWR);
	if (fd < 0 || pread(fd, cfg, sizeof(cfg), 0) != sizeof(cfg)) {
		tap(false, "read the config space");
		return -1;
	}
	for (pos = cfg[PCI_CAPABILITY_LIST]; pos && pos < 256; pos = cfg[pos + 1]) {
		if (cfg[pos] == PCI_CAP_ID_MSIX)
			msix = 1;
		if (cfg[pos] == PCI_CAP_ID_VNDR && cfg[pos + 3] >= 1 &&
		    cfg[pos + 3] <= 5)
			vcaps |= 1 << cfg[pos + 3];
	}
	tap(msix && vcaps == 0x3e,
	    "MSI-X and the five virtio capabilities seen through QEMU");
	memcpy(&cmdreg, cfg + PCI_COMMAND, 2);
	cmdreg |= PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
	if (pwrite(fd, &cmdreg, 2, PCI_COMMAND) != 2)
		tap(false, "enable memory and bus mastering");
	close(fd);
	return 0;
}

/* Features and queue 0 (rings at the guest-physical pa[0..2]), DRIVER_OK. */
static void virtio_init(const uint64_t *pa)
{
	w8(C(STATUS), 0);
	w8(C(STATUS), VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
	w32(C(DFSELECT), 1);
	tap(r32(C(DF)) & 1, "device offers VERSION_1 (MMIO through KVM and QEMU)");
	w32(C(GFSELECT), 0);
	w32(C(GF), 0);
	w32(C(GFSELECT), 1);
	w32(C(GF), 1);
	w8(C(STATUS), VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
	   VIRTIO_CONFIG_S_FEATURES_OK);
	tap(r8(C(STATUS)) & VIRTIO_CONFIG_S_FEATURES_OK, "FEATURES_OK");
	tap(r32(AVA_BAR0_DEVICE) == AVA_WIRE_VERSION, "device config: wire version");
	w16(C(Q_SELECT), 0);
	w16(C(Q_SIZE), 64);
	w32(C(Q_DESCLO), (uint32_t)pa[0]);
	w32(C(Q_DESCHI), pa[0] >> 32);
	w32(C(Q_AVAILLO), (uint32_t)pa[1]);
	w32(C(Q_AVAILHI), pa[1] >> 32);
	w32(C(Q_USEDLO), (uint32_t)pa[2]);
	w32(C(Q_USEDHI), pa[2] >> 32);
	w16(C(Q_ENABLE), 1);
	w8(C(STATUS), VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
	   VIRTIO_CONFIG_S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK);
	tap(r16(C(Q_ENABLE)) == 1 && (r8(C(STATUS)) & VIRTIO_CONFIG_S_DRIVER_OK),
	    "queue 0 enabled, DRIVER_OK");
}

/* One PING through queue 0: rings in mem's first three pages, data in the fourth. */
static void ping_once(uint8_t *mem, const uint64_t *pa)
{
	struct vring_desc *desc = (void *)mem;
	struct vring_avail *avail = (void *)(mem + 4096);
	struct vring_used *used = (void *)(mem + 2 * 4096);
	struct ava_cmd_hdr *h = (void *)(mem + 3 * 4096);
	struct ava_reply_hdr *r = (void *)(mem + 3 * 4096 + 2048);
	struct timespec ts = { 0, 1000000 };
	int i;

	h->magic = AVA_WIRE_MAGIC;
	h->version = AVA_WIRE_VERSION;
	h->api_id = AVA_API_CONTROL;
	h->func_id = AVA_CTL_PING;
	h->call_id = 0x1234;
	h->total_len = sizeof(*h);
	desc[0] = (struct vring_desc){ pa[3], sizeof(*h), VRING_DESC_F_NEXT, 1 };
	desc[1] = (struct vring_desc){ pa[3] + 2048, 64, VRING_DESC_F_WRITE, 0 };
	avail->flags = VRING_AVAIL_F_NO_INTERRUPT;
	avail->ring[0] = 0;
	__atomic_store_n(&avail->idx, 1, __ATOMIC_RELEASE);
	w16(AVA_BAR0_NOTIFY + 0 * AVA_NOTIFY_MULTIPLIER, 0);
	for (i = 0; i < 5000 && __atomic_load_n(&used->idx, __ATOMIC_ACQUIRE) != 1; i++)
		nanosleep(&ts, NULL);
	tap(used->idx == 1 && used->ring[0].id == 0 &&
	    used->ring[0].len == sizeof(*r) && r->magic == AVA_WIRE_MAGIC &&
	    r->status == AVA_S_OK && r->call_id == 0x1234,
	    "PING through the virtqueue in guest memory answered");
}

int main(void)
{
	char dir[300], path[400];
	uint8_t *mem;
	uint64_t pa[4];
	int fd, i;

	if (find_dev(dir, sizeof(dir))) {
		tap(false, "AvA virtio device on the PCI bus (1af4:1041-107f, class 1200)");
		return 1;
	}
	tap(true, "AvA virtio device on the PCI bus (1af4:1041-107f, class 1200)");
	tap(sysfs_ul(dir, "subsystem_vendor") == AVA_PCI_VENDOR &&
	    sysfs_ul(dir, "revision") >= 1, "subsystem vendor and revision");
	if (check_config(dir))
		return 1;
	snprintf(path, sizeof(path), "%s/resource0", dir);
	fd = open(path, O_RDWR | O_SYNC);
	bar = fd < 0 ? MAP_FAILED :
	      mmap(NULL, AVA_BAR0_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (bar == MAP_FAILED) {
		tap(false, "map BAR 0");
		return 1;
	}
	mem = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE | MAP_LOCKED, -1, 0);
	if (mem == MAP_FAILED || mlock(mem, 4 * 4096)) {
		tap(false, "lock DMA memory");
		return 1;
	}
	memset(mem, 0, 4 * 4096);
	for (i = 0; i < 4; i++)
		pa[i] = phys(mem + i * 4096);
	tap(pa[0] && pa[1] && pa[2] && pa[3], "guest-physical addresses from pagemap");
	virtio_init(pa);
	ping_once(mem, pa);
	w8(C(STATUS), 0);
	tap(r8(C(STATUS)) == 0, "device reset");
	return failures ? 1 : 0;
}
