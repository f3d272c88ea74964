# Sourced by the bash test scripts.  With AVA_STATS=1 the guest library
# prints each session's counters on stderr when it ends
# (userlib/guest_control.c): "ava: session counters: N calls, ...".

# session_calls: the most calls a session made in the text on stdin, 0
# when it holds no counters (the program did not go through AvA).
session_calls() {
	local n
	n=$(sed -n 's/^ava: session counters: \([0-9]*\) calls.*/\1/p' | sort -n | tail -1)
	echo "${n:-0}"
}

# without_session_counters: the text on stdin without the counter lines.
without_session_counters() {
	grep -v '^ava: session counters: ' || true
}
