#include <stdint.h>
#include <stdlib.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "util/runid.h"

static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

static void
random_bytes(unsigned char *b, size_t n)
{
	if (getrandom(b, n, GRND_NONBLOCK) == (ssize_t)n)
		return;
	/* No entropy yet (early boot): the pid and the clock still make ids
	 * unique on this host. */
	for (size_t i = 0; i < n; i++)
		b[i] = (unsigned char)(rand() ^ getpid() ^ (int)clock());
}

void
runid_new(double now, char buf[RUNID_LEN + 1])
{
	uint64_t ms = (uint64_t)(now * 1000.0);
	unsigned char rnd[10];
	int i;

	random_bytes(rnd, sizeof rnd);
	for (i = 9; i >= 0; i--) {
		buf[i] = crockford[ms & 31];
		ms >>= 5;
	}
	/* 80 random bits = 16 characters of 5 bits. */
	for (i = 0; i < 16; i++) {
		unsigned bit = (unsigned)i * 5, byte = bit / 8, sh = bit % 8;
		unsigned v = (unsigned)rnd[byte] << 8;

		if (byte + 1 < sizeof rnd)
			v |= rnd[byte + 1];
		buf[10 + i] = crockford[(v >> (11 - sh)) & 31];
	}
	buf[RUNID_LEN] = '\0';
}
