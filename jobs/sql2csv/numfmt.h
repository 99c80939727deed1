/*
 * numfmt.h - floating-point numbers as text: the shortest decimal that
 * reads back (strtod, strtof) to the same value, laid out as PostgreSQL
 * (12 and later) writes them, so that every driver writes the same text for
 * the same value: fixed notation when the decimal exponent is in [-4, 15)
 * (floats: [-4, 6)), else d.ddde+XX; "NaN", "Infinity", "-Infinity", "-0".
 */
#ifndef SQL2CSV_NUMFMT_H
#define SQL2CSV_NUMFMT_H

#include <stddef.h>

#define NUMFMT_MAX 40

/* Writes v and its NUL into out; returns the length. */
size_t numfmt_double(double v, char out[NUMFMT_MAX]);
size_t numfmt_float(float v, char out[NUMFMT_MAX]);

#endif
