/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Replacing a file so that a crash or a reader at any moment sees the old
 * contents or the new, never a mix or nothing: a temporary file in the
 * same directory, fsync, rename over, fsync of the directory. The old
 * file can be kept as PATH.bak (a hard link taken before the rename, so
 * there is no moment without PATH).
 */
#ifndef _VSD_ATOMIC_H
#define _VSD_ATOMIC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* 0, or -1 with the reason in err (PATH untouched). mode applies to a
 * new file; an existing one keeps its mode and owner.
 */
int atomic_write(const char *path, const char *text, size_t len, mode_t mode,
		 bool backup, char *err, size_t errlen);

/*
 * fopen(path, "re") for the files vsd reads (configuration, password
 * file, keys, certificates), but never blocking on a FIFO or a device:
 * NULL with errno EINVAL for anything but a regular file.
 */
#include <stdio.h>
FILE *fopen_regular(const char *path);

#endif /* _VSD_ATOMIC_H */
