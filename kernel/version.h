/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _VS_VERSION_H
#define _VS_VERSION_H

#define VS_VERSION "0.1.0"

#endif /* _VS_VERSION_H */
