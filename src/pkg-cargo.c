/*
 * Rust executables built with cargo-auditable: the crates of the .dep-v0
 * section's JSON ({"packages": [{"name", "version", "source", …}]}).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "pkg.h"
#include "summary.h"
#include "util.h"

int
pkg_cargo_parse(const char *data, size_t len, const char *location,
    const char *layer, struct inventory *inv, char **cause)
{
	json_t		*root, *pkgs, *e;
	json_error_t	 err;
	struct package	*p;
	const char	*name, *version, *source;
	size_t		 i;

	root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &err);
	if (root == NULL)
		return fail(cause, HS_EINVAL, "line %d: %s", err.line, err.text);
	if ((pkgs = json_object_get(root, "packages")) == NULL ||
	    !json_is_array(pkgs)) {
		json_decref(root);
		return fail(cause, HS_EINVAL, "no \"packages\" array");
	}
	json_array_foreach(pkgs, i, e) {
		name = json_string_value(json_object_get(e, "name"));
		version = json_string_value(json_object_get(e, "version"));
		source = json_string_value(json_object_get(e, "source"));
		if (!summary_text_ok(name) || !summary_text_ok(version)) {
			json_decref(root);
			return fail(cause, HS_EINVAL, "package %zu: no name or "
			    "version", i);
		}
		p = inventory_add(inv, name, version, NULL, NULL, NULL, ECO_CARGO);
		p->location = summary_clean(xstrdup(location));
		p->layer = layer != NULL ? xstrdup(layer) : NULL;
		p->purl = ecosystem_purl(ECO_CARGO, name, version);
		if (source == NULL || strcmp(source, "crates.io") != 0)
			p->origin = summary_clean(xstrdup(source != NULL ? source :
			    "unknown"));
	}
	json_decref(root);
	return 0;
}
