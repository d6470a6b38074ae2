/* The floor for OVAL import benchmarks: libxml2 parsing a whole file into a tree, nothing else. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <libxml/parser.h>

int
main(int argc, char **argv)
{
	struct timespec	 t0, t1;
	xmlDocPtr	 doc;
	FILE		*f;
	char		*data;
	long		 len;

	if (argc != 2) {
		fprintf(stderr, "usage: libxml2-parse FILE\n");
		return 2;
	}
	if ((f = fopen(argv[1], "rb")) == NULL || fseek(f, 0, SEEK_END) != 0 ||
	    (len = ftell(f)) < 0 || len > INT_MAX || fseek(f, 0, SEEK_SET) != 0) {
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
	doc = xmlReadMemory(data, (int)len, NULL, NULL, XML_PARSE_NONET |
	    XML_PARSE_COMPACT);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (doc == NULL) {
		fprintf(stderr, "%s: not well-formed XML\n", argv[1]);
		return 1;
	}
	xmlFreeDoc(doc);
	free(data);
	printf("%.3f\n", (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	return 0;
}
