# SPDX-License-Identifier: MIT
# bench/policy's report of one case (awk -f, over policy_bench's output):
# per window and over the run, each session's share of the device time and
# of the kernels completed, against its target.  Variables: targets
# (percent, space-separated), window, seconds, name, summary (the file the
# worst deviations and the throughput are appended to), offf (the same
# sessions' run without a policy, or empty; for the cap: one session's),
# cap (1: shares of the wall time and of the kernels of offf).
function dev(v, t) { return v > t ? v - t : t - v }
function pair(t, k) { return sprintf(" %6.1f/%-5.1f", t, k) }
BEGIN {
	n = split(targets, T, " ")
	if (offf != "")
		while ((getline l < offf) > 0) {
			split(l, f, " ")
			if (f[1] == "kernels")
				for (i = 2; i <= length(f); i++) KO += f[i]
		}
}
$1 == "win" { nw++; for (i = 1; i <= n; i++) W[nw, i] = $(i + 2) }
$1 == "kwin" { for (i = 1; i <= n; i++) KW[$2 + 1, i] = $(i + 2) }
$1 == "kernels" { for (i = 1; i <= n; i++) K += $(i + 1) }
END {
	kcap = KO * window / seconds	# kernels of a window without a policy
	printf "%-7s", "window"; for (i = 1; i <= n; i++) printf " %12s", "s" (i - 1) " (" T[i] ")"; print "   time/kernels"
	worst = kworst = 0
	for (w = 1; w <= nw; w++) {
		s = ks = 0
		for (i = 1; i <= n; i++) { s += W[w, i]; ks += KW[w, i]; A[i] += W[w, i]; AK[i] += KW[w, i] }
		if (cap) { s = window * 1e9; ks = kcap }
		printf "%-7s", (w - 1) * window "s"
		for (i = 1; i <= n; i++) {
			v = s > 0 ? 100 * W[w, i] / s : 0; kv = ks > 0 ? 100 * KW[w, i] / ks : 0
			if (dev(v, T[i]) > worst) worst = dev(v, T[i])
			if (dev(kv, T[i]) > kworst) kworst = dev(kv, T[i])
			printf "%s", pair(v, kv)
		}
		print ""
	}
	s = ks = 0; for (i = 1; i <= n; i++) { s += A[i]; ks += AK[i] }
	if (cap) { s = nw * window * 1e9; ks = nw * kcap }
	printf "%-7s", "all"; alld = allk = 0
	for (i = 1; i <= n; i++) {
		v = s > 0 ? 100 * A[i] / s : 0; kv = ks > 0 ? 100 * AK[i] / ks : 0
		if (dev(v, T[i]) > alld) alld = dev(v, T[i])
		if (dev(kv, T[i]) > allk) allk = dev(kv, T[i])
		printf "%s", pair(v, kv)
	}
	printf "\n%s: largest deviation from the target over a window %.1f points (device time), %.1f (kernels);" \
		" over the run %.1f, %.1f\n", name, worst, kworst, alld, allk
	printf "%s worst %.2f\n%s kworst %.2f\n", name, worst, name, kworst >> summary
	d = 0; for (i = 1; i <= n; i++) d += A[i]
	printf "%s: device time / wall time %.2f\n", name, d / (nw * window * 1e9)
	if (KO > 0 && K > 0 && !cap) printf "%s: throughput %d kernels, policy off %d: %.1f%%\n", name, K, KO, 100 * K / KO
	if (KO > 0 && !cap) printf "%s throughput %.2f\n", name, 100 * K / KO >> summary
}
