/* SPDX-License-Identifier: GPL-2.0 */
/* The panel's files (user/vsd/web/), built into vsd by web/mkassets.sh. */
#ifndef _VSD_WEB_ASSETS_H
#define _VSD_WEB_ASSETS_H

#include <stddef.h>

struct web_asset {
	const char *path, *type;
	const unsigned char *data;
	size_t len;
};

/* Ended by an entry whose path is NULL. */
extern const struct web_asset web_assets[];

#endif /* _VSD_WEB_ASSETS_H */
