/*
 * alert_text.h - text from a job made fit for a mail or a JSON document:
 * valid UTF-8, no terminal escapes, the last lines only.
 */
#ifndef CW_ALERT_TEXT_H
#define CW_ALERT_TEXT_H

#include <stddef.h>

/* The last max_lines lines of text (n bytes), as valid UTF-8 (invalid
 * bytes become U+FFFD) without terminal escapes or control characters
 * other than tab; a carriage return keeps what a terminal would show (the
 * text after it).  Ends with a newline unless empty.  *lines gets the
 * number of lines.  Caller frees. */
char *alert_text_tail(
    const char *text, size_t n, unsigned max_lines, unsigned *lines);

/* The last max_lines lines of the file at path (read from its last
 * 64 KiB), cleaned as above; NULL when it cannot be read. */
char *alert_text_file_tail(
    const char *path, unsigned max_lines, unsigned *lines);

/* s as valid UTF-8: invalid bytes become U+FFFD.  Caller frees. */
char *alert_text_utf8(const char *s);

/* "12s", "12m", "2h05m", "1d02h": a short duration for a subject. */
void alert_text_duration(double seconds, char *buf, size_t len);

#endif
