/* base64: the test vectors of RFC 4648, section 10, and bytes >= 0x80. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "util/base64.h"

static const struct {
	const char *in, *out;
} vectors[] = {
    {"", ""},
    {"f", "Zg=="},
    {"fo", "Zm8="},
    {"foo", "Zm9v"},
    {"foob", "Zm9vYg=="},
    {"fooba", "Zm9vYmE="},
    {"foobar", "Zm9vYmFy"},
    {"caf\xc3\xa9 \xe2\x82\xac", "Y2Fmw6kg4oKs"},
    {"\xff\xfe\xfd", "//79"},
};

static void
test_vectors(void **state)
{
	char out[64];

	(void)state;
	for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
		size_t n = base64_encode((const unsigned char *)vectors[i].in,
		    strlen(vectors[i].in), out);

		assert_string_equal(out, vectors[i].out);
		assert_int_equal(n, strlen(vectors[i].out));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_vectors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
