/*
 * hostkey.c - fingerprints and advice for refused SSH host keys.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/sha.h>

#include "hostkey.h"

static const struct {
	enum curl_khtype type;
	const char *ssh_name; /* as in known_hosts */
	const char *scan;     /* ssh-keyscan -t */
} key_types[] = {
    {CURLKHTYPE_RSA, "ssh-rsa", "rsa"},
    {CURLKHTYPE_DSS, "ssh-dss", "dsa"},
    {CURLKHTYPE_ECDSA, "ecdsa", "ecdsa"},
    {CURLKHTYPE_ED25519, "ssh-ed25519", "ed25519"},
};

static size_t
type_index(enum curl_khtype type)
{
	for (size_t i = 0; i < sizeof(key_types) / sizeof(*key_types); i++) {
		if (key_types[i].type == type)
			return i;
	}
	return 0; /* RSA: the most likely of the rest */
}

void
hostkey_record(struct hostkey_seen *seen, enum curl_khmatch match,
    const struct curl_khkey *found)
{
	unsigned char raw[8192], md[SHA256_DIGEST_LENGTH];
	unsigned char b64[4 * ((SHA256_DIGEST_LENGTH + 2) / 3) + 1];
	size_t len = found->len;
	char *eq;

	seen->match = match;
	seen->type = found->keytype;
	seen->fingerprint[0] = '\0';
	if (len == 0) { /* base64 text: decode it first */
		int n = EVP_DecodeBlock(raw, (const unsigned char *)found->key,
		    (int)strlen(found->key));

		if (n < 0)
			return;
		len = (size_t)n;
	} else if (len <= sizeof(raw)) {
		memcpy(raw, found->key, len);
	} else {
		return;
	}
	SHA256(raw, len, md);
	EVP_EncodeBlock(b64, md, sizeof(md));
	eq = strchr((char *)b64, '='); /* OpenSSH prints no padding */
	if (eq)
		*eq = '\0';
	snprintf(
	    seen->fingerprint, sizeof(seen->fingerprint), "SHA256:%s", b64);
}

/* The host as ssh-keyscan and ssh-keygen -R take it: no IPv6 brackets. */
static void
bare_host(char *buf, size_t len, const char *host)
{
	size_t n = strlen(host);

	if (n >= 2 && host[0] == '[' && host[n - 1] == ']')
		snprintf(buf, len, "%.*s", (int)(n - 2), host + 1);
	else
		snprintf(buf, len, "%s", host);
}

void
hostkey_scan_command(char *buf, size_t len, const char *type, const char *host,
    long port, const char *known_hosts)
{
	char h[256];

	bare_host(h, sizeof(h), host);
	if (port == 0 || port == 22)
		snprintf(buf, len, "ssh-keyscan -t %s %s >> %s", type, h,
		    known_hosts);
	else
		snprintf(buf, len, "ssh-keyscan -p %ld -t %s %s >> %s", port,
		    type, h, known_hosts);
}

void
hostkey_message(char *buf, size_t len, const struct hostkey_seen *seen,
    const char *host, long port, const char *known_hosts)
{
	const char *scan = key_types[type_index(seen->type)].scan;
	const char *name = key_types[type_index(seen->type)].ssh_name;
	char h[256], entry[300], keyscan[600];

	bare_host(h, sizeof(h), host);
	if (port == 0 || port == 22)
		snprintf(entry, sizeof(entry), "%s", h);
	else
		snprintf(entry, sizeof(entry), "[%s]:%ld", h, port);
	hostkey_scan_command(
	    keyscan, sizeof(keyscan), scan, host, port, known_hosts);
	if (seen->match == CURLKHMATCH_MISMATCH)
		snprintf(buf, len,
		    "the SSH host key of %s has CHANGED: the server now offers "
		    "%s %s, which is not the key %s holds for it; this may be "
		    "an attack, or the server was reinstalled. Once its "
		    "administrator has confirmed the new fingerprint, replace "
		    "the old key with: ssh-keygen -R '%s' -f %s && %s",
		    entry, name, seen->fingerprint, known_hosts, entry,
		    known_hosts, keyscan);
	else
		snprintf(buf, len,
		    "the SSH host key of %s is unknown: %s has no key for it "
		    "(the server offers %s %s). Once its administrator has "
		    "confirmed that fingerprint, add the key with: %s",
		    entry, known_hosts, name, seen->fingerprint, keyscan);
}
