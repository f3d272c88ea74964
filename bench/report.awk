# bench/run's table and verdicts, from the runs' files: awk -v runs=N
# -v bwt=PERCENT -f bench/report.awk native.1 ava.1 ... native.N ava.N.
# A file holds "KEY VALUE" lines (a key printed several times in a run
# counts by its median) and, from the loops taking turns, "#reps KEY V1
# V2 ..." lines: the rates of one round's counted repetitions, in order.
# Medians over the runs; spread = min..max of the runs' own figures.
function med(a, n,   i, j, t) {
	for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
function stats(mode, key,   a, n, i, v, lo, hi) {
	n = 0
	for (i = 1; i <= runs; i++) if ((mode SUBSEP key SUBSEP i) in val) { v = val[mode, key, i]; a[++n] = v; if (n == 1 || v < lo) lo = v; if (n == 1 || v > hi) hi = v }
	if (n == 0) return ""
	return med(a, n) " " lo " " hi
}
function fmt(v) { return v >= 10000 ? sprintf("%.0f", v) : v >= 100 ? sprintf("%.1f", v) : sprintf("%.3g", v) }
FNR == 1 { split(FILENAME, p, "/"); split(p[length(p)], q, "."); mode = q[1]; run = q[2] }
# a round of repetitions taken in turns: repetition k of one side ran
# right before or after repetition k of the other
/^#reps / {
	rk = mode SUBSEP $2 SUBSEP run
	nrd[rk]++
	nrep[rk, nrd[rk]] = NF - 2
	for (j = 3; j <= NF; j++) rep[rk, nrd[rk], j - 2] = $j
	next
}
/^#/ || NF < 2 { next }
{ k = mode SUBSEP $1 SUBSEP run; got[k, ++ng[k]] = $2; if (!($1 in seen)) { seen[$1] = 1; keys[++nk] = $1 } }
END {
	# a figure printed several times in a run (the lazy starts, the rounds taking turns) counts by its median
	for (k in ng) { for (i = 1; i <= ng[k]; i++) g[i] = got[k, i]; val[k] = med(g, ng[k]) }
	printf "%-36s %12s %19s %12s %19s  %s\n", "metric", "native", "(min..max)", "AvA", "(min..max)", "AvA vs native"
	for (k = 1; k <= nk; k++) {
		key = keys[k]
		split(stats("native", key), N, " "); split(stats("ava", key), A, " ")
		if (N[1] == "" || A[1] == "") continue
		if (key ~ /_us_/) cmp = sprintf("%+.2f us/call", A[1] - N[1])
		else cmp = N[1] > 0 ? sprintf("%.2fx (%.0f%%)", A[1] / N[1], 100 * A[1] / N[1]) : "-"
		printf "%-36s %12s %19s %12s %19s  %s\n", key, fmt(N[1]), "(" fmt(N[2]) ".." fmt(N[3]) ")", fmt(A[1]), "(" fmt(A[2]) ".." fmt(A[3]) ")", cmp
		res[key, "n"] = N[1]; res[key, "a"] = A[1]
	}
	# targets (docs/performance.md), judged on the per-pair figures (run i
	# of AvA against run i of native): "met" only when the worst decile of
	# the pairs meets the target, not the ratio of two medians
	print ""
	print "targets (per pair: median [worst decile] min..max over " runs " pairs):"
	best = ""
	for (k = 1; k <= nk; k++) if (keys[k] ~ /^sync_rtt_us_/ && (keys[k], "a") in res && (best == "" || res[keys[k], "a"] < res[best, "a"])) best = keys[k]
	if (best != "") {
		name = best; sub(/^sync_rtt_us_/, "", name)
		judge("sync round trip, back to back (" name ", the cheapest path): us added", best, "diff", 2, "<=")
	}
	for (k = 1; k <= nk; k++) if (keys[k] ~ /^sync_rtt_idle_us_/ && (keys[k], "a") in res) {
		name = keys[k]; sub(/^sync_rtt_idle_us_/, "", name)
		judge("sync round trip after 1 ms idle (" name "): us added (informational: the worker sleeps after 50 us idle)", keys[k], "diff", "", "")
	}
	if (("enqueue_finish_us_empty", "a") in res)
		judge("empty-kernel enqueue + finish: times the native time", "enqueue_finish_us_empty", "times", 2, "<=")
	# each side in its own run (informational where they also took turns)
	if (("launch_turns_rate_per_s", "a") in res) {
		judge("empty-kernel launch rate, each side in its run: % of native (informational)", "launch_rate_per_s", "ratio", "", "")
		judge("empty-kernel launch rate, the sides taking turns: % of native (paired repetitions)", "launch_turns_rate_per_s", "ratio", 80, ">=")
	} else if (("launch_rate_per_s", "a") in res)
		judge("empty-kernel launch rate: % of native", "launch_rate_per_s", "ratio", 80, ">=")
	if (("launch_aa_rate_per_s", "a") in res)
		judge("empty-kernel launch rate, native against native taking turns: % (paired repetitions; informational: the spread of the measurement itself)",
		      "launch_aa_rate_per_s", "ratio", "", "")
	split("h2d d2h", cdirs, " ")
	for (i = 1; i <= 2; i++) if ((cdirs[i] "_pinned_GBps_256MiB", "a") in res)
		judge(cdirs[i] " pinned bandwidth at 256 MiB: % of native", cdirs[i] "_pinned_GBps_256MiB", "ratio", 95, ">=")
	split("write read nb_write nb_read", dirs, " ")
	for (i = 1; i <= 4; i++) if ((dirs[i] "_GBps_64MiB", "a") in res)
		judge(dirs[i] " bandwidth at 64 MiB: % of native", dirs[i] "_GBps_64MiB", "ratio", bwt, ">=")
	if (("devmem_copy_GBps", "a") in res)
		judge("device-memory copy kernel bandwidth: % of native", "devmem_copy_GBps", "ratio", 95, ">=")
	if (("map_GBps_64MiB", "a") in res)
		judge("map + touch + unmap at 64 MiB: % of native (informational)", "map_GBps_64MiB", "ratio", "", "")
	if (("sgemm_GFLOPs_4096", "a") in res)
		judge("cuBLAS sgemm 4096^3 throughput: % of native", "sgemm_GFLOPs_4096", "ratio", 98, ">=")
	if (("conv_GFLOPs_64x64x56x56", "a") in res)
		judge("cuDNN convolution forward throughput: % of native", "conv_GFLOPs_64x64x56x56", "ratio", 98, ">=")
	# each side in its own run: the two processes of a pair see the machine
	# in different seconds (informational); taking turns: the target
	if (("cublas_small_calls_per_s", "a") in res)
		judge("10,000 small cuBLAS calls, each side in its run: rate, % of native (informational)",
		      "cublas_small_calls_per_s", "ratio", "", "")
	if (("cublas_small_turns_calls_per_s", "a") in res)
		judge("10,000 small cuBLAS calls, the sides taking turns: rate, % of native (paired repetitions)",
		      "cublas_small_turns_calls_per_s", "ratio", 90, ">=")
	if (("cublas_small_aa_calls_per_s", "a") in res)
		judge("10,000 small cuBLAS calls, native against native taking turns: % (paired repetitions; informational: the spread of the measurement itself)",
		      "cublas_small_aa_calls_per_s", "ratio", "", "")
	split("lazy_start_us_ lazy_start_us_own_ lazy_start_us_big_", lz, " ")
	split("mostly for another arch (left out),mostly copies of the target this GPU loads (the first sent),one entry for this GPU (all sent)", lzw, ",")
	for (i = 1; i <= 3; i++) if ((lz[i] "first", "a") in res) {
		judge("lazy start, 200 MB fat binary " lzw[i] ", one kernel used (first AvA run: cache miss): times native",
		      lz[i] "first", "times", 1.2, "<=")
		judge("lazy start, " lzw[i] ", second AvA run (cache hit): times native (informational)", lz[i] "second",
		      "times", "", "")
		# a hit saves what the first run uploaded: only the third variant uploads much
		if (i == 3)
			judge("lazy start, " lzw[i] ", second AvA run against the first: % of its time", lz[i] "second",
			      "second", 100, "<")
		else
			judge("lazy start, " lzw[i] ", second AvA run against the first: % of its time (informational: a few KB travel)",
			      lz[i] "second", "second", "", "")
	}
	if (("lazy_start_us_big_aa_first", "a") in res)
		judge("lazy start, one entry for this GPU, native against native: times (informational: the spread of the measurement itself)",
		      "lazy_start_us_big_aa_first", "times", "", "")
	if (("ctx_create_release_per_s", "a") in res)
		judge("context create + release: times the native time", "ctx_create_release_per_s", "times", 1.2, "<=")
}
# judge(label, key, how, target, cmp): per pair, AvA - native ("diff"),
# 100 * AvA / native ("ratio": more is better) or how many times the native
# time AvA took ("times": AvA / native for a time in us, native / AvA for a
# rate); the worst decile is the nearest-rank 10th percentile from the bad
# side (the worst pair when there are under 10)
function judge(label, key, how, target, cmp,   i, m, v, t, j, w, verdict, a, n, first, pv) {
	m = 0
	first = key
	sub(/second$/, "first", first)
	for (i = 1; i <= runs; i++) {
		if (!(("native", key, i) in val) || !(("ava", key, i) in val)) continue
		a = val["ava", key, i]; n = val["native", key, i]
		if (how == "ratio" && (pv = paired(key, i)) != "") v[++m] = pv
		else if (how == "diff") v[++m] = a - n
		else if (how == "ratio" && n > 0) v[++m] = 100 * a / n
		else if (how == "times" && key ~ /_us_/ && n > 0) v[++m] = a / n
		else if (how == "times" && key !~ /_us_/ && a > 0) v[++m] = n / a
		else if (how == "second" && ("ava", first, i) in val)
			v[++m] = 100 * a / val["ava", first, i]
	}
	if (m == 0) return
	for (i = 2; i <= m; i++) { t = v[i]; for (j = i - 1; j >= 1 && v[j] > t; j--) v[j + 1] = v[j]; v[j + 1] = t }
	w = int((m + 9) / 10)	# ceil(m / 10)
	worst = how == "ratio" ? v[w] : v[m - w + 1]	# a smaller share, more us or more times is worse
	if (cmp == "") verdict = "informational"
	else if (cmp == "<" ? worst < target : cmp == "<=" ? worst <= target : worst >= target) verdict = "target " cmp " " target ": met"
	else verdict = "target " cmp " " target ": NOT met"
	printf "  %s: %s [%s] %s..%s  %s\n", label, p2(m % 2 ? v[(m + 1) / 2] : (v[m / 2] + v[m / 2 + 1]) / 2, how), p2(worst, how), p2(v[1], how), p2(v[m], how), verdict
}
# A pair's ratio where both sides took turns: the median over the rounds'
# repetitions of 100 * AvA's repetition k / native's repetition k.  A CPU
# of the GPU machine slows by a quarter for seconds at a time; a slow
# stretch that begins within a round takes, say, 4 of one side's 7
# repetitions and 3 of the other's, and moves the ratio of the two
# medians by that quarter (native against native: 98-113 %), while
# neighbouring repetitions still compare like with like (98-101 %;
# docs/performance.md).  "" where a side has no repetitions.
function paired(key, i,   ka, kn, r, k, nr, nk, x, c) {
	ka = "ava" SUBSEP key SUBSEP i; kn = "native" SUBSEP key SUBSEP i
	if (!(ka in nrd) || !(kn in nrd)) return ""
	nr = nrd[ka] < nrd[kn] ? nrd[ka] : nrd[kn]
	c = 0
	for (r = 1; r <= nr; r++) {
		nk = nrep[ka, r] < nrep[kn, r] ? nrep[ka, r] : nrep[kn, r]
		for (k = 1; k <= nk; k++) if (rep[kn, r, k] > 0) x[++c] = 100 * rep[ka, r, k] / rep[kn, r, k]
	}
	return c ? med(x, c) : ""
}
function p2(x, how) { return how == "diff" ? sprintf("%+.2f", x) : how == "times" ? sprintf("%.2fx", x) : sprintf("%.0f%%", x) }
# ("second": 100 * a second AvA lazy start / the first of its kind in the same pair; more is worse)
