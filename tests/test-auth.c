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

/* An identity token found, and nothing else. */
static void
creds_token(const char *desc, const char *registry, const char *want)
{
	struct auth_creds	 c;
	char			*cause = NULL;
	int			 rc;

	rc = auth_creds_find(registry, "x", NULL, &c, &cause);
	if (!tap_ok(rc == 0 && streq(c.token, want) && c.pass == NULL,
	    "creds: %s", desc))
		tap_diag("rc %d token %s cause %s", rc, c.token != NULL ? "set" : "none",
		    cause != NULL ? cause : "");
	auth_creds_clear(&c);
	free(cause);
}

/*
 * Docker credential helpers: a docker-credential-hstest of the test's own on
 * PATH answers per server as helpers do (JSON on success; "credentials not
 * found" and exit 1 when it has none), or misbehaves.
 */
static const char helper_script[] =
    "#!/bin/sh\n"
    "[ \"$1\" = get ] || exit 3\n"
    "read -r server\n"
    "case \"$server\" in\n"
    "127.0.0.1:6000) printf '{\"ServerURL\":\"%s\",\"Username\":\"helperuser\","
    "\"Secret\":\"helper-s3cret\"}\\n' \"$server\";;\n"
    "https://index.docker.io/v1/) printf '{\"Username\":\"hubhelper\",\"Secret\":\"hub-s3cret\"}';;\n"
    "127.0.0.1:6001) echo 'credentials not found in native keychain'; exit 1;;\n"
    "127.0.0.1:6002) echo 'boom: keychain locked'; echo second line; exit 1;;\n"
    "127.0.0.1:6003) exec sleep 30;;\n"
    "127.0.0.1:6004) echo 'not json';;\n"
    "127.0.0.1:6005) head -c 100000 /dev/zero | tr '\\0' x;;\n"
    "127.0.0.1:6006) printf '{\"Username\":\"<token>\",\"Secret\":\"idtoken\"}';;\n"
    "*) echo \"unexpected server $server\"; exit 1;;\n"
    "esac\n";

static void
helpers(void)
{
	char	*bin, *path, *oldpath, *newpath, *cause = NULL;
	double	 t0;

	bin = xasprintf("%s/bin", tmpdir);
	mkdir(bin, 0755);
	write_file("bin/docker-credential-hstest", helper_script);
	path = xasprintf("%s/docker-credential-hstest", bin);
	chmod(path, 0755);
	free(path);
	oldpath = xstrdup(getenv("PATH") != NULL ? getenv("PATH") : "/usr/bin:/bin");
	newpath = xasprintf("%s:%s", bin, oldpath);
	setenv("PATH", newpath, 1);

	write_file("helpers.json", "{\"auths\": {"
	    "\"127.0.0.1:6000\": {\"auth\": \"Ym9iOmh1bnRlcjI=\"},"
	    "\"127.0.0.1:7000\": {\"auth\": \"Ym9iOmh1bnRlcjI=\"},"
	    "\"127.0.0.1:7001\": {}"
	    "}, \"credHelpers\": {"
	    "\"127.0.0.1:6000\": \"hstest\", \"127.0.0.1:6001\": \"hstest\","
	    "\"127.0.0.1:6002\": \"hstest\", \"127.0.0.1:6003\": \"hstest\","
	    "\"127.0.0.1:6004\": \"hstest\", \"127.0.0.1:6005\": \"hstest\","
	    "\"127.0.0.1:6006\": \"hstest\", \"docker.io\": \"hstest\","
	    "\"127.0.0.1:6007\": \"absent\", \"127.0.0.1:6008\": \"../../bin/sh\""
	    "}, \"credsStore\": \"hstest\"}");
	path = xasprintf("%s/helpers.json", tmpdir);
	setenv("REGISTRY_AUTH_FILE", path, 1);
	free(path);

	creds("credHelpers beats auths", "127.0.0.1:6000", "x", NULL, 0, "helperuser",
	    "helper-s3cret");
	creds("Docker Hub's helper is asked for https://index.docker.io/v1/",
	    "registry-1.docker.io", "library/debian", NULL, 0, "hubhelper", "hub-s3cret");
	creds("helper has none: anonymous", "127.0.0.1:6001", "x", NULL, HS_ENOENT, NULL,
	    NULL);
	creds("helper fails", "127.0.0.1:6002", "x", NULL, HS_EIO, NULL, NULL);
	creds("helper answers no JSON", "127.0.0.1:6004", "x", NULL, HS_EINVAL, NULL, NULL);
	creds("helper answers too much", "127.0.0.1:6005", "x", NULL, HS_ELIMIT, NULL, NULL);
	creds_token("a helper's <token> user: its secret is an identity token",
	    "127.0.0.1:6006", "idtoken");
	creds("helper not installed: anonymous, with a warning", "127.0.0.1:6007", "x",
	    NULL, HS_ENOENT, NULL, NULL);
	creds("a helper name with a path is refused", "127.0.0.1:6008", "x", NULL,
	    HS_EINVAL, NULL, NULL);
	creds("auths with credentials beats credsStore", "127.0.0.1:7000", "x", NULL, 0,
	    "bob", "hunter2");
	/* An entry left empty by docker login with a store, and no entry: the store. */
	creds("empty auths entry: credsStore", "127.0.0.1:7001", "x", NULL, HS_EIO,
	    NULL, NULL);

	{
		struct auth_creds	c;
		int			rc;

		rc = auth_creds_find("127.0.0.1:6002", "x", NULL, &c, &cause);
		tap_ok(rc == HS_EIO && cause != NULL &&
		    strstr(cause, "docker-credential-hstest") != NULL &&
		    strstr(cause, "boom: keychain locked") != NULL &&
		    strstr(cause, "second line") == NULL &&
		    strstr(cause, "helpers.json") != NULL,
		    "a failing helper: one line naming it, its file and its first line: %s",
		    cause != NULL ? cause : "(none)");
		auth_creds_clear(&c);
		free(cause);
		cause = NULL;
		t0 = now_mono();
		rc = auth_creds_find("127.0.0.1:6003", "x", NULL, &c, &cause);
		tap_ok(rc == HS_EIO && now_mono() - t0 < 20 && cause != NULL &&
		    strstr(cause, "no answer within") != NULL,
		    "a helper that hangs is stopped after %.1f s: %s", now_mono() - t0,
		    cause != NULL ? cause : "(none)");
		auth_creds_clear(&c);
		free(cause);
		cause = NULL;
	}

	setenv("PATH", oldpath, 1);
	unsetenv("REGISTRY_AUTH_FILE");
	free(oldpath);
	free(newpath);
	free(bin);
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
	    "\"bad.example\": {\"auth\": \"bm9jb2xvbg==\"},"
	    /* docker login's entry for a token server that gave a refresh token */
	    "\"id.example\": {\"auth\": \"YWxpY2U6\", \"identitytoken\": \"id-s3cret\"},"
	    "\"id2.example\": {\"auth\": \"Ym9iOnB3\", \"identitytoken\": \"\"}"
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
	creds_token("an identitytoken is used before the auth beside it", "id.example",
	    "id-s3cret");
	creds("an empty identitytoken is none", "id2.example", "x", NULL, 0, "bob", "pw");

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

	helpers();

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
