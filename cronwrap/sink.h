/*
 * sink.h - where a job's output goes, line by line: the run's log file
 * (each line with a timestamp and its stream), syslog (within a budget of
 * lines per run, stderr at a higher priority), the tail ring for the failure
 * summary and the alert, and the terminal when stderr is one.  Memory stays
 * bounded whatever the job prints: lines are cut at SINK_LINE_MAX.
 */
#ifndef CW_SINK_H
#define CW_SINK_H

#include <stdbool.h>
#include <stdint.h>

#include "util/ring.h"

#define SINK_LINE_MAX 4096
#define SINK_OUT 1
#define SINK_ERR 2

struct sink {
	int log_fd; /* -1 = no log file */
	const char *job, *run_id;
	bool syslog;
	unsigned syslog_budget; /* lines still allowed in syslog */
	bool live;              /* copy raw output to our stdout/stderr */
	struct ring tail;
	uint64_t bytes; /* output bytes received */
	uint64_t lines;
	int log_errno; /* first error writing the log file, 0 = none */
	/* Private: partial lines and the log file's write buffer. */
	char part[3][SINK_LINE_MAX];
	size_t part_len[3];
	char wbuf[262144];
	size_t wlen;
	char stamp[32];
	size_t stamp_len;
	double stamp_at;
	/* Lines of the chunk being fed, still in the caller's buffer: only
	 * the last ones reach the tail, copied once the chunk is done. */
	struct sink_pending {
		const char *line;
		size_t len;
	} * pending;
	size_t pending_cap, pending_start, pending_n;
};

/* log_fd is owned by the caller, who closes it after sink_finish(). */
void sink_init(struct sink *s, int log_fd, const char *job, const char *run_id,
    bool to_syslog, unsigned syslog_budget, unsigned tail_lines, bool live);
/* Output of stream SINK_OUT or SINK_ERR received at time now. */
void sink_feed(
    struct sink *s, int stream, const char *data, size_t len, double now);
/* A line of cronwrap's own about the run ("timeout after 30s"), logged in
 * the run's log and the tail. */
void sink_note(struct sink *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Flushes partial lines and the log buffer. */
void sink_flush(struct sink *s);
/* Writes the buffered log to its file (also called periodically). */
void sink_flush_log(struct sink *s);
void sink_finish(struct sink *s);

#endif
