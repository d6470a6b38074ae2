/* Unit cases for auth.c and fetch.c's pure helpers: challenges, base64, credential files. */
#include "config.h"

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth.h"
#include "fetch.h"
#include "util.h"
#include "tap.h"

static char tmpdir[] = "/tmp/hullscan-test-auth.XXXXXX";

static int
streq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static void
challenge(const char *in, const char *scheme, const char *realm, const char *service,
    const char *scope, const char *error)
{
	struct auth_challenge	 ch;
	char			*cause = NULL;
	int			 rc;

	rc = auth_challenge_parse(in, &ch, &cause);
	if (scheme == NULL) {
		tap_ok(rc != 0, "challenge refused: %s (%s)", in, cause != NULL ? cause : "");
		free(cause);
		return;
	}
	if (!tap_ok(rc == 0 && streq(ch.scheme, scheme) && streq(ch.realm, realm) &&
	    streq(ch.service, service) && streq(ch.scope, scope) && streq(ch.error, error),
	    "challenge: %s", in))
		tap_diag("got rc %d scheme %s realm %s service %s scope %s error %s", rc,
		    ch.scheme, ch.realm, ch.service, ch.scope, ch.error);
	auth_challenge_clear(&ch);
	free(cause);
}

static void
write_file(const char *name, const char *text)
{
	char	*path = xasprintf("%s/%s", tmpdir, name);
	FILE	*f = fopen(path, "w");

	if (f == NULL) {
		perror(path);
		exit(1);
	}
	fputs(text, f);
	fclose(f);
	free(path);
}

/* Credentials expected for registry/repository from the current environment. */
static void
creds(const char *desc, const char *registry, const char *repo, const char *opt,
    int want_rc, const char *user, const char *pass)
{
	struct auth_creds	 c;
	char			*cause = NULL;
	int			 rc;

	rc = auth_creds_find(registry, repo, opt, &c, &cause);
	if (!tap_ok(rc == want_rc && (rc != 0 || (streq(c.user, user) &&
	    streq(c.pass, pass))), "creds: %s", desc))
		tap_diag("rc %d (want %d) user %s cause %s", rc, want_rc, c.user,
		    cause != NULL ? cause : "");
	/* A message about a bad entry never shows the secret. */
	if (cause != NULL && pass != NULL)
		tap_ok(strstr(cause, pass) == NULL, "creds: %s: cause hides the secret", desc);
	auth_creds_clear(&c);
	free(cause);
}

int
main(void)
{
	char	*s, *dec, *path, *cause = NULL;
	size_t	 len;
	struct auth_creds c = { "user", "p@ss:w0rd" };

	/* Challenges, as registries send them. */
	challenge("Basic realm=\"r\"", "basic", "r", NULL, NULL, NULL);
	challenge("Bearer realm=\"http://127.0.0.1:5001/token\",service=\"S\","
	    "scope=\"repository:test/x:pull\"", "bearer", "http://127.0.0.1:5001/token",
	    "S", "repository:test/x:pull", NULL);
	challenge("Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
	    "scope=\"repository:library/debian:pull\",error=\"insufficient_scope\"",
	    "bearer", "https://auth.docker.io/token", "registry.docker.io",
	    "repository:library/debian:pull", "insufficient_scope");
	challenge("bearer  realm = \"https://a/t\" , service=\"s\\\"q\"", "bearer",
	    "https://a/t", "s\"q", NULL, NULL);
	challenge("Basic realm=\"b\", Bearer realm=\"https://a/t\",service=s", "bearer",
	    "https://a/t", "s", NULL, NULL);
	challenge("Bearer realm=\"https://a/t\", Basic realm=\"b\"", "bearer",
	    "https://a/t", NULL, NULL, NULL);
	challenge("Negotiate abc==, Basic realm=\"x\"", "basic", "x", NULL, NULL, NULL);
	challenge("Negotiate", NULL, NULL, NULL, NULL, NULL);
	challenge("", NULL, NULL, NULL, NULL, NULL);
	challenge("Bearer service=\"s\"", NULL, NULL, NULL, NULL, NULL);
	challenge("Bearer realm=\"file:///etc/passwd\"", NULL, NULL, NULL, NULL, NULL);

	/* Base64 against known answers (RFC 4648 section 10). */
	s = auth_base64_encode("foobar", 6);
	tap_ok(strcmp(s, "Zm9vYmFy") == 0, "base64 foobar");
	free(s);
	s = auth_base64_encode("fo", 2);
	tap_ok(strcmp(s, "Zm8=") == 0, "base64 fo");
	free(s);
	tap_ok(auth_base64_decode("Zm9vYg==", &dec, &len) == 0 && len == 4 &&
	    strcmp(dec, "foob") == 0, "base64 decode with padding");
	free(dec);
	tap_ok(auth_base64_decode("Zm9v!", &dec, &len) != 0, "base64 decode refuses junk");
	tap_ok(auth_base64_decode("====", &dec, &len) != 0 &&
	    auth_base64_decode("A===", &dec, &len) != 0 &&
	    auth_base64_decode("=AAA", &dec, &len) != 0 &&
	    auth_base64_decode("AA=A", &dec, &len) != 0,
	    "base64 decode refuses misplaced or excess padding");
	s = auth_basic_header(&c);
	tap_ok(strcmp(s, "Authorization: Basic dXNlcjpwQHNzOncwcmQ=") == 0,
	    "Basic header");
	free(s);

	/* URL helpers. */
	s = fetch_origin("https://Reg.Example/v2/");
	tap_ok(strcmp(s, "https://reg.example:443") == 0, "origin adds the https port (%s)", s);
	free(s);
	s = fetch_origin("http://u:p@127.0.0.1:5000/v2/x?y");
	tap_ok(strcmp(s, "http://127.0.0.1:5000") == 0, "origin drops userinfo (%s)", s);
	free(s);
	s = fetch_origin("http://[::1]/x");
	tap_ok(strcmp(s, "http://[::1]:80") == 0, "origin of an IPv6 host (%s)", s);
	free(s);
	s = fetch_escape("repository:a/b:pull&x=1 y", NULL);
	tap_ok(strcmp(s, "repository%3Aa%2Fb%3Apull%26x%3D1%20y") == 0, "escape (%s)", s);
	free(s);

	/* Credential files. */
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	unsetenv("DOCKER_CONFIG");
	unsetenv("REGISTRY_AUTH_FILE");
	setenv("HOME", tmpdir, 1);
	creds("no file", "127.0.0.1:5000", "test/x", NULL, HS_ENOENT, NULL, NULL);
	creds("--creds", "127.0.0.1:5000", "test/x", "alice:se:cret", 0, "alice", "se:cret");
	creds("--creds without a colon", "r", "x", "alice", HS_EINVAL, NULL, NULL);

	path = xasprintf("%s/.docker", tmpdir);
	mkdir_parents(path, &cause);
	mkdir(path, 0700);
	free(path);
	/* auth = base64("bob:hunter2"), base64("hub:hubpass"), base64("ns:nspass") */
	write_file(".docker/config.json",
	    "{\"auths\": {"
	    "\"127.0.0.1:5000\": {\"auth\": \"Ym9iOmh1bnRlcjI=\"},"
	    "\"https://index.docker.io/v1/\": {\"auth\": \"aHViOmh1YnBhc3M=\"},"
	    "\"quay.example/team\": {\"auth\": \"bnM6bnNwYXNz\"},"
	    "\"quay.example\": {\"username\": \"top\", \"password\": \"toppass\"},"
	    "\"bad.example\": {\"auth\": \"bm9jb2xvbg==\"}"
	    "}, \"credsStore\": \"desktop\"}");
	creds("config.json host:port", "127.0.0.1:5000", "test/x", NULL, 0, "bob", "hunter2");
	creds("config.json other port", "127.0.0.1:5001", "test/x", NULL, HS_ENOENT,
	    NULL, NULL);
	creds("Docker Hub aliases", "registry-1.docker.io", "library/debian", NULL, 0, "hub",
	    "hubpass");
	creds("namespace entry wins", "quay.example", "team/app", NULL, 0, "ns", "nspass");
	creds("namespace is a path prefix", "quay.example", "teamx/app", NULL, 0, "top",
	    "toppass");
	creds("--creds beats the file", "127.0.0.1:5000", "test/x", "eve:pw", 0, "eve", "pw");
	creds("auth without a colon", "bad.example", "x", NULL, HS_EINVAL, NULL, "nocolon");

	write_file("auth.json", "{\"auths\": {\"127.0.0.1:5000\": {\"auth\": "
	    "\"Y2Fyb2w6czNjcjN0\"}}}");	/* carol:s3cr3t */
	path = xasprintf("%s/auth.json", tmpdir);
	setenv("REGISTRY_AUTH_FILE", path, 1);
	creds("$REGISTRY_AUTH_FILE first", "127.0.0.1:5000", "test/x", NULL, 0, "carol",
	    "s3cr3t");
	write_file("auth.json", "{\"auths\": ");
	creds("malformed file", "127.0.0.1:5000", "test/x", NULL, HS_EINVAL, NULL, NULL);
	unlink(path);
	free(path);

	path = xasprintf("rm -rf '%s'", tmpdir);
	if (system(path) != 0)
		tap_diag("could not remove %s", tmpdir);
	free(path);
	free(cause);
	(void)tap_skip;	/* the shared helpers this program has no use for */
	(void)tap_fixtures;
	(void)tap_no_fixtures;
	return tap_done();
}
