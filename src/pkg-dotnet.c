/* The .NET analyzer: an application's *.deps.json. */
#include "config.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "fetch.h"
#include "pkg.h"
#include "util.h"

#define DOTNET_MAX_LIBRARIES	1000000

/*
 * A deps.json's "libraries": keys "NAME/VERSION". Entries of type "package"
 * are NuGet packages; "runtimepack" ones are a self-contained app's runtime
 * (runtimepack.Microsoft.NETCore.App.Runtime.linux-x64), reported as the
 * package Microsoft.NETCore.App.Runtime.linux-x64 whose advisories cover
 * the runtime. "project" entries are the application and its own projects,
 * not packages. The key's version is the package's, not the assembly's.
 */
int
pkg_dotnet_deps_parse(const char *path, const char *data, size_t len,
    struct inventory *inv, char **cause)
{
	json_error_t	 err;
	json_t		*root, *libs, *lib;
	const char	*key, *slash, *type, *name;
	struct package	*p;
	char		*n;
	size_t		 nlib = 0;
	int		 r = 0;

	if ((root = json_loadb(data != NULL ? data : "", data != NULL ? len : 0,
	    0, &err)) == NULL)
		return fail(cause, HS_EINVAL, "invalid JSON: %s near line %d",
		    err.text, err.line);
	libs = json_object_get(root, "libraries");
	if (!json_is_object(libs)) {
		r = fail(cause, HS_EINVAL, "no \"libraries\" object");
		goto out;
	}
	json_object_foreach(libs, key, lib) {
		if (++nlib > DOTNET_MAX_LIBRARIES) {
			r = fail(cause, HS_EINVAL, "more than %d libraries",
			    DOTNET_MAX_LIBRARIES);
			goto out;
		}
		type = json_string_value(json_object_get(lib, "type"));
		if (type == NULL || (slash = strchr(key, '/')) == NULL ||
		    slash == key || slash[1] == '\0' || strchr(slash + 1, '/') != NULL ||
		    strlen(key) > 512 || strpbrk(key, " \t\r\n\"") != NULL)
			continue;
		name = key;
		if (strcmp(type, "runtimepack") == 0) {
			if (str_starts(key, "runtimepack."))
				name = key + strlen("runtimepack.");
		} else if (strcmp(type, "package") != 0)
			continue;
		if (name == slash)
			continue;
		n = xstrndup(name, (size_t)(slash - name));
		p = inventory_add(inv, n, slash + 1, NULL, NULL, NULL, ECO_NUGET);
		p->location = xstrdup(path);
		p->purl = ecosystem_purl(ECO_NUGET, n, slash + 1);
		free(n);
	}
out:
	json_decref(root);
	return r;
}
