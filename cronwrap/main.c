/*
 * main.c - global options, then dispatch to a command.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cli.h"
#include "commands.h"

static void
usage(FILE *f)
{
	fprintf(f, "usage: cronwrap [-c FILE] [-v|-q] COMMAND [ARGS]\n"
	           "commands:\n");
	for (const struct command *c = commands; c->name != NULL; c++)
		fprintf(f, "  %s\n", c->synopsis);
	fprintf(f, "  --help, --version on every command; see cronwrap(1)\n");
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"config", required_argument, NULL, 'c'},
	    {"help", no_argument, NULL, 'h'},
	    {"quiet", no_argument, NULL, 'q'},
	    {"verbose", no_argument, NULL, 'v'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	struct cli cli = {NULL, 0};
	int ch;

	while ((ch = getopt_long(argc, argv, "+c:hqvV", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			cli.config = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'q':
			cli.verbosity = -1;
			break;
		case 'v':
			cli.verbosity = 1;
			break;
		case 'V':
			printf("cronwrap %s\n", CW_VERSION);
			return 0;
		default:
			usage(stderr);
			return EX_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EX_USAGE;
	}
	for (const struct command *c = commands; c->name != NULL; c++) {
		if (strcmp(c->name, argv[optind]) != 0)
			continue;
		argv += optind;
		argc -= optind;
		optind = 0; /* glibc: restart getopt for the command */
		return c->fn(&cli, argc, argv);
	}
	fprintf(stderr, "cronwrap: unknown command \"%s\"\n", argv[optind]);
	usage(stderr);
	return EX_USAGE;
}
