/*
 * sshkey.h - which kind of SSH key a private key file holds, to explain a
 * refused login: libssh2 1.10 (libcurl's SFTP backend on Debian 12) signs
 * with an RSA key only as "ssh-rsa" (SHA-1), which OpenSSH 8.8 and later
 * refuse by default, so an RSA key is the likely cause of "login denied".
 */
#ifndef UPLOAD_SSHKEY_H
#define UPLOAD_SSHKEY_H

#include <stddef.h>

enum sshkey_kind { SSHKEY_UNKNOWN, SSHKEY_RSA, SSHKEY_OTHER };

/* The kind of the private key in text (a PEM "RSA PRIVATE KEY", a PKCS#8
 * "PRIVATE KEY" or an OpenSSH "OPENSSH PRIVATE KEY", whose key type is
 * readable even when the key is encrypted). */
enum sshkey_kind sshkey_kind_of(const char *text, size_t len);

/* The same for a key file; when the private key does not tell (an
 * encrypted PKCS#8 key), the first word of path.pub is used.  Reads at
 * most 64 KiB; returns SSHKEY_UNKNOWN when the file cannot be read. */
enum sshkey_kind sshkey_kind_of_file(const char *path);

#endif
