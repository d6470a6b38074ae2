/* Fuzz target: WWW-Authenticate challenges, and the base64 helpers beside them. */
#include "config.h"

#define FUZZ_NAME auth

#include "auth.h"
#include "fuzz.h"

int
FUZZ_INIT(FUZZ_NAME)(int *argc, char ***argv)
{
	FUZZ_QUIET();
	return 0;
}

int
FUZZ_ONE(FUZZ_NAME)(const uint8_t *data, size_t size)
{
	struct auth_challenge	 ch;
	char			*s, *cause = NULL, *dec = NULL, *enc;
	size_t			 len;
	int			 rc;

	s = fuzz_cstr(data, size);
	memset(&ch, 0, sizeof ch);
	rc = auth_challenge_parse(s, &ch, &cause);
	fuzz_check("auth_challenge_parse", rc, &cause);
	if (rc == 0 && (ch.scheme == NULL ||
	    (strcmp(ch.scheme, "basic") != 0 && strcmp(ch.scheme, "bearer") != 0))) {
		fprintf(stderr, "fuzz: scheme %s\n", ch.scheme != NULL ?
		    ch.scheme : "(null)");
		abort();
	}
	auth_challenge_clear(&ch);

	/* decode(encode(x)) == x, and decode never trips on junk. */
	if (auth_base64_decode(s, &dec, &len) == 0)
		free(dec);
	dec = NULL;
	enc = auth_base64_encode(data, size);
	if (auth_base64_decode(enc, &dec, &len) != 0 || len != size ||
	    memcmp(dec, data, size) != 0) {
		fprintf(stderr, "fuzz: base64 does not round-trip %zu bytes\n", size);
		abort();
	}
	free(enc);
	free(dec);
	free(s);
	return 0;
}
