/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _VS_VERSION_H
#define _VS_VERSION_H

#define VS_VERSION "0.1.0"
#define VS_VERSION_CODE ((0 << 16) | (1 << 8) | 0)

#endif /* _VS_VERSION_H */
