# sql2csv: SQL query results to RFC 4180 CSV (SQLite, PostgreSQL, MariaDB).
PKGS_sql2csv := sqlite3 libpq libmariadb zlib libcrypto

# Unit tests of the plugin's parts that need no database.
TEST_SRC_test_sql2csv_csv := jobs/sql2csv/csv.c jobs/sql2csv/numfmt.c
TEST_PKGS_test_sql2csv_csv := zlib libcrypto
TEST_SRC_test_sql2csv_script := jobs/sql2csv/script.c

# Export cw_plugin alone (see plugin.map).
LIBS_sql2csv := -Wl,--version-script=jobs/sql2csv/plugin.map
