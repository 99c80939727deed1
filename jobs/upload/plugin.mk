# The upload plugin: libcurl for ftp://, ftps:// and sftp://, libcrypto for
# the SHA-256 fingerprint of an SSH host key in messages.
PKGS_upload := libcurl libcrypto

# Unit tests of its pure parts (tests/unit/test_upload_*.c).
TEST_SRC_test_upload_remote := jobs/upload/remote.c
TEST_SRC_test_upload_classify := jobs/upload/errclass.c jobs/upload/sshkey.c
TEST_PKGS_test_upload_classify := libcurl libcrypto
