/*
 * genout.c - the job of the output-capture benchmark: writes exactly
 * BYTES bytes of log-like text lines (16 to 160 characters) to stdout.
 *
 * A C program, not a script: cronwrap's peak RSS is measured with GNU
 * time, whose figure is the largest of the process tree, so the job itself
 * must stay far below the 8 MB target (a Python job alone is ~9 MB).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BLOCK (1u << 20)

static char block[BLOCK];

/* One buffer of whole lines, repeated: the cost is the write(2) alone. */
static size_t
fill(void)
{
	static const char words[] = "the quick brown fox jumps over the "
				    "lazy dog, \"quoted\"; 0123456789 ";
	unsigned seed = 12345;
	size_t used = 0;

	for (unsigned line = 0;; line++) {
		size_t len;
		int n;

		seed = seed * 1103515245u + 12345u;
		len = 16 + (seed >> 16) % 145;
		if (used + len + 1 > BLOCK)
			return used;
		n = snprintf(block + used, len, "line %u: ", line);
		if (n < 0 || (size_t)n >= len)
			n = 0;
		for (size_t i = (size_t)n; i < len; i++)
			block[used + i] = words[(i + line) % (sizeof words - 1)];
		block[used + len] = '\n';
		used += len + 1;
	}
}

int
main(int argc, char **argv)
{
	unsigned long long left;
	size_t used;

	if (argc != 2) {
		fprintf(stderr, "usage: genout BYTES\n");
		return 64;
	}
	left = strtoull(argv[1], NULL, 10);
	used = fill();
	while (left > 0) {
		size_t chunk = left < used ? (size_t)left : used;
		const char *p = block;

		while (chunk > 0) {
			ssize_t n = write(1, p, chunk);

			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0) {
				perror("genout: write");
				return 1;
			}
			p += n;
			chunk -= (size_t)n;
			left -= (unsigned long long)n;
		}
	}
	return 0;
}
