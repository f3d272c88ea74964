// SPDX-License-Identifier: GPL-2.0-only
/*
 * kvm_hold: keeps one (empty) KVM VM open until killed.  While any VM
 * exists, KVM leaves virtualization enabled on every CPU; without one,
 * destroying the nested guest's VM disables it on all CPUs by IPI, the
 * step in which L1 under TCG has been seen to lock up (rig notes).
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvm.h>

int main(void)
{
	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	int vm = kvm < 0 ? -1 : ioctl(kvm, KVM_CREATE_VM, 0);

	if (vm < 0) {
		perror("kvm_hold");
		return 1;
	}
	for (;;)
		pause();
}
