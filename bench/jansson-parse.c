/* The floor for feed import benchmarks: jansson parsing a whole JSON file, nothing else. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <jansson.h>

int
main(int argc, char **argv)
{
	struct timespec	 t0, t1;
	json_error_t	 err;
	json_t		*root;
	FILE		*f;
	char		*data;
	long		 len;

	if (argc != 2) {
		fprintf(stderr, "usage: jansson-parse FILE\n");
		return 2;
	}
	if ((f = fopen(argv[1], "rb")) == NULL || fseek(f, 0, SEEK_END) != 0 ||
	    (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
		perror(argv[1]);
		return 2;
	}
	if ((data = malloc((size_t)len + 1)) == NULL ||
	    fread(data, 1, (size_t)len, f) != (size_t)len) {
		perror(argv[1]);
		return 2;
	}
	fclose(f);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	root = json_loadb(data, (size_t)len, 0, &err);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (root == NULL) {
		fprintf(stderr, "%s: line %d: %s\n", argv[1], err.line, err.text);
		return 1;
	}
	json_decref(root);
	free(data);
	printf("%.3f\n", (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	return 0;
}
