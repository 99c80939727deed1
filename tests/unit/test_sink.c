/*
 * test_sink.c - a job's output, line by line: splitting across chunk
 * boundaries (the result must not depend on how read() cut the stream),
 * long lines cut at SINK_LINE_MAX, the last line without a newline, binary
 * bytes (NUL too) kept in the log file, stream tags and timestamps in the
 * log file, the tail ring, the byte and line counts, and a log file that
 * fails.  Syslog and the live copy are off: nothing leaves the test.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "sink.h"
#include "unit.h"
#include "util/strbuf.h"

#define T0 1764000000.25 /* 2025-11-24T16:00:00.250Z */
#define STAMP_LEN 24     /* "2025-11-24T16:00:00.250Z" */

struct logfile {
	char *dir;
	char *path;
	int fd;
};

static void
log_open(struct logfile *l)
{
	l->dir = unit_tmpdir("sink");
	l->path = xasprintf("%s/run.log", l->dir);
	l->fd = open(l->path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(l->fd >= 0);
}

static void
log_close(struct logfile *l)
{
	close(l->fd);
	free(l->path);
	unit_rmdir(l->dir);
}

static void
sink_open(struct sink *s, int fd, unsigned tail_lines)
{
	sink_init(s, fd, "job", "01JTESTRUNID0000000000000", false, 0,
	    tail_lines, false);
}

/* The log file as "TAG CONTENT" records (content may hold any byte but a
 * newline), checking each record's timestamp against stamp when given. */
static void
log_records(
    const char *path, const char *stamp, struct strbuf *out, size_t *nrec)
{
	size_t len, n = 0;
	char *text = unit_slurp(path, &len);
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		if (nl == NULL)
			fail_msg("log record without a newline: \"%s\"", p);
		if (nl - p < STAMP_LEN + 5 || p[STAMP_LEN] != ' ' ||
		    p[STAMP_LEN + 4] != ' ')
			fail_msg("bad log record \"%.*s\"", (int)(nl - p), p);
		if (stamp != NULL && strncmp(p, stamp, STAMP_LEN) != 0)
			fail_msg("record \"%.*s\": stamp, want %s",
			    (int)(nl - p), p, stamp);
		strbuf_add(
		    out, p + STAMP_LEN + 1, (size_t)(nl - p) - STAMP_LEN - 1);
		strbuf_add(out, "|", 1);
		p = nl + 1;
		n++;
	}
	if (nrec != NULL)
		*nrec = n;
	free(text);
}

/* --- line splitting, as a table ---------------------------------------- */

struct chunk {
	int stream;
	const char *data;
};

struct split_case {
	const char *what;
	struct chunk chunks[6];
	const char *want; /* log records "TAG CONTENT|..." */
	uint64_t lines;
};

static const struct split_case splits[] = {
    {"whole lines", {{SINK_OUT, "a\nb\n"}}, "out a|out b|", 2},
    {"empty lines", {{SINK_OUT, "\n\n"}}, "out |out |", 2},
    {"a line across chunks",
        {{SINK_OUT, "a\nb"}, {SINK_OUT, "c"}, {SINK_OUT, "d\ne\n"}},
        "out a|out bcd|out e|", 3},
    {"newline alone in a chunk", {{SINK_OUT, "abc"}, {SINK_OUT, "\n"}},
        "out abc|", 1},
    {"last line without a newline is flushed", {{SINK_OUT, "one\ntwo"}},
        "out one|out two|", 2},
    {"stderr is tagged", {{SINK_ERR, "oops\n"}}, "err oops|", 1},
    {"streams keep their own partial lines",
        {{SINK_OUT, "ab"}, {SINK_ERR, "cd"}, {SINK_OUT, "e\n"},
            {SINK_ERR, "\n"}},
        "out abe|err cd|", 2},
    {"partial lines of both streams at the end: stdout first",
        {{SINK_ERR, "x"}, {SINK_OUT, "y"}}, "out y|err x|", 2},
    {"CR is content, not a line end", {{SINK_OUT, "a\r\nb\rc\n"}},
        "out a\r|out b\rc|", 2},
};

static void
test_split(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof splits / sizeof splits[0]; i++) {
		const struct split_case *c = &splits[i];
		struct strbuf got = STRBUF_INIT;
		struct logfile l;
		struct sink s;
		uint64_t bytes = 0;

		log_open(&l);
		sink_open(&s, l.fd, 10);
		for (const struct chunk *k = c->chunks; k->data != NULL; k++) {
			sink_feed(&s, k->stream, k->data, strlen(k->data), T0);
			bytes += strlen(k->data);
		}
		sink_flush(&s);
		log_records(l.path, "2025-11-24T16:00:00.250Z", &got, NULL);
		if (strcmp(strbuf_str(&got), c->want) != 0)
			fail_msg("%s: log \"%s\", want \"%s\"", c->what,
			    strbuf_str(&got), c->want);
		assert_int_equal(s.lines, c->lines);
		assert_int_equal(s.bytes, bytes);
		sink_finish(&s);
		strbuf_free(&got);
		log_close(&l);
	}
}

/* --- chunk boundaries: any cut of the same bytes gives the same lines -- */

/* The lines the sink makes of data fed in chunks of the given sizes
 * (the last chunk takes the rest), as "len:first-byte" records. */
static char *
lines_of(const char *data, size_t len, const size_t *cuts, size_t ncuts)
{
	struct sink s;
	struct strbuf out = STRBUF_INIT;
	size_t at = 0;
	char *joined, *p;

	sink_open(&s, -1, 100);
	for (size_t i = 0; i <= ncuts; i++) {
		size_t to = i < ncuts ? cuts[i] : len;

		sink_feed(&s, SINK_OUT, data + at, to - at, T0);
		at = to;
	}
	sink_flush(&s);
	joined = ring_join(&s.tail, 0);
	/* Line lengths say more than 8 KiB of 'x' would. */
	for (p = joined; *p != '\0';) {
		char *nl = strchr(p, '\n');

		strbuf_printf(
		    &out, "%zu:%.*s ", (size_t)(nl - p), nl > p ? 1 : 0, p);
		p = nl + 1;
	}
	strbuf_printf(&out, "(%llu lines, %llu bytes)",
	    (unsigned long long)s.lines, (unsigned long long)s.bytes);
	free(joined);
	sink_finish(&s);
	return out.s;
}

/* A text of runs: "x4096 | y" is 4096 'x', a newline, a 'y'. */
static char *
make_input(const char *spec, size_t *len)
{
	struct strbuf b = STRBUF_INIT;
	char *out;

	for (const char *p = spec; *p != '\0';) {
		char c = *p++;
		size_t n = 1;

		if (*p >= '0' && *p <= '9') {
			char *end;

			n = strtoul(p, &end, 10);
			p = end;
		}
		if (c == '|')
			c = '\n';
		for (size_t i = 0; i < n; i++)
			strbuf_add(&b, &c, 1);
		while (*p == ' ')
			p++;
	}
	*len = b.len;
	out = b.s != NULL ? b.s : xstrdup("");
	return out;
}

/* Whether cutting data before byte k is worth a run: near either end,
 * near a newline, or near a multiple of SINK_LINE_MAX within a line. */
static bool
interesting_cut(const char *data, size_t len, size_t k)
{
	size_t line_start = 0, col;

	if (len <= 64 || k < 3 || len - k < 3)
		return true;
	for (size_t i = k; i > 0; i--)
		if (data[i - 1] == '\n') {
			line_start = i;
			break;
		}
	col = (k - line_start) % SINK_LINE_MAX;
	if (col < 3 || col > SINK_LINE_MAX - 3 || k - line_start < 3)
		return true;
	for (size_t i = k > 2 ? k - 2 : 0; i < len && i <= k + 2; i++)
		if (data[i] == '\n')
			return true;
	return false;
}

struct boundary_case {
	const char *input; /* see make_input() */
	const char *want;  /* lines_of() of the whole input */
};

static const struct boundary_case boundaries[] = {
    {"a3 | b2 |", "3:a 2:b (2 lines, 7 bytes)"},
    {"| | a | |", "0: 0: 1:a 0: (4 lines, 5 bytes)"},
    {"a5", "5:a (1 lines, 5 bytes)"},
    {"x4095 | y", "4095:x 1:y (2 lines, 4097 bytes)"},
    {"x4096 | y", "4096:x 1:y (2 lines, 4098 bytes)"},
    {"x4097 | y", "4096:x 1:x 1:y (3 lines, 4099 bytes)"},
    {"x8192 | y |", "4096:x 4096:x 1:y (3 lines, 8195 bytes)"},
    {"x8193 |", "4096:x 4096:x 1:x (3 lines, 8194 bytes)"},
    {"x4096", "4096:x (1 lines, 4096 bytes)"},
    {"x10000", "4096:x 4096:x 1808:x (3 lines, 10000 bytes)"},
    {"a | x4096 | | b", "1:a 4096:x 0: 1:b (4 lines, 4101 bytes)"},
};

static void
test_chunk_boundaries(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof boundaries / sizeof boundaries[0]; i++) {
		size_t len;
		char *data = make_input(boundaries[i].input, &len);
		char *whole = lines_of(data, len, NULL, 0);

		if (strcmp(whole, boundaries[i].want) != 0)
			fail_msg("\"%s\" in one chunk: %s, want %s",
			    boundaries[i].input, whole, boundaries[i].want);
		/* Cuts in two, and in three around a byte, wherever a line
		 * starts or ends or reaches SINK_LINE_MAX. */
		for (size_t k = 0; k <= len; k++) {
			size_t cut2[2] = {k, k + 1 <= len ? k + 1 : len};

			if (!interesting_cut(data, len, k))
				continue;
			char *two = lines_of(data, len, cut2, 1);
			char *three = lines_of(data, len, cut2, 2);

			if (strcmp(two, whole) != 0)
				fail_msg("\"%s\" cut at %zu: %s, want %s",
				    boundaries[i].input, k, two, whole);
			if (strcmp(three, whole) != 0)
				fail_msg("\"%s\" cut at %zu and %zu: %s, want "
				         "%s",
				    boundaries[i].input, cut2[0], cut2[1],
				    three, whole);
			free(two);
			free(three);
		}
		free(whole);
		free(data);
	}
}

/* Byte by byte, as a slow pipe would deliver it. */
static void
test_byte_by_byte(void **state)
{
	size_t len;
	char *data = make_input("a | b2 | x5000 | | c", &len);
	char *whole = lines_of(data, len, NULL, 0);
	size_t *cuts = xcalloc(len, sizeof *cuts);
	char *bytes;

	(void)state;
	for (size_t i = 0; i < len; i++)
		cuts[i] = i + 1;
	bytes = lines_of(data, len, cuts, len - 1);
	assert_string_equal(
	    whole, "1:a 2:b 4096:x 904:x 0: 1:c (6 lines, 5008 bytes)");
	assert_string_equal(bytes, whole);
	free(bytes);
	free(cuts);
	free(whole);
	free(data);
}

/* --- the log file ------------------------------------------------------- */

/* Binary output, NUL included, reaches the log file byte for byte. */
static void
test_binary_in_log(void **state)
{
	static const char data[] = "a\0b\xff\x01\x7f\n\0\n\x1b[31mred\n";
	static const char want[] =
	    "out a\0b\xff\x01\x7f|out \0|out \x1b[31mred|";
	struct strbuf got = STRBUF_INIT;
	struct logfile l;
	struct sink s;

	(void)state;
	log_open(&l);
	sink_open(&s, l.fd, 10);
	sink_feed(&s, SINK_OUT, data, sizeof data - 1, T0);
	sink_flush(&s);
	log_records(l.path, NULL, &got, NULL);
	assert_int_equal(got.len, sizeof want - 1);
	assert_memory_equal(got.s, want, sizeof want - 1);
	assert_int_equal(s.bytes, sizeof data - 1);
	assert_int_equal(s.lines, 3);
	sink_finish(&s);
	strbuf_free(&got);
	log_close(&l);
}

/* Each record: the time its line was received (ms, UTC), the stream, the
 * line; cronwrap's own notes are tagged "cw". */
static void
test_log_format(void **state)
{
	static const char want[] = "2025-11-24T16:00:00.250Z out first\n"
	                           "2025-11-24T16:00:00.250Z err second\n"
	                           "2025-11-24T16:00:01.500Z out third\n"
	                           "2025-11-24T16:00:01.500Z out fourth\n"
	                           "2025-11-24T16:00:02.000Z err fifth\n";
	struct logfile l;
	struct sink s;
	size_t len;
	char *text;

	(void)state;
	log_open(&l);
	sink_open(&s, l.fd, 10);
	sink_feed(&s, SINK_OUT, "first\n", 6, T0);
	sink_feed(&s, SINK_ERR, "second\n", 7, T0);
	sink_feed(&s, SINK_OUT, "thi", 3, T0 + 1.25);
	sink_feed(&s, SINK_OUT, "rd\nfourth\n", 10, T0 + 1.25);
	/* A line is stamped when it is complete. */
	sink_feed(&s, SINK_ERR, "fif", 3, T0 + 1.5);
	sink_feed(&s, SINK_ERR, "th\n", 3, T0 + 1.75);
	sink_flush(&s);
	text = unit_slurp(l.path, &len);
	assert_string_equal(text, want);
	free(text);

	sink_note(&s, "timeout after %gs: sending SIGTERM", 30.0);
	text = unit_slurp(l.path, &len);
	assert_memory_equal(text, want, sizeof want - 1);
	/* A note is stamped with the clock of now; only its shape is known. */
	assert_string_equal(text + sizeof want - 1 + STAMP_LEN,
	    " cw  timeout after 30s: sending SIGTERM\n");
	free(text);
	sink_finish(&s);
	log_close(&l);
}

/* The wall clock can step back (NTP, a person): lines are stamped with
 * the clock as it is, not with the last stamp until it catches up. */
static void
test_log_clock_steps_back(void **state)
{
	static const char want[] =
	    "2025-11-24T16:00:10.250Z out later\n"
	    "2025-11-24T16:00:00.250Z out stepped back\n"
	    "2025-11-24T15:00:00.250Z out an hour back\n";
	struct logfile l;
	struct sink s;
	char *text;

	(void)state;
	log_open(&l);
	sink_open(&s, l.fd, 10);
	sink_feed(&s, SINK_OUT, "later\n", 6, T0 + 10);
	sink_feed(&s, SINK_OUT, "stepped back\n", 13, T0);
	sink_feed(&s, SINK_OUT, "an hour back\n", 13, T0 - 3600);
	sink_flush(&s);
	text = unit_slurp(l.path, NULL);
	assert_string_equal(text, want);
	free(text);
	sink_finish(&s);
	log_close(&l);
}

/* More output than the write buffer holds reaches the file whole. */
static void
test_big_output(void **state)
{
	struct strbuf got = STRBUF_INIT;
	struct logfile l;
	struct sink s;
	char line[100];
	size_t nrec, len;
	char *text;

	(void)state;
	memset(line, 'z', sizeof line);
	line[sizeof line - 1] = '\n';
	log_open(&l);
	sink_open(&s, l.fd, 5);
	for (int i = 0; i < 3000; i++)
		sink_feed(
		    &s, i % 2 ? SINK_ERR : SINK_OUT, line, sizeof line, T0);
	sink_flush(&s);
	assert_int_equal(s.log_errno, 0);
	text = unit_slurp(l.path, &len);
	assert_int_equal(len, 3000 * (STAMP_LEN + 5 + sizeof line));
	free(text);
	log_records(l.path, "2025-11-24T16:00:00.250Z", &got, &nrec);
	assert_int_equal(nrec, 3000);
	assert_int_equal(s.bytes, 3000 * sizeof line);
	assert_int_equal(s.lines, 3000);
	sink_finish(&s);
	strbuf_free(&got);
	log_close(&l);
}

/* A log file that cannot be written: the error is kept once, the job's
 * output still counts and still reaches the tail. */
static void
test_log_write_error(void **state)
{
	int fd = open("/dev/full", O_WRONLY | O_CLOEXEC);
	struct sink s;
	char *tail;

	(void)state;
	assert_true(fd >= 0);
	sink_open(&s, fd, 2);
	sink_feed(&s, SINK_OUT, "a\nb\n", 4, T0);
	sink_flush(&s);
	assert_int_equal(s.log_errno, ENOSPC);
	sink_feed(&s, SINK_OUT, "c\n", 2, T0);
	sink_flush(&s);
	assert_int_equal(s.log_errno, ENOSPC);
	tail = ring_join(&s.tail, 0);
	assert_string_equal(tail, "b\nc\n");
	free(tail);
	assert_int_equal(s.bytes, 6);
	assert_int_equal(s.lines, 3);
	sink_finish(&s);
	close(fd);
}

/* --- the tail ring ------------------------------------------------------ */

static void
test_tail(void **state)
{
	struct sink s;
	char *tail;

	(void)state;
	sink_open(&s, -1, 3);
	sink_feed(&s, SINK_OUT, "1\n2\n3\n", 6, T0);
	sink_feed(&s, SINK_ERR, "4\n", 2, T0);
	sink_feed(&s, SINK_OUT, "5\nsix", 5, T0);
	tail = ring_join(&s.tail, 0);
	assert_string_equal(tail, "3\n4\n5\n");
	free(tail);
	sink_flush(&s);
	tail = ring_join(&s.tail, 0);
	assert_string_equal(tail, "4\n5\nsix\n");
	free(tail);
	sink_note(&s, "note %d", 7);
	tail = ring_join(&s.tail, 2);
	assert_string_equal(tail, "six\nnote 7\n");
	free(tail);
	assert_int_equal(s.lines, 7);
	assert_int_equal(s.bytes, 13);
	sink_finish(&s);
}

/* Whole lines are taken into the tail when their chunk is done, lines
 * from the partial-line buffer at once: the order must still be the
 * output's, when both kinds come in one chunk. */
static void
test_tail_order(void **state)
{
	size_t zlen = SINK_LINE_MAX + 10, len = 2 + zlen + 3;
	char *chunk = malloc(len), *want = malloc(len + 8), *tail;
	struct sink s;

	(void)state;
	memcpy(chunk, "1\n", 2);
	memset(chunk + 2, 'z', zlen);
	memcpy(chunk + 2 + zlen, "\n2\n", 3);
	sink_open(&s, -1, 4);
	sink_feed(&s, SINK_OUT, "0", 1, T0);
	sink_feed(&s, SINK_OUT, chunk, len, T0);
	/* "01", the cut line, its 10-byte rest, "2" */
	memcpy(want, "01\n", 3);
	memset(want + 3, 'z', SINK_LINE_MAX);
	want[3 + SINK_LINE_MAX] = '\n';
	memcpy(want + 4 + SINK_LINE_MAX, "zzzzzzzzzz\n2\n", 14);
	want[18 + SINK_LINE_MAX] = '\0';
	tail = ring_join(&s.tail, 0);
	assert_string_equal(tail, want);
	free(tail);
	/* Many lines in one chunk: only the last four stay. */
	sink_feed(&s, SINK_OUT, "a\nb\nc\nd\ne\nf", 11, T0);
	tail = ring_join(&s.tail, 0);
	assert_string_equal(tail, "b\nc\nd\ne\n");
	free(tail);
	sink_finish(&s);
	free(chunk);
	free(want);
}

/* The tail holds lines cut to SINK_LINE_MAX, never more. */
static void
test_tail_long_line(void **state)
{
	struct sink s;
	size_t len;
	char *data = make_input("q9000 |", &len);
	char *tail;

	(void)state;
	sink_open(&s, -1, 1);
	sink_feed(&s, SINK_OUT, data, len, T0);
	sink_flush(&s);
	tail = ring_join(&s.tail, 0);
	assert_int_equal(strlen(tail), 9000 - 2 * SINK_LINE_MAX + 1);
	free(tail);
	sink_finish(&s);
	free(data);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_split),
	    cmocka_unit_test(test_chunk_boundaries),
	    cmocka_unit_test(test_byte_by_byte),
	    cmocka_unit_test(test_binary_in_log),
	    cmocka_unit_test(test_log_format),
	    cmocka_unit_test(test_log_clock_steps_back),
	    cmocka_unit_test(test_big_output),
	    cmocka_unit_test(test_log_write_error),
	    cmocka_unit_test(test_tail),
	    cmocka_unit_test(test_tail_order),
	    cmocka_unit_test(test_tail_long_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
