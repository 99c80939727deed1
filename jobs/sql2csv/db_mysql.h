/*
 * db_mysql.h - what the MySQL driver's two files share (internal).
 */
#ifndef SQL2CSV_DB_MYSQL_H
#define SQL2CSV_DB_MYSQL_H

#include <mysql.h>

#include "db.h"

/* Whether the error e (mysql_errno) is worth a retry. */
enum cw_status my_status(unsigned e);

/* Streams the rows of the prepared statement st, executed and returning
 * rows, to the sink, values in binary (exact).  Returns 0, or -1 with err
 * filled; line is for messages. */
int my_stmt_rows(MYSQL_STMT *st, unsigned line, const struct db_sink *sink,
    struct db_error *err);
/* The same for the text result of mysql_real_query() (mysql_use_result):
 * the way for the few statements the server cannot prepare. */
int my_text_rows(MYSQL *m, MYSQL_RES *res, unsigned line,
    const struct db_sink *sink, struct db_error *err);

#endif
