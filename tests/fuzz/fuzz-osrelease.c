/* Fuzz target: os-release and its fallbacks (lsb-release, redhat-release, …). */
#include "config.h"

#define FUZZ_NAME osrelease

#include "fuzz.h"
#include "layer.h"
#include "model.h"
#include "pkg.h"
#include "rootfs.h"

/* The files pkg_os_detect reads; the first input byte picks one. */
static const char *paths[] = {
	"etc/os-release", "usr/lib/os-release", "etc/lsb-release",
	"etc/redhat-release", "etc/centos-release", "etc/system-release",
	"etc/SuSE-release", "etc/debian_version", "etc/alpine-release",
	"etc/issue",
};

int
FUZZ_INIT(FUZZ_NAME)(int *argc, char ***argv)
{
	FUZZ_QUIET();
	return 0;
}

int
FUZZ_ONE(FUZZ_NAME)(const uint8_t *data, size_t size)
{
	struct os_info		 os;
	struct rootfs		*r;
	struct layer_files	 lf;
	struct kept_file	 kf;
	const char		*path;

	memset(&os, 0, sizeof os);
	pkg_osrelease_parse((const char *)data, size, &os);
	pkg_os_namespace(&os);
	os_info_clear(&os);

	if (size == 0)
		return 0;
	path = paths[data[0] % NELEM(paths)];
	memset(&lf, 0, sizeof lf);
	memset(&kf, 0, sizeof kf);
	kf.path = (char *)path;
	kf.type = KEPT_FILE;
	kf.data = fuzz_cstr(data + 1, size - 1);
	kf.len = size - 1;
	lf.files = &kf;
	lf.nfiles = 1;
	r = rootfs_new();
	rootfs_apply(r, &lf);
	memset(&os, 0, sizeof os);
	pkg_os_detect(r, &os);
	pkg_os_namespace(&os);
	os_info_clear(&os);
	rootfs_free(r);
	free(kf.data);
	return 0;
}
