/* tandem-sample-info.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tandem-model-types.h"

G_BEGIN_DECLS

#define TANDEM_TYPE_SAMPLE_INFO (tandem_sample_info_get_type ())
G_DECLARE_FINAL_TYPE (TandemSampleInfo, tandem_sample_info, TANDEM, SAMPLE_INFO, GObject)

/* An entry of the project's sample registry. Properties: "id" (the SHA-256 of
 * the file's bytes, lowercase hex, construct-only), "name" (display name),
 * "format" (e.g. "wav", "flac"), "frames", "rate", "channels", "bytes". */
const char *tandem_sample_info_get_id       (TandemSampleInfo *self);
const char *tandem_sample_info_get_name     (TandemSampleInfo *self);
const char *tandem_sample_info_get_format   (TandemSampleInfo *self);
guint64     tandem_sample_info_get_frames   (TandemSampleInfo *self);
guint       tandem_sample_info_get_rate     (TandemSampleInfo *self);
guint       tandem_sample_info_get_channels (TandemSampleInfo *self);
guint64     tandem_sample_info_get_bytes    (TandemSampleInfo *self);

G_END_DECLS
