/* tandem-clip.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tandem-model-types.h"

G_BEGIN_DECLS

#define TANDEM_TYPE_CLIP (tandem_clip_get_type ())
G_DECLARE_FINAL_TYPE (TandemClip, tandem_clip, TANDEM, CLIP, GObject)

/* Properties: "id" (construct-only), "pattern" (pattern id), "start" (bar,
 * 0..TANDEM_MAX_BARS-1), "length" (bars, 1..TANDEM_MAX_BARS). A clip plays its
 * pattern repeatedly from its start bar for its length. */
const char *tandem_clip_get_id      (TandemClip *self);
const char *tandem_clip_get_pattern (TandemClip *self);
guint       tandem_clip_get_start   (TandemClip *self);
guint       tandem_clip_get_length  (TandemClip *self);

G_END_DECLS
