/* SPDX-License-Identifier: MIT */
/*
 * Two benchmark processes taking turns repetition by repetition (bench/run
 * cuda: natively and through AvA, or two native ones): --turns IN OUT names
 * two FIFOs; a repetition starts after a byte from IN and ends writing one
 * to OUT.  Without --turns each call is a no-op.
 */
#ifndef AVA_BENCH_TURNS_H
#define AVA_BENCH_TURNS_H

#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <unistd.h>
#include <vector>

static int turn_in = -1, turn_out = -1;

/* Opens --turns IN OUT (read and write: opening a FIFO so does not wait for the other side); 0 or -1. */
static inline int turns_open(const char *in, const char *out)
{
	turn_in = open(in, O_RDWR | O_CLOEXEC);
	turn_out = open(out, O_RDWR | O_CLOEXEC);
	return turn_in < 0 || turn_out < 0 ? -1 : 0;
}

/* Waits for this process's turn; a closed or broken FIFO ends the run. */
static inline void take_turn()
{
	char b;

	if (turn_in >= 0 && read(turn_in, &b, 1) != 1) {
		fprintf(stderr, "bench: the other side's turn did not end\n");
		exit(1);
	}
}

static inline void give_turn()
{
	if (turn_out >= 0 && write(turn_out, "t", 1) != 1) {
		fprintf(stderr, "bench: cannot give the turn\n");
		exit(1);
	}
}

/*
 * After the last repetition, one more turn each: neither process exits
 * (tearing its context down) while the other still counts.
 */
static inline void last_turn()
{
	take_turn();
	give_turn();
}

/*
 * "#reps KEY V1 V2 ...": the counted repetitions' rates in order, which
 * bench/report.awk pairs with the other side's (repetition k with k).
 */
static inline void print_reps(const char *key, const std::vector<double> &rates)
{
	printf("#reps %s", key);
	for (double r : rates)
		printf(" %.0f", r);
	printf("\n");
}

#endif
