/* fuzz-sample-header.c — sample files through Tandem's sample check, read
 * by libsndfile from memory
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fuzz-common.h"
#include "tandem-sample.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (data, size);
  g_auto(TandemSampleFileInfo) info = { 0 };
  g_autoptr(GError) error = NULL;

  fuzz_init ();
  if (tandem_sample_check_bytes (bytes, "fuzz", &info, &error))
    {
      /* What passes is something the engine plays. */
      if (info.rate < 1000 || info.rate > TANDEM_SAMPLE_MAX_RATE || info.channels < 1
          || info.frames == 0 || info.frames > (guint64) info.rate * TANDEM_SAMPLE_MAX_SECONDS
          || info.format == NULL)
        abort ();
    }
  else if (error == NULL || error->domain != TANDEM_SAMPLE_ERROR)
    abort ();
  return 0;
}
