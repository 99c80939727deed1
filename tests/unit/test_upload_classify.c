/*
 * test_upload_classify.c - the upload plugin's retry policy
 * (jobs/upload/errclass.c) and SSH key kind detection (jobs/upload/sshkey.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../jobs/upload/errclass.h"
#include "../../jobs/upload/sshkey.h"

static const struct {
	CURLcode code;
	long reply;
	const char *errbuf;
	bool transient;
} cases[] = {
    {CURLE_OK, 0, "", false},
    {CURLE_COULDNT_CONNECT, 0, "Failed to connect", true},
    {CURLE_OPERATION_TIMEDOUT, 0, "Operation too slow", true},
    {CURLE_SEND_ERROR, 150, "Connection reset", true},
    {CURLE_RECV_ERROR, 0, "", true},
    {CURLE_COULDNT_RESOLVE_HOST, 0, "", true},
    /* FTP replies decide over libcurl's code. */
    {CURLE_WEIRD_SERVER_REPLY, 421, "", true},
    {CURLE_LOGIN_DENIED, 421, "Access denied: 421", true},
    {CURLE_UPLOAD_FAILED, 452, "", true},
    {CURLE_UPLOAD_FAILED, 553, "", false},
    {CURLE_LOGIN_DENIED, 530, "Access denied: 530", false},
    {CURLE_QUOTE_ERROR, 550, "QUOT command failed with 550", false},
    {CURLE_REMOTE_ACCESS_DENIED, 550, "", false},
    {CURLE_SEND_ERROR, 550, "", false},
    /* No reply code: libcurl's code decides. */
    {CURLE_LOGIN_DENIED, 0, "Authentication failure", false},
    {CURLE_PEER_FAILED_VERIFICATION, 0, "", false},
    {CURLE_USE_SSL_FAILED, 0, "", false},
    {CURLE_REMOTE_FILE_NOT_FOUND, 0, "", false},
    {CURLE_QUOTE_ERROR, 0, "rename command failed: Operation failed", false},
    /* SFTP: the status in "(STATUS/RC)". */
    {CURLE_SSH, 0, "Upload failed: Permission denied (3/-31)", false},
    {CURLE_SSH, 0, "Upload failed: Connection to SFTP server lost (7/-31)",
        true},
    {CURLE_SSH, 0, "Upload failed: ssh error (0/-43)", true},
    {CURLE_SSH, 0,
        "Failure establishing ssh session: -43, Failed getting "
        "banner",
        true},
    {CURLE_SSH, 0, "", true},
};

static void
test_classify(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		bool t = errclass_transient(
		    cases[i].code, cases[i].reply, cases[i].errbuf);

		if (t != cases[i].transient)
			fail_msg("case %zu (curl %d, reply %ld, \"%s\"): %s", i,
			    cases[i].code, cases[i].reply, cases[i].errbuf,
			    t ? "transient" : "permanent");
	}
}

/* Throwaway keys made for this test with ssh-keygen (-C t, no passphrase
 * except key_ed_enc's "pw"). */
static const char key_rsa_new[] =
    "-----BEGIN OPENSSH PRIVATE KEY-----\n"
    "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAlwAAAAdzc2gtcn\n"
    "NhAAAAAwEAAQAAAIEA0+ZtddZ5+jQIzKsvDdWASiKaaesLoqXUqPTPRTBuIUtmibzrBtBt\n"
    "rp4Hjap0W1nLKoF+mR0do3uNT9pr/jtfSwTJZHA5Y9hdxJTEhYujj72JONeZBNCzANoGDM\n"
    "R5dsXLRjGVT9OSM2yPW09XGjoZUXjmyritvDAQFKM6SVs7HB8AAAH47cH1YO3B9WAAAAAH\n"
    "c3NoLXJzYQAAAIEA0+ZtddZ5+jQIzKsvDdWASiKaaesLoqXUqPTPRTBuIUtmibzrBtBtrp\n"
    "4Hjap0W1nLKoF+mR0do3uNT9pr/jtfSwTJZHA5Y9hdxJTEhYujj72JONeZBNCzANoGDMR5\n"
    "dsXLRjGVT9OSM2yPW09XGjoZUXjmyritvDAQFKM6SVs7HB8AAAADAQABAAAAgEjcuBDH4g\n"
    "N1tvzhc/mWy1kyktQO3V5dFUXPgCHzaDsMmUKNcmdSbhSYBFLjJMVwl9qS0nxFtbZMOqgV\n"
    "nAK8WaRqiJTrV6tOyq6mirJuacm8nqozquSCxWhqjJiOsZ8FhQ92gpOYGK3f+PxFqlqTTB\n"
    "Bm3AP7rziCHqVZfRYvInkhAAAAQQDClw8YKnwViVW6Az8BnuHM9tGXTku6gz5yRDu1NOZu\n"
    "wRNq7h+EwjNACv4w6gLdUHXUs3zWL5Yz8JB9tRJGW4c0AAAAQQD4valhpLFaUNTKFv+XT6\n"
    "n/CuE63+E/67PO7tQ3fqCo/M9cvjARRjhuOhvOT/gFbS7mmxIDyV2XdPqHjewlEd6RAAAA\n"
    "QQDaFYeBcpNQpPD1kdPfQ3r6KeHCOMpY2ogPP5UHsI5NvrJRW6ZeW9y5Bs3CXTTXHVpw+7\n"
    "PksW25UjuhV7wrDgevAAAAAXQB\n"
    "-----END OPENSSH PRIVATE KEY-----\n";
static const char key_rsa_pem[] =
    "-----BEGIN RSA PRIVATE KEY-----\n"
    "MIICXgIBAAKBgQCnKOEj+AgOj15xHV9hOkDWa7xXltrqrLIv67o49s/6xRIfUeKg\n"
    "ihiQ7dhOZ/N8GdxxDuO+w0y+RjBuPyfwsOKKAKAr0RCDiKMLXhWF6a9IQh0JOtjm\n"
    "EFtq5GTer1UqGYw3eI4lUJizwIsYbbk2560yeUf9gWgkOc55cWMkiXwYiwIDAQAB\n"
    "AoGBAJXgcGU4ubicUZhoNqHNgl7+wCNkripl52pSGGmE2pvE4OfWGrXIvBgOObir\n"
    "OcQWx/FS4V6ka4XbFwdydxQ29RZGXHpH0P1oG2iNUbwB4eRD40FmZ3isAgiB4qUk\n"
    "+74vfZ1MIFx+M6/HJDYRgChTrfU12/pOJXKIWeqqxaOeDkCBAkEA0A1Vx1pmzZ9l\n"
    "ANGWeIkq9OKopChlaG2dO48OV7lFz1ZIQNv/xPrEMvSawyQTZujIXVhdM/I7XCRD\n"
    "i+CPL4bRQQJBAM2u+Qd0FiWxCD3YFwB6ZsyLQKbSl8ZHS4b85aS2jbj81CIuEpvn\n"
    "1UC6bGgYVKae6t2k5E4Ae35YHTV3TEvfqssCQQCnovcI6DiJWfOCU14QxUVNiAwm\n"
    "KT58hEX6pWwDFw++3mDdkeZmiz/nZtwEfF79vncjb325y2Y0+itK26fDvbeBAkAO\n"
    "Q6EvnCRhDsr0hwTpWpPAgbPFHfu6m30oamd+qc5gUuBfUnSl7UkDySn1eiJ8v66o\n"
    "GmRe6HeoBnJYH+LhrCxLAkEAx37f87c44m6fVO8Pj8CCe1rjSLyPkzNxNL1zeVCz\n"
    "wpM7hQyXeFHa74/yWzUTWCSErDuBd4veHauHNSPmgYKWNg==\n"
    "-----END RSA PRIVATE KEY-----\n";
static const char key_ed[] =
    "-----BEGIN OPENSSH PRIVATE KEY-----\n"
    "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n"
    "QyNTUxOQAAACAe99bTBwwP7Iu3y9S5UJzGHZX6ex5k0uj0CIUdO4feWwAAAIiWmTWelpk1\n"
    "ngAAAAtzc2gtZWQyNTUxOQAAACAe99bTBwwP7Iu3y9S5UJzGHZX6ex5k0uj0CIUdO4feWw\n"
    "AAAEA0zoR0AQ1od17W3wDL17437WEsD83KsMcSMGnratqZDx731tMHDA/si7fL1LlQnMYd\n"
    "lfp7HmTS6PQIhR07h95bAAAAAXQBAgME\n"
    "-----END OPENSSH PRIVATE KEY-----\n";
static const char key_ed_enc[] =
    "-----BEGIN OPENSSH PRIVATE KEY-----\n"
    "b3BlbnNzaC1rZXktdjEAAAAACmFlczI1Ni1jdHIAAAAGYmNyeXB0AAAAGAAAABCupxReed\n"
    "ltEOPqvPyTyGboAAAAEAAAAAEAAAAzAAAAC3NzaC1lZDI1NTE5AAAAIOASFT6BSlLBcmk0\n"
    "g/PXqFwtlJ3bZaNR8+YS8/1gNa23AAAAkHQ3TagrhE+NZFBM+oQ7LE1ISglpf9b3cnObuB\n"
    "kFmK09+tcDXPYnGyRMkRY4J98i6Na1UZYMt59gVVu9Vtph5ODgOKtRddfWIdBtMuhslDLL\n"
    "eG+PRgXOsww7V6SyE6Aw28tczGvXwo7UHMXkp4yZEKOLJ6RcToUX5FUxYTs3R0Mq35vLq7\n"
    "JTQfeYdL5ArFNvgg==\n"
    "-----END OPENSSH PRIVATE KEY-----\n";
static const char key_ec_p8[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQglUX97SdTWIYZbP1y\n"
    "tP/YIoXU4LjOggBhKAf2/9avbc+hRANCAARajTY582wfRl5OGuZzlwERebflybaH\n"
    "b/xi2p205OBuwjIccV+UZld09S/GJiQOJ/78C6sSD/nkFvkyU2O6vzw2\n"
    "-----END PRIVATE KEY-----\n";
static const char key_rsa_p8[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIICdQIBADANBgkqhkiG9w0BAQEFAASCAl8wggJbAgEAAoGBAOdW58Vfb3b627yN\n"
    "DXEq0q4yMbY/wOM+0j/lrjyaRhGW9UIWcKJ6k77w7MNO744eDr3Be2Wr+X6cTsoS\n"
    "noiCoG2ly7C6RBjEmcfyLYbn7vf2cv0bkRV9WeryEmfkz+iKGRU7wdClqSc+UWQd\n"
    "5H6RVmbr8THp9r3uzjmPXt6Q5l03AgMBAAECgYBW2Y2Rz85tAKjWFK5jOgx2UWnQ\n"
    "XgbwSXlte7D6F4EOwXm6IeqPVS16lcCNYmkVFbu7CZRmCzZTjiMWQf86iK/pQ4Uc\n"
    "Cd9AeO08LIPr6a0LyPrhHktGxhjuKPAsOUR+IZv52M1Xt5m7nQKDqZdqOW1J8B8i\n"
    "UPWK6NgeEBlQoYXXgQJBAPXCkZAlTn/ywX5UhGI9PTZzjTcKe6D+Dy03+MZtf5LU\n"
    "oGFNg/Ul4n5970KWH/oU7YDQJ/FC2bopP8XYTCf0becCQQDw+oSZ6r3dIKq0mzNo\n"
    "gloBepENDw82d7L2cGrxGGApkCrjSTfevJYgxta+eT0+vJc0A5a6ETQBq8Vi5inq\n"
    "hYwxAkAW48BbBJ6DHEEZWxXZcIq6/5gvgDJzlDYlqAjrslcnfdZSOb4InzaxQVl/\n"
    "giwIRtq4HKsbtXZB+IWQD81IC2QRAkB25TOteVtqEecHqxeHNeFQn3eXuNlpp09e\n"
    "NgMdp0gy2ZW/hG2TcPqle1WSruDf5k639BlW/ovpUyXVcPg3ZOLRAkBAAG6cqtmN\n"
    "gOTx8PmY5grU7XZyaBSYi2cryZiv4Aoc3anFPVPczNNOfIqxvPzdGLfEdGSZK7hv\n"
    "mIRzaZs2U4Dv\n"
    "-----END PRIVATE KEY-----\n";

static void
test_key_kind(void **state)
{
	static const struct {
		const char *name, *text;
		enum sshkey_kind kind;
	} keys[] = {
	    {"openssh rsa", key_rsa_new, SSHKEY_RSA},
	    {"pem rsa", key_rsa_pem, SSHKEY_RSA},
	    {"pkcs8 rsa", key_rsa_p8, SSHKEY_RSA},
	    {"openssh ed25519", key_ed, SSHKEY_OTHER},
	    {"encrypted ed25519", key_ed_enc, SSHKEY_OTHER},
	    {"pkcs8 ecdsa", key_ec_p8, SSHKEY_OTHER},
	    {"garbage", "hello\n", SSHKEY_UNKNOWN},
	    {"broken openssh",
	        "-----BEGIN OPENSSH PRIVATE KEY-----\nb3Bl\n"
	        "-----END OPENSSH PRIVATE KEY-----\n",
	        SSHKEY_UNKNOWN},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(keys) / sizeof(*keys); i++) {
		enum sshkey_kind k =
		    sshkey_kind_of(keys[i].text, strlen(keys[i].text));

		if (k != keys[i].kind)
			fail_msg("%s: kind %d, want %d", keys[i].name, k,
			    keys[i].kind);
	}
}

/* The file variant falls back to KEY.pub when the key does not tell. */
static void
test_key_file(void **state)
{
	char dir[] = "/tmp/test_upload_keyXXXXXX", key[64], pub[80];
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(key, sizeof(key), "%s/id", dir);
	snprintf(pub, sizeof(pub), "%s/id.pub", dir);
	assert_int_equal(sshkey_kind_of_file(key), SSHKEY_UNKNOWN);
	f = fopen(key, "w");
	assert_non_null(f);
	fputs(key_rsa_new, f);
	fclose(f);
	assert_int_equal(sshkey_kind_of_file(key), SSHKEY_RSA);
	f = fopen(key, "w");
	fputs("-----BEGIN ENCRYPTED PRIVATE KEY-----\n", f);
	fclose(f);
	f = fopen(pub, "w");
	fputs("ssh-rsa AAAAB3NzaC1yc2E t\n", f);
	fclose(f);
	assert_int_equal(sshkey_kind_of_file(key), SSHKEY_RSA);
	f = fopen(pub, "w");
	fputs("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5 t\n", f);
	fclose(f);
	assert_int_equal(sshkey_kind_of_file(key), SSHKEY_OTHER);
	unlink(pub);
	unlink(key);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_classify),
	    cmocka_unit_test(test_key_kind),
	    cmocka_unit_test(test_key_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
