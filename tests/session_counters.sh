# Sourced by the bash test scripts.  With AVA_STATS=1 the guest library
# prints each session's counters on stderr when it ends
# (userlib/guest_control.c): "ava: session counters: N calls, ...".  With
# stdout and stderr in one pipe the line may land in the middle of a line of
# the program's output (its buffered stdout is flushed after the counters).

# session_calls: the most calls a session made in the text on stdin, 0
# when it holds no counters (the program did not go through AvA).
session_calls() {
	local n
	n=$(grep -o 'ava: session counters: [0-9]* calls' | sed 's/[^0-9]*\([0-9]*\).*/\1/' | sort -n | tail -1)
	echo "${n:-0}"
}

# without_session_counters: the text on stdin without the counter lines
# (the program's text around one joined again), the CUDA runtime shim's fat
# binary counters, first-use times and early hashes (userlib/cuda_rt_lazy.c)
# included.
without_session_counters() {
	perl -0pe 's/ava: (session counters: |fat binaries: |fat binaries\x27 first uses, |fat binaries hashed early: )[^\n]*\n//g'
}
