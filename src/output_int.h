/* output_int.h — inside the output module: what output.c (the lock, the
 * marker, staging) and commit.c (the commit) share. Not part of any other
 * module's contract; see output.h for that. */
#ifndef VADE_OUTPUT_INT_H
#define VADE_OUTPUT_INT_H

#include "output.h"
#include "util.h"

#include <pthread.h>
#include <sys/types.h>
#include <stdbool.h>

#define MARKER ".vade-output"
#define STAGING_MARK ".vade-staging"

/* What the marker of OUT_DIR says about the files in it. */
enum previous {
	PREV_NONE,      /* a new or empty folder: nothing in it is vade's */
	PREV_LIST,      /* the current format: exactly the files the last build made */
	PREV_OLD_LIST,  /* vade 0.1's line-per-name list: a name holding a newline was split in two, so its
	                 * names count as vade's where this build writes again, but none is removed */
	PREV_DOUBTED,   /* the current format with lines that cannot be read (read_manifest): those that can
	                 * count as in PREV_LIST */
	PREV_UNLISTED,  /* a marker with no list we can read: vade's folder, but no file in it known as vade's */
};

struct output {
	char *dir;              /* OUT_DIR, without a trailing slash */
	char *tmp;              /* the staging folder beside it */
	char *stage;            /* tmp/out: the staged files */
	char *lockpath;
	int lockfd;             /* holds the flock; -1 once released */
	bool existed;           /* OUT_DIR was there (and ours, or empty): update it in place */
	mode_t file_mode;       /* the mode a file written beside OUT_DIR got (output_begin(): the staging mark's) */
	enum previous prev;
	pthread_mutex_t lock;
	struct vec produced;    /* every file put: struct output_file * (owned) */
	struct vec changed;     /* the files staged (borrowed from produced) */
	size_t kept;            /* the rels output_keep() put: not rendered */
	struct vec previous;    /* what the last build made, from its marker (owned, sorted) */
	int64_t marker[FILE_VERSION]; /* the new marker's version, as the commit put it in place */
};

/* The gate between the build and an interruption (output.c explains it). */
extern pthread_rwlock_t output_gate;
extern bool output_interrupted;

/* The marker's first lines, and one name of its list written into b (names encoded, see vade(5)). */
extern const char output_marker_head[];
extern const char output_marker_v2[];
void output_marker_name(struct buf *b, const char *name);

int output_cmp_str(const void *a, const void *b);
/* The same for two struct output_file * elements, by rel; and of a char * (a name) with one. */
int output_cmp_file(const void *a, const void *b);
int output_cmp_name_file(const void *name, const void *file);
/* Ends a build: the staging folder goes (unless keep), the lock is let go, o is freed. */
void output_finish(struct output *o, bool keep);

#endif
