#!/usr/bin/python3
"""Validate CycloneDX reports against the CycloneDX 1.5 JSON schema.

usage: cdx-schema.py SCHEMA-DIR BOM.json...
SCHEMA-DIR holds bom-1.5, spdx and jsf-0.82 .SNAPSHOT.schema.json as the
@cyclonedx/cyclonedx-library npm package carries them (bootstrap.sh fetches
them). Each BOM must pass, and the same BOM with a component of an unknown
type must fail, or the validation proves nothing.
"""
import json
import os
import sys
import warnings

warnings.simplefilter("ignore")
import jsonschema  # noqa: E402

d = sys.argv[1]
schema = json.load(open(os.path.join(d, "bom-1.5.SNAPSHOT.schema.json")))
store = {}
for n in ("spdx.SNAPSHOT.schema.json", "jsf-0.82.SNAPSHOT.schema.json"):
    s = json.load(open(os.path.join(d, n)))
    store["http://cyclonedx.org/schema/" + n] = s
    if "$id" in s:
        store[s["$id"]] = s
v = jsonschema.Draft7Validator(
    schema, resolver=jsonschema.RefResolver.from_schema(schema, store=store),
    format_checker=jsonschema.FormatChecker())
for f in sys.argv[2:]:
    bom = json.load(open(f))
    errs = list(v.iter_errors(bom))
    if errs:
        sys.exit("%s: %s at %s" % (f, errs[0].message[:300], list(errs[0].path)))
    comps = bom.get("components") or [bom["metadata"]["component"]]
    comps[0]["type"] = "gadget"
    if v.is_valid(bom):
        sys.exit("%s: a component of type \"gadget\" passed the schema" % f)
