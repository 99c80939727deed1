#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "sink.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

static const char *const stream_tag[] = {"cw ", "out", "err"};

void
sink_init(struct sink *s, int log_fd, const char *job, const char *run_id,
    bool to_syslog, unsigned syslog_budget, unsigned tail_lines, bool live)
{
	memset(s, 0, sizeof *s);
	s->log_fd = log_fd;
	s->job = job;
	s->run_id = run_id;
	s->syslog = to_syslog;
	s->syslog_budget = syslog_budget;
	s->live = live;
	ring_init(&s->tail, tail_lines);
	s->pending_cap = s->tail.cap;
	s->pending = xcalloc(s->pending_cap, sizeof *s->pending);
}

void
sink_flush_log(struct sink *s)
{
	const char *p = s->wbuf;

	while (s->wlen > 0 && s->log_fd >= 0 && s->log_errno == 0) {
		ssize_t n = write(s->log_fd, p, s->wlen);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			/* Disk full or gone: the job goes on; the loss is
			 * reported once, by the runner, from log_errno. */
			s->log_errno = errno;
			break;
		}
		p += n;
		s->wlen -= (size_t)n;
	}
	s->wlen = 0;
}

/* Control characters would break syslog's one-line records. */
static void
syslog_line(struct sink *s, int stream, const char *line, size_t len)
{
	char clean[SINK_LINE_MAX + 1];

	if (!s->syslog || s->syslog_budget == 0)
		return;
	for (size_t i = 0; i < len; i++)
		clean[i] = (unsigned char)line[i] < 0x20 || line[i] == 0x7f
		               ? '?'
		               : line[i];
	clean[len] = '\0';
	if (--s->syslog_budget == 0)
		syslog(LOG_NOTICE,
		    "job=%s run=%s event=output_truncated "
		    "reason=\"syslog line budget reached; the "
		    "rest is in the run log\"",
		    s->job, s->run_id);
	else
		syslog(stream == SINK_ERR ? LOG_WARNING : LOG_INFO,
		    "job=%s run=%s stream=%s: %s", s->job, s->run_id,
		    stream == SINK_ERR   ? "stderr"
		    : stream == SINK_OUT ? "stdout"
		                         : "cronwrap",
		    clean);
}

/* "STAMP TAG text\n" straight into the write buffer: this runs for every
 * line of output, so one copy of each piece and no strlen. */
static void
log_line(struct sink *s, int stream, const char *line, size_t len)
{
	size_t need = s->stamp_len + 4 + len + 1;
	char *p;

	if (s->log_fd < 0 || s->log_errno != 0)
		return;
	if (s->wlen + need > sizeof s->wbuf)
		sink_flush_log(s);
	if (need > sizeof s->wbuf) /* cannot happen: lines are cut */
		return;
	p = s->wbuf + s->wlen;
	memcpy(p, s->stamp, s->stamp_len);
	p += s->stamp_len;
	memcpy(p, stream_tag[stream], 3);
	p[3] = ' ';
	p += 4;
	memcpy(p, line, len);
	p[len] = '\n';
	s->wlen += need;
}

/* Copies the pending lines into the tail, oldest first. */
static void
pending_flush(struct sink *s)
{
	for (size_t i = 0; i < s->pending_n; i++) {
		const struct sink_pending *p =
		    &s->pending[(s->pending_start + i) % s->pending_cap];

		ring_push(&s->tail, p->line, p->len);
	}
	s->pending_start = s->pending_n = 0;
}

/* A line that stays valid until sink_feed() returns: remembered, not
 * copied, since a later line of the same chunk will likely evict it. */
static void
pending_add(struct sink *s, const char *line, size_t len)
{
	size_t i;

	if (s->pending_n < s->pending_cap)
		i = (s->pending_start + s->pending_n++) % s->pending_cap;
	else {
		i = s->pending_start;
		s->pending_start = (s->pending_start + 1) % s->pending_cap;
	}
	s->pending[i] = (struct sink_pending){line, len};
}

/* borrowed: line lives in the chunk being fed, not in a buffer of ours
 * that is about to be reused. */
static void
emit_line(
    struct sink *s, int stream, const char *line, size_t len, bool borrowed)
{
	log_line(s, stream, line, len);
	if (borrowed)
		pending_add(s, line, len);
	else {
		pending_flush(s);
		ring_push(&s->tail, line, len);
	}
	syslog_line(s, stream, line, len);
	s->lines++;
}

static void
set_stamp(struct sink *s, double now)
{
	/* One stamp per millisecond of the wall clock, which can also step
	 * back. */
	if (s->stamp[0] != '\0' &&
	    (long long)(now * 1000) == (long long)(s->stamp_at * 1000))
		return;
	iso8601_utc_ms(now, s->stamp, sizeof s->stamp - 1);
	strcat(s->stamp, " ");
	s->stamp_len = strlen(s->stamp);
	s->stamp_at = now;
}

void
sink_feed(struct sink *s, int stream, const char *data, size_t len, double now)
{
	char *part = s->part[stream];
	size_t *plen = &s->part_len[stream];

	s->bytes += len;
	if (s->live) {
		if (write(stream == SINK_ERR ? 2 : 1, data, len) < 0)
			s->live = false;
	}
	set_stamp(s, now);
	while (len > 0) {
		const char *nl;
		size_t seg, used;

		if (*plen == SINK_LINE_MAX) {
			/* A full line: cut here, unless its newline is what
			 * comes next (then it was exactly full). */
			emit_line(s, stream, part, *plen, false);
			*plen = 0;
			if (*data == '\n') {
				data++;
				len--;
			}
			continue;
		}
		nl = memchr(data, '\n', len);
		seg = nl ? (size_t)(nl - data) : len;
		if (*plen == 0 && nl != NULL && seg <= SINK_LINE_MAX) {
			emit_line(s, stream, data, seg,
			    true); /* whole line, no copy */
			used = seg + 1;
		} else {
			size_t room = SINK_LINE_MAX - *plen;

			used = seg < room ? seg : room;
			memcpy(part + *plen, data, used);
			*plen += used;
			/* cppcheck-suppress knownConditionTrueFalse */
			if (used == seg && nl != NULL) {
				emit_line(s, stream, part, *plen, false);
				*plen = 0;
				used++; /* the newline */
			}
		}
		data += used;
		len -= used;
	}
	pending_flush(s);
}

void
sink_note(struct sink *s, const char *fmt, ...)
{
	char line[SINK_LINE_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof line)
		n = sizeof line - 1;
	set_stamp(s, now_real());
	emit_line(s, 0, line, (size_t)n, false);
	sink_flush_log(s);
}

void
sink_flush(struct sink *s)
{
	for (int stream = SINK_OUT; stream <= SINK_ERR; stream++)
		if (s->part_len[stream] > 0) {
			emit_line(s, stream, s->part[stream],
			    s->part_len[stream], false);
			s->part_len[stream] = 0;
		}
	sink_flush_log(s);
}

void
sink_finish(struct sink *s)
{
	sink_flush(s);
	ring_free(&s->tail);
	free(s->pending);
	s->pending = NULL;
}
