/*
 * sshkey.c - the kind of an SSH private key, read from its file.  Only the
 * key type is looked at, never the secret part.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "sshkey.h"

#define KEYFILE_MAX (64 * 1024)
#define OPENSSH_MAGIC "openssh-key-v1"

/* Reads one SSH wire-format string (uint32 length, bytes) at *p. */
static int
wire_string(const unsigned char **p, const unsigned char *end,
    const unsigned char **s, uint32_t *len)
{
	if (end - *p < 4)
		return -1;
	*len = (uint32_t)(*p)[0] << 24 | (uint32_t)(*p)[1] << 16 |
	       (uint32_t)(*p)[2] << 8 | (*p)[3];
	*p += 4;
	if ((size_t)(end - *p) < *len)
		return -1;
	*s = *p;
	*p += *len;
	return 0;
}

/* The key type of an openssh-key-v1 blob: after the magic come the cipher,
 * the KDF, its options, the key count and the (clear) public key, whose
 * first string is the type, e.g. "ssh-rsa". */
static enum sshkey_kind
openssh_kind(const unsigned char *b, size_t n)
{
	const unsigned char *p = b + sizeof(OPENSSH_MAGIC), *end = b + n;
	const unsigned char *s, *pub;
	uint32_t len, publen;

	if (n < sizeof(OPENSSH_MAGIC) ||
	    memcmp(b, OPENSSH_MAGIC, sizeof(OPENSSH_MAGIC)) != 0)
		return SSHKEY_UNKNOWN;
	for (int i = 0; i < 3; i++) {
		if (wire_string(&p, end, &s, &len) < 0)
			return SSHKEY_UNKNOWN;
	}
	if (end - p < 4)
		return SSHKEY_UNKNOWN;
	p += 4; /* number of keys */
	if (wire_string(&p, end, &pub, &publen) < 0 ||
	    wire_string(&pub, pub + publen, &s, &len) < 0)
		return SSHKEY_UNKNOWN;
	if (len == 7 && memcmp(s, "ssh-rsa", 7) == 0)
		return SSHKEY_RSA;
	return SSHKEY_OTHER;
}

/* Decodes the base64 body of the OpenSSH PEM block in text. */
static enum sshkey_kind
openssh_pem_kind(const char *text, size_t len)
{
	static const char begin[] = "-----BEGIN OPENSSH PRIVATE KEY-----";
	const char *body = memmem(text, len, begin, sizeof(begin) - 1);
	const char *stop;
	EVP_ENCODE_CTX *ctx;
	unsigned char *bin;
	int n = 0, tail = 0;
	enum sshkey_kind kind = SSHKEY_UNKNOWN;

	if (body == NULL)
		return SSHKEY_UNKNOWN;
	body += sizeof(begin) - 1;
	stop = memmem(body, len - (size_t)(body - text), "-----END", 8);
	if (stop == NULL)
		return SSHKEY_UNKNOWN;
	bin = malloc((size_t)(stop - body));
	ctx = EVP_ENCODE_CTX_new();
	if (bin != NULL && ctx != NULL) {
		EVP_DecodeInit(ctx);
		if (EVP_DecodeUpdate(ctx, bin, &n, (const unsigned char *)body,
		        (int)(stop - body)) >= 0 &&
		    EVP_DecodeFinal(ctx, bin + n, &tail) >= 0)
			kind = openssh_kind(bin, (size_t)(n + tail));
	}
	EVP_ENCODE_CTX_free(ctx);
	free(bin);
	return kind;
}

/* A PKCS#8 key: OpenSSL tells its algorithm unless it is encrypted (the
 * password callback refuses, so nothing secret is asked for). */
static int
no_password(char *buf, int size, int rwflag, void *u)
{
	(void)buf, (void)size, (void)rwflag, (void)u;
	return 0;
}

static enum sshkey_kind
pkcs8_kind(const char *text, size_t len)
{
	BIO *bio = BIO_new_mem_buf(text, (int)len);
	EVP_PKEY *key;
	enum sshkey_kind kind = SSHKEY_UNKNOWN;

	if (bio == NULL)
		return SSHKEY_UNKNOWN;
	key = PEM_read_bio_PrivateKey(bio, NULL, no_password, NULL);
	if (key != NULL)
		kind = EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA ? SSHKEY_RSA
		                                                 : SSHKEY_OTHER;
	EVP_PKEY_free(key);
	BIO_free(bio);
	return kind;
}

enum sshkey_kind
sshkey_kind_of(const char *text, size_t len)
{
	if (memmem(text, len, "-----BEGIN RSA PRIVATE KEY-----", 31))
		return SSHKEY_RSA;
	if (memmem(text, len, "-----BEGIN OPENSSH PRIVATE KEY-----", 35))
		return openssh_pem_kind(text, len);
	if (memmem(text, len, "-----BEGIN PRIVATE KEY-----", 27))
		return pkcs8_kind(text, len);
	if (memmem(text, len, "ENCRYPTED PRIVATE KEY-----", 26))
		return SSHKEY_UNKNOWN; /* PKCS#8 hides the type too */
	if (memmem(text, len, "PRIVATE KEY-----", 16))
		return SSHKEY_OTHER; /* DSA, EC: not RSA in any case */
	return SSHKEY_UNKNOWN;
}

/* Reads up to KEYFILE_MAX bytes of path into a NUL-terminated buffer. */
static char *
read_head(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char *buf;
	ssize_t n;

	if (fd < 0)
		return NULL;
	buf = malloc(KEYFILE_MAX + 1);
	n = buf ? read(fd, buf, KEYFILE_MAX) : -1;
	close(fd);
	if (n < 0) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	*len = (size_t)n;
	return buf;
}

enum sshkey_kind
sshkey_kind_of_file(const char *path)
{
	enum sshkey_kind kind = SSHKEY_UNKNOWN;
	char *text, *pub = NULL;
	size_t len;

	text = read_head(path, &len);
	if (text != NULL) {
		kind = sshkey_kind_of(text, len);
		free(text);
	}
	if (kind != SSHKEY_UNKNOWN || asprintf(&pub, "%s.pub", path) < 0)
		return kind;
	text = read_head(pub, &len);
	free(pub);
	if (text != NULL) {
		kind = strncmp(text, "ssh-rsa ", 8) == 0 ? SSHKEY_RSA
		       : strncmp(text, "ssh-", 4) == 0 ||
		               strncmp(text, "ecdsa-", 6) == 0
		           ? SSHKEY_OTHER
		           : SSHKEY_UNKNOWN;
		free(text);
	}
	return kind;
}
